"""`deliberatie opinions map`: pol.is-style opinion groups of a conversation (shared/FORMATS.md)."""

import time

from deliberatie.console._common import emit_json, run_guarded


def register(parser):
    sub = parser.add_subparsers(dest="opinions_command", metavar="ACTION")
    parser.set_defaults(handler=None)
    map_parser = sub.add_parser(
        "map", help="opinion groups, representative and consensus statements",
        description="Opinion groups of a pol.is open-data export (votes.csv, comments.csv).",
    )
    map_parser.add_argument("directory", metavar="CONVERSATION_DIR",
                            help="folder with votes.csv and (optionally) comments.csv")
    map_parser.add_argument("--min-votes", type=int, default=7,
                            help="votes a participant needs to be clustered (default 7)")
    map_parser.add_argument("--max-groups", type=int, default=5,
                            help="most opinion groups to consider, at least 2 (default 5)")
    map_parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    map_parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    map_parser.set_defaults(handler=lambda args: run_guarded(_map, args))


def _map(args):
    from deliberatie.core.opinions import map_opinions, read_conversation

    conversation = read_conversation(args.directory)
    started = time.perf_counter()
    result = map_opinions(conversation, min_votes=args.min_votes,
                          max_groups=args.max_groups, seed=args.seed)
    seconds = time.perf_counter() - started
    if args.json:
        emit_json(document(result, seconds))
    else:
        _summary(result, conversation.texts, seconds)
    return 0


def document(result, seconds):
    """The ``--json`` document of FORMATS.md for an :class:`OpinionMap`."""
    return {
        "participants": len(result.participants),
        "clustered": len(result.clustered),
        "groups": [
            {
                "id": group.id,
                "size": len(group.members),
                "members": list(group.members),
                "representative": [
                    {"comment": s.statement, "direction": s.direction,
                     "agree_share": s.agree_share, "repness": s.repness, "z": s.repness_test}
                    for s in group.representative
                ],
            }
            for group in result.groups
        ],
        "consensus": [
            {"comment": s.statement, "direction": s.direction, "agree_share": s.agree_share}
            for s in result.consensus
        ],
        "group_aware_consensus": [
            {"comment": statement, "score": score}
            for statement, score in result.group_aware_consensus
        ],
        "seconds": seconds,
    }


def _short(text, width=70):
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _summary(result, texts, seconds):
    print(f"{len(result.participants)} participants, {len(result.clustered)} clustered, "
          f"{len(result.groups)} opinion groups ({seconds:.2f} s)")
    for group in result.groups:
        print(f"\ngroup {group.id}: {len(group.members)} participants")
        for s in group.representative:
            print(f"  {s.direction:8s} {s.agree_share:4.0%} agree  z={s.repness_test:5.1f}  "
                  f"[{s.statement}] {_short(texts.get(s.statement))}")
    print("\nconsensus:")
    for s in result.consensus:
        print(f"  {s.direction:8s} {s.agree_share:4.0%} agree  [{s.statement}] "
              f"{_short(texts.get(s.statement))}")
    print("\ncommon ground (group-aware consensus):")
    for statement, score in result.group_aware_consensus[:5]:
        print(f"  {score:.2f}  [{statement}] {_short(texts.get(statement))}")
