"""``assessor train``: fit the default level model from the shared rated corpora."""
from __future__ import annotations

import argparse
import json
import re
from datetime import date
from pathlib import Path

from ..scoring.levelmodel import DEFAULT_MODEL


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the level model from rated corpora (needs ../shared)")
    p.add_argument("--shared", type=Path, default=Path("../shared"))
    p.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    p.add_argument("--cache", type=Path, default=Path("bench/out/cache"))
    p.add_argument("--version", default=f"level-{date.today():%Y.%m.%d}")
    p.set_defaults(func=cmd_train)


def cmd_train(args: argparse.Namespace) -> int:
    from ..training.levels import train

    model, report = train(args.shared, args.cache, args.version)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(_dumps(model))
    metrics = args.out.with_suffix(".metrics.json")
    metrics.write_text(json.dumps(report, indent=2))
    for head, figures in report.items():
        shown = ", ".join(f"{k}={v:.3f}" for k, v in figures.items() if k != "n")
        print(f"{head:18s} n={figures['n']:5d} {shown}")
    print(f"wrote {args.out} and {metrics}")
    return 0


def _dumps(model: dict) -> str:
    """Indented JSON with each list of numbers on one line: the tree arrays
    would otherwise take a line per number."""
    text = json.dumps(model, indent=1)
    return re.sub(r"\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]",
                  lambda m: "[" + ", ".join(m.group(1).replace(",", " ").split()) + "]", text)
