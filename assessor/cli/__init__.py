"""The ``assessor`` command. Each area registers its own sub-commands.

A sub-command module exposes ``register(subparsers)``; it adds its parsers and
sets ``func`` on each, a callable taking the parsed arguments and returning an
exit code.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import AssessorError

# Modules that contribute sub-commands, in the order they appear in --help.
_COMMAND_MODULES = (
    "assessor.cli.scoring",
    "assessor.cli.service",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assessor",
        description="English writing assessment: CEFR grammar and vocabulary levels.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only a missing module of our own is tolerated (an area not built
            # yet); a missing third-party dependency is a real error.
            if exc.name != name:
                raise
            continue
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
