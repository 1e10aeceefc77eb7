"""`deliberatie sortition select|verify`: a fair burgerraad draw on files (shared/FORMATS.md).

``select`` reads the pool and quotas (Sortition Foundation or replication
layout, or a folder holding ``respondents.csv`` + ``categories.csv``),
computes the distribution, rounds it to a uniform lottery over
``--lottery-size`` panels and draws one with ``--seed``. ``--json`` prints
the FORMATS.md document (``panels`` is the lottery actually drawn from:
distinct panels with probability multiplicity/m; ``probabilities`` are the
algorithm's exact marginals) plus ``chosen_index``, ``lottery_size`` and
``max_lottery_deviation``.

Record choice: ``--record FILE`` writes a self-contained record that embeds
the canonical inputs (person ids, category values, household keys, quotas;
no other columns) with their sha256, the file paths and file sha256s, the
options, the lottery, the drawn index, panel and reserve order. ``verify``
needs only that file: it rebuilds the inputs, checks the hash, re-runs the
draw and exits 0 when everything is identical (1 when something differs).
"""

import json
import sys

from deliberatie.console._common import emit_json, fail, run_guarded
from deliberatie.core.errors import InputError
from deliberatie.core.sortition import (
    ALGORITHMS,
    InfeasibleQuotas,
    make_record,
    read_instance,
    select,
    verify,
)


def _usage(parser):
    parser.print_help(sys.stderr)
    return 2


def register(parser):
    parser.set_defaults(handler=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="sortition_command", metavar="ACTION")
    sel = sub.add_parser("select", help="draw a panel from a pool with quotas")
    sel.add_argument("--people", required=True, help="people CSV, or a folder with respondents.csv + categories.csv")
    sel.add_argument("--quotas", help="quotas CSV (optional when --people is a folder)")
    sel.add_argument("--panel-size", type=int, required=True, dest="panel_size")
    sel.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
    sel.add_argument("--id-column", dest="id_column")
    sel.add_argument("--household-columns", dest="household_columns", default="",
                     help="comma-separated columns; at most one selected per identical value")
    sel.add_argument("--seed", type=int, default=0)
    sel.add_argument("--lottery-size", type=int, default=1000, dest="lottery_size")
    sel.add_argument("--record", help="write the verifiable draw record (JSON) here")
    sel.add_argument("--json", action="store_true")
    sel.set_defaults(handler=lambda args: run_guarded(_select, args))
    ver = sub.add_parser("verify", help="re-run a recorded draw; exit 0 if identical")
    ver.add_argument("record")
    ver.add_argument("--json", action="store_true")
    ver.set_defaults(handler=lambda args: run_guarded(_verify, args))


def _infeasible_message(error):
    report = error.feasibility
    conflicts = "; ".join(f"{c.category}={c.value} {c.bound} {c.limit}" for c in report.conflicts)
    relax = "; ".join(f"{r.category}={r.value} {r.min}-{r.max} -> {r.new_min}-{r.new_max}"
                      for r in report.relaxation)
    return (f"infeasible quotas for panel size {error.params['k']}: conflicting: {conflicts or 'none (households/pool)'}"
            f"; smallest relaxation (total {report.relaxation_total}): {relax or 'none found'}")


def _select(args):
    columns = tuple(c.strip() for c in args.household_columns.split(",") if c.strip())
    instance, files = read_instance(args.people, args.quotas, id_column=args.id_column, household_columns=columns)
    try:
        result = select(instance, args.panel_size, algorithm=args.algorithm, seed=args.seed,
                        households=bool(columns), lottery_size=args.lottery_size)
    except InfeasibleQuotas as error:
        return fail(_infeasible_message(error))
    dist = result.distribution
    if args.record:
        with open(args.record, "w", encoding="utf-8") as handle:
            json.dump(make_record(result, instance, files=files), handle, ensure_ascii=False)
    tally = {}
    for panel in result.lottery.panels:
        tally[panel] = tally.get(panel, 0) + 1
    panels = sorted(tally.items(), key=lambda item: (-item[1], item[0]))
    if args.json:
        emit_json({
            "algorithm": result.algorithm, "n": instance.n, "k": result.k, "seed": result.seed,
            "probabilities": dict(zip(dist.ids, dist.probabilities)),
            "min_probability": dist.min_probability, "gini": dist.gini, "mean_probability": dist.mean_probability,
            "panels": [{"probability": count / result.lottery.m, "members": list(panel)} for panel, count in panels],
            "panel": list(result.panel),
            "seconds": round(result.seconds, 3), "inputs_sha256": result.inputs_sha256, "version": result.version,
            "chosen_index": result.index, "lottery_size": result.lottery.m,
            "max_lottery_deviation": result.lottery.max_deviation,
        })
        return 0
    print(f"{result.algorithm}: n={instance.n} k={result.k} seed={result.seed} "
          f"min probability {dist.min_probability:.4%}, mean {dist.mean_probability:.4%}, gini {dist.gini:.2%}")
    print(f"lottery of {result.lottery.m} panels ({len(panels)} distinct), drew #{result.index} "
          f"(max deviation {result.lottery.max_deviation:.4f}); inputs sha256 {result.inputs_sha256}")
    print("panel: " + " ".join(result.panel))
    print(f"reserves (first 10): {' '.join(result.reserves[:10])}")
    if args.record:
        print(f"record written to {args.record}")
    return 0


def _verify(args):
    try:
        with open(args.record, encoding="utf-8") as handle:
            record = json.load(handle)
    except json.JSONDecodeError as error:
        raise InputError("sortition.bad_record", file=args.record, line=error.lineno) from None
    if not isinstance(record, dict):
        raise InputError("sortition.bad_record", file=args.record)
    outcome = verify(record)
    if args.json:
        emit_json({"ok": outcome.ok, "checks": outcome.checks, "panel": list(outcome.panel)})
    else:
        status = "identical" if outcome.ok else "DIFFERENT: " + ", ".join(k for k, v in outcome.checks.items() if not v)
        print(f"verify {args.record}: {status}")
    if not outcome.ok:
        print("deliberatie: recorded draw could not be reproduced", file=sys.stderr)
        return 1
    return 0
