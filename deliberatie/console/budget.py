"""`deliberatie budget count ELECTION.pb --rule RULE`: count a pabulib election.

Contract in ``shared/FORMATS.md``: a short summary by default, one JSON
document with ``--json`` (money as strings, exact), exit 2 on bad input.
"""

import time

from deliberatie.console._common import emit_json, run_guarded
from deliberatie.core.budget.pabulib import format_number, read_pb
from deliberatie.core.budget.profile import TIE_BREAKS, build_profile
from deliberatie.core.budget.rules import RULES, count


def register(parser):
    sub = parser.add_subparsers(dest="budget_command", metavar="ACTION")
    parser.set_defaults(handler=None)
    cnt = sub.add_parser("count", help="count a pabulib .pb election with a rule",
                         description="Count a pabulib .pb election with a rule.")
    cnt.add_argument("election", metavar="ELECTION.pb")
    cnt.add_argument("--rule", required=True, choices=RULES)
    cnt.add_argument("--tie-break", default="id", choices=TIE_BREAKS)
    cnt.add_argument("--json", action="store_true", help="one JSON document on stdout")
    cnt.set_defaults(handler=lambda args: run_guarded(_count, args))


def _count(args):
    election = read_pb(args.election)
    start = time.perf_counter()
    outcome = count(build_profile(election), rule=args.rule, tie_break=args.tie_break)
    seconds = time.perf_counter() - start
    if args.json:
        emit_json({
            "rule": outcome.rule,
            "selected": list(outcome.selected),
            "selection_order": list(outcome.selection_order),
            "total_cost": format_number(outcome.total_cost),
            "budget": format_number(outcome.budget),
            "voters": outcome.voters,
            "seconds": round(seconds, 4),
        })
        return 0
    print(f"{args.election}: rule {outcome.rule}, tie-break {outcome.tie_break}, "
          f"{outcome.voters} voters")
    print(f"funded {len(outcome.selected)} of {len(outcome.explanations)} projects, "
          f"{format_number(outcome.total_cost)} of {format_number(outcome.budget)} "
          f"({seconds:.3f} s)")
    for pid in outcome.selection_order:
        print(f"  {pid}")
    return 0
