"""Helpers shared by the console subcommands."""

import json
import sys

from deliberatie.core.errors import InputError

EXIT_BAD_INPUT = 2


def fail(message):
    """Print a one-line reason on stderr and return the bad-input exit code."""
    print(f"deliberatie: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def emit_json(document):
    """Write exactly one JSON document on stdout."""
    json.dump(document, sys.stdout, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")


def run_guarded(func, args):
    """Call ``func(args)``; turn InputError and unreadable files into exit 2."""
    try:
        return func(args) or 0
    except InputError as error:
        return fail(str(error))
    except (OSError, UnicodeDecodeError) as error:
        return fail(f"{getattr(error, 'filename', '') or ''} {error}".strip())
