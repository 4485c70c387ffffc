"""The ``assessor`` command. Each area registers its own sub-commands.

A sub-command module exposes ``register(subparsers)``; it adds its parsers and
sets ``func`` on each, a callable taking the parsed arguments and returning an
exit code.
"""
from __future__ import annotations

import argparse
import sys

from ..errors import AssessorError
from . import scoring, service

# Modules that contribute sub-commands, in the order they appear in --help.
# Imported, not named: a missing module fails at once instead of dropping commands.
_COMMAND_MODULES = (scoring, service)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assessor",
        description="English writing assessment: CEFR grammar and vocabulary levels.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except AssessorError as exc:
        print(f"assessor: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
