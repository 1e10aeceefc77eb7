"""Benchmark: our LEXIMIN (and maximin) vs sortition-algorithms' maximin (HiGHS).

Runs every solver in a subprocess killed after ``--timeout`` seconds (default
120, reported as "> 120 s"), on the public example instances and on generated
pools of 500, 2,000 and 10,000 respondents (5-7 categories, panels 30-150,
response-biased pools, quotas = population share x k +/- 15%). Prints a
markdown table. Usage::

    .venv/bin/python benchmarks/sortition.py [--timeout 120] [--quick] [--ours-timeout 600]
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "sortition"

CATEGORIES = (("geslacht", 2), ("leeftijd", 5), ("wijk", 7), ("opleiding", 3),
              ("herkomst", 3), ("woonsituatie", 4), ("stedelijkheid", 2))
GENERATED = (("generated_500", 500, 5, 30), ("generated_2000", 2000, 6, 75), ("generated_10000", 10000, 7, 150))


def generate(folder, n, ncat, k, seed):
    """Write a response-biased pool and proportional quotas (SF layout) into ``folder``."""
    rng = np.random.default_rng(seed)
    columns, quotas = [], []
    for name, size in CATEGORIES[:ncat]:
        population = rng.dirichlet(np.full(size, 4.0))
        pool = population * rng.uniform(0.4, 1.6, size=size)
        columns.append(rng.choice(size, size=n, p=pool / pool.sum()))
        for v in range(size):
            target = population[v] * k
            quotas.append((name, f"{name}_{v}", int(np.floor(target * 0.85)), int(np.ceil(target * 1.15))))
    with open(folder / "people.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id"] + [name for name, _ in CATEGORIES[:ncat]])
        for i in range(n):
            writer.writerow([f"x{i}"] + [f"{CATEGORIES[c][0]}_{columns[c][i]}" for c in range(ncat)])
    with open(folder / "quotas.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["feature", "value", "min", "max"])
        writer.writerows(quotas)


def to_sf_layout(source, folder):
    """Replication layout (no ids) -> SF layout with ids r0, r1, ... for the peer."""
    rows = list(csv.reader(open(source / "respondents.csv", newline="")))
    with open(folder / "people.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id"] + rows[0])
        writer.writerows([f"r{i}"] + row for i, row in enumerate(rows[1:]))
    text = (source / "categories.csv").read_text().replace("category,feature,min,max", "feature,value,min,max", 1)
    (folder / "quotas.csv").write_text(text)


def worker(which, folder, k, id_column):
    """Run one solver; print ``{"seconds", "min", "types"}`` as JSON."""
    folder = Path(folder)
    if which == "peer":
        import logging
        import warnings

        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        import sortition_algorithms as sa
        from sortition_algorithms.committee_generation import find_distribution_maximin

        data = sa.SelectionData(sa.CSVStringDataSource((folder / "quotas.csv").read_text(),
                                                       (folder / "people.csv").read_text()))
        features, _ = data.load_features(k)
        people, _ = data.load_people(sa.Settings(id_column=id_column, columns_to_keep=[]), features)
        start, cpu = time.perf_counter(), time.process_time()
        committees, probabilities, _ = find_distribution_maximin(features, people, k, [], "highspy")
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        marginal = dict.fromkeys(people, 0.0)
        for committee, p in zip(committees, probabilities):
            for pid in committee:
                marginal[pid] += p
        print(json.dumps({"seconds": seconds, "cpu": cpu, "min": min(marginal.values())}))
        return
    from deliberatie.core.sortition import distribution, read_instance

    instance, _ = read_instance(folder / "people.csv", folder / "quotas.csv", id_column=id_column)
    start, cpu = time.perf_counter(), time.process_time()
    dist = distribution(instance, k, algorithm=which)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "min": dist.min_probability,
                      "types": dist.diagnostics["types"]}))


def run(which, folder, k, timeout, id_column="id"):
    try:
        proc = subprocess.run([sys.executable, __file__, "--worker", which, str(folder), str(k), id_column],
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1][:80]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_seconds(result):
    if "timeout" in result:
        return f"> {result['timeout']:.0f} s"
    if "error" in result:
        return "error"
    return f"{result['seconds']:.2f} s"


def fmt_cpu(result):
    return f"{result['cpu']:.2f} s" if "cpu" in result else "–"


def fmt_min(result):
    return f"{result['min']:.4f}" if "min" in result else "–"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="peer time limit (s)")
    parser.add_argument("--ours-timeout", type=float, default=600.0, dest="ours_timeout")
    parser.add_argument("--quick", action="store_true", help="example instances only")
    parser.add_argument("--only", help="comma-separated instance names")
    parser.add_argument("--ours", default="leximin", choices=("leximin", "maximin", "nash"),
                        help="our algorithm to time (default leximin)")
    parser.add_argument("--skip-peer", action="store_true", dest="skip_peer")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        which, folder, k, id_column = args.worker
        return worker(which, folder, int(k), id_column)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = []
        for name, k in (("example_small_20", 20), ("example_large_200", 200)):
            folder = Path(tmp) / name
            folder.mkdir()
            to_sf_layout(SHARED / name, folder)
            cases.append((name, folder, k, "id"))
        fixture = Path(tmp) / "sfalg_fixture_22"
        fixture.mkdir()
        (fixture / "people.csv").write_text((SHARED / "sfalg_fixture_22" / "candidates.csv").read_text())
        (fixture / "quotas.csv").write_text((SHARED / "sfalg_fixture_22" / "features.csv").read_text())
        cases.append(("sfalg_fixture_22", fixture, 22, "nationbuilder_id"))
        if not args.quick:
            for seed, (name, n, ncat, k) in enumerate(GENERATED, start=1):
                folder = Path(tmp) / name
                folder.mkdir()
                generate(folder, n, ncat, k, seed)
                cases.append((name, folder, k, "id"))
        if args.only:
            keep = set(args.only.split(","))
            cases = [c for c in cases if c[0] in keep]
        for name, folder, k, id_column in cases:
            ours = run(args.ours, folder, k, args.ours_timeout, id_column)
            peer = {"error": "skipped"} if args.skip_peer else run("peer", folder, k, args.timeout, id_column)
            n = sum(1 for _ in open(folder / "people.csv")) - 1
            if "seconds" in ours and "seconds" in peer:
                ratio = f"{peer['seconds'] / ours['seconds']:.0f}×"
            elif "seconds" in ours and "timeout" in peer:
                ratio = f"> {peer['timeout'] / ours['seconds']:.0f}×"
            else:
                ratio = "–"
            agree = "–"
            if "min" in ours and "min" in peer:
                agree = "yes" if ours["min"] >= peer["min"] - 1e-6 else "NO"
            rows.append((name, n, k, ours.get("types", "–"), fmt_seconds(ours), fmt_cpu(ours), fmt_min(ours),
                         fmt_seconds(peer), fmt_cpu(peer), fmt_min(peer), ratio, agree))
            print(f"# {name}: ours {fmt_seconds(ours)}, peer {fmt_seconds(peer)}", file=sys.stderr, flush=True)
    print(f"| instance | n | k | types | ours {args.ours.upper()} (wall) | ours CPU | ours min p "
          "| sortition-algorithms maximin (wall) | their CPU | their min p | speed-up (wall) | ours min ≥ theirs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|")
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
