"""``assessor score`` and ``assessor batch``: the scoring core on the command line."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..config import Config
from ..errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="score one answer and print the result")
    p.add_argument("file", nargs="?", default="-", help="answer text file, or - for standard input")
    p.add_argument("--prompt", type=Path, help="file with the task prompt the answer replies to")
    p.add_argument("--profile", help="role profile (voice, chat, email, technical, or a custom one)")
    p.add_argument("--target-words", type=int, metavar="N",
                   help="how many words the task asks for (length is judged against it)")
    p.add_argument("--format", choices=("json", "text"), default="json")
    p.set_defaults(func=cmd_score)

    b = sub.add_parser("batch", help="score a CSV of answers (columns id,text[,prompt][,target_words])")
    b.add_argument("input", type=Path)
    b.add_argument("-o", "--output", type=Path, required=True)
    b.add_argument("--profile")
    b.add_argument("--jobs", type=int, default=0, help="worker processes (default: every core)")
    b.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    b.set_defaults(func=cmd_batch)

    for module in ("train", "calibrate"):
        try:
            mod = __import__(f"assessor.cli.{module}", fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != f"assessor.cli.{module}":
                raise
            continue
        mod.register(sub)


def _read(path: str | Path) -> str:
    try:
        if str(path) == "-":
            return sys.stdin.read()
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def cmd_score(args: argparse.Namespace) -> int:
    from ..scoring import Scorer

    text = _read(args.file)
    prompt = _read(args.prompt) if args.prompt else None
    result = Scorer(Config().scoring_settings()).score(text, prompt=prompt, profile=args.profile,
                                                       target_words=args.target_words)
    if args.format == "json":
        json.dump(result.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        from ..scoring.report import render_text
        print(render_text(result, text))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from ..batch import run_batch

    summary = run_batch(args.input, args.output, profile=args.profile, jobs=args.jobs,
                        settings=Config().scoring_settings(), progress=not args.no_progress)
    print(f"scored {summary.scored}, failed {summary.failed} of {summary.total} rows "
          f"in {summary.seconds:.1f}s → {args.output}", file=sys.stderr)
    return 0 if summary.failed == 0 else 3
