"""Benchmark: our budget rules against pabutools on the largest shared pabulib files.

Usage::

    .venv/bin/python benchmarks/budget.py [--timeout 150] [--files NAME ...]
        [--save-reference FILE] [--reuse-reference FILE] [--ours-only]

Counts every rule with ours and with pabutools in the same run (pabutools in
a forked child per rule, killed after ``--timeout`` seconds) and prints a
markdown table: seconds, ratio (pabutools / ours) and whether the selected
projects are identical. Parsing is timed separately and excluded from both.
``mes-add1`` (no exhaustiveness stop) is built from pabutools' plain MES as
in ``tests/core/budget_reference.py``. Where pabutools times out, our outcome
is compared with the recorded pabutools outcome in
``shared/data/pb/expected`` if it has one, and for the Add1 rules an estimate
of pabutools' time is printed: one full MES run per budget increment, times
its plain MES time. Our Add1 increments and the MES runs actually made
(increments proven not to change the outcome are skipped) go to stderr.
"""

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "core"))
PB = ROOT.parent / "shared" / "data" / "pb"

from deliberatie.core.budget.pabulib import read_pb  # noqa: E402
from deliberatie.core.budget.profile import build_profile  # noqa: E402
from deliberatie.core.budget.rules import RULES, count  # noqa: E402

FILES = ("Netherlands_Amsterdam_631", "Poland_Lodz_2022", "Poland_Warszawa_2026",
         "Hungary_Budapest_2024")
RECORDED = {"greedy": "greedy_cost_sat", "greedy-voters": "greedy_cost_sat",
            "greedy-cardinality": "greedy_cardinality_sat", "mes": "mes_cost_sat",
            "mes-add1": "mes_cost_sat_add1_noexhstop", "mes-add1-exhaustive": "mes_cost_sat_add1",
            "phragmen": "seq_phragmen"}

_STATE = {}


def _child(rule, conn):
    import budget_reference as ref

    instance, profile = _STATE["pabutools"]
    start = time.perf_counter()
    selected = ref.reference(rule, instance, profile, approval=True)
    conn.send((time.perf_counter() - start, selected))
    conn.close()


def run_pabutools(rule, timeout):
    """(seconds, selected) or (None, None) after ``timeout`` seconds."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(rule, child))
    proc.start()
    child.close()
    if parent.poll(timeout):
        result = parent.recv()
        proc.join()
        return result
    proc.terminate()
    proc.join()
    return None, None


def run_ours(profile, rule, repeat=1):
    best, outcome = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = count(profile, rule=rule)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best, list(outcome.selected), outcome


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=150.0,
                        help="seconds per pabutools rule before it is killed")
    parser.add_argument("--file-cap", type=float, default=300.0,
                        help="pabutools seconds per file after which its other rules are skipped")
    parser.add_argument("--files", nargs="*", default=list(FILES))
    # greedy-voters is greedy itself on approval ballots: not counted twice; Add1 first,
    # since the per-file cap may skip the last rules
    parser.add_argument("--rules", nargs="*", default=[
        "mes-add1-exhaustive", "mes-add1", "mes", "greedy", "phragmen", "greedy-cardinality",
        "mes-add1-greedy"])
    parser.add_argument("--save-reference", type=Path)
    parser.add_argument("--reuse-reference", type=Path)
    parser.add_argument("--ours-only", action="store_true",
                        help="time our rules only (pabutools neither parsed nor run)")
    args = parser.parse_args(argv)
    reused = json.loads(args.reuse_reference.read_text()) if args.reuse_reference else {}
    saved = {}
    rows = []
    print("| file | rule | ours (s) | pabutools (s) | speed-up | same outcome |")
    print("|---|---|---:|---:|---:|---|", flush=True)
    for name in args.files:
        spent = 0.0
        path = PB / f"{name}.pb"
        start = time.perf_counter()
        election = read_pb(path)
        profile = build_profile(election)
        our_parse = time.perf_counter() - start
        expected = json.loads((PB / "expected" / f"{name}.json").read_text())
        if args.ours_only:
            ref_parse = 0.0
        elif not reused:
            from pabutools.election.pabulib import parse_pabulib

            start = time.perf_counter()
            _STATE["pabutools"] = parse_pabulib(str(path))
            ref_parse = time.perf_counter() - start
        else:
            ref_parse = reused[name]["parse"]
        saved[name] = {"parse": ref_parse}
        print(f"{name}: {profile.voters} voters, {len(profile.mult)} distinct ballots, "
              f"{profile.n_projects} projects; parse ours {our_parse:.2f} s, "
              f"pabutools {ref_parse:.2f} s", file=sys.stderr, flush=True)
        steps, timed_out = {}, set()
        for rule in args.rules:
            ours_s, ours_sel, outcome = run_ours(profile, rule)
            if outcome.add1_runs is not None:
                steps[rule] = outcome.add1_runs
                print(f"  {rule}: {outcome.add1_runs} Add1 increments, "
                      f"{outcome.add1_mes_runs} MES runs made", file=sys.stderr, flush=True)
            if args.ours_only:
                ref_s, ref_sel = "skipped", None
            elif reused:
                ref_s, ref_sel = reused[name][rule]
            elif rule == "mes-add1-greedy" and saved[name].get("mes-add1", (1, 1))[0] is None:
                ref_s, ref_sel = None, None  # its MES part already timed out
            elif spent >= args.file_cap:
                ref_s, ref_sel = "skipped", None
            else:
                start = time.perf_counter()
                ref_s, ref_sel = run_pabutools(rule, args.timeout)
                spent += time.perf_counter() - start
            if ref_sel is not None:
                same = "yes" if ref_sel == ours_sel else "**NO**"
            else:
                entry = expected["rules"].get(RECORDED.get(rule, ""), {})
                if entry.get("status") == "ok":
                    same = "yes (recorded)" if entry["selected"] == ours_sel else "**NO** (recorded)"
                else:
                    same = "n/a"
            if ref_s == "skipped":
                ratio, ref_text = "–", ("not run" if args.ours_only
                                        else f"not run (file cap {args.file_cap:.0f} s)")
                ref_s = None
            elif ref_s is None:
                timed_out.add(rule)
                ratio = f"> {args.timeout / ours_s:,.0f}x"
                ref_text = f"> {args.timeout:.0f} (timeout)"
            else:
                ratio, ref_text = f"{ref_s / ours_s:,.0f}x", f"{ref_s:.2f}"
            saved[name][rule] = (ref_s, ref_sel)
            rows.append((name, rule, f"{ours_s:.3f}", ref_text, ratio, same))
            print("| " + " | ".join(rows[-1]) + " |", flush=True)
        plain = saved[name].get("mes", (None, None))[0]
        for rule, n in steps.items():
            if rule in timed_out and isinstance(plain, float):
                # pabutools makes one full MES run per increment: a rough estimate only
                print(f"  {name} {rule}: pabutools timed out; its {n} MES runs would take "
                      f"roughly {n * plain:,.0f} s ({n} x {plain:.3f} s plain MES)", flush=True)
    if args.save_reference:
        args.save_reference.write_text(json.dumps(saved))
    if reused:
        print(f"\npabutools times reused from {args.reuse_reference} (measured earlier on this "
              "machine with this script).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
