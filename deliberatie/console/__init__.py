"""The ``deliberatie`` console script: the core on files, without the web app.

Each subcommand lives in its own module exposing ``register(subparsers)``;
the contracts are in ``shared/FORMATS.md`` (summary by default, one JSON
document with ``--json``, exit 2 with a one-line reason on bad input).
"""

import argparse
import importlib

from deliberatie import __version__

#: (module name, one-line help) for every subcommand, in --help order.
SUBCOMMANDS = (
    ("sortition", "draw a fair stratified burgerraad and verify a recorded draw"),
    ("budget", "count a participatory-budget election (pabulib .pb)"),
    ("weights", "weight a sample to population margins (raking)"),
    ("opinions", "map opinion groups in a pol.is-style conversation"),
)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="deliberatie",
        description="Deliberatie's algorithms on files: sortition, budgets, weights, opinions.",
    )
    parser.add_argument("--version", action="version", version=f"deliberatie {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in SUBCOMMANDS:
        module = importlib.import_module(f"deliberatie.console.{name}")
        module.register(subparsers.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0 if args.command is None else 2
    return args.handler(args)

