"""Agreement of assessor's word levels with the CEFR-J / Octanove reference lists.

    python bench/wordlevels_agreement.py --shared ../shared \
        [--table assessor/data/wordlevels/word_levels.tsv] [--folds 5]

Prints three views:
1. the model cross-validated by lemma (a held-out word is predicted by a model
   that never saw it) — the honest figure;
2. cefrpy alone (its POS level, rounded) on the same entries — the baseline;
3. the shipped table against the lists — in-sample (the shipped model saw
   every reference word), so an upper bound, plus the share of reference
   entries the table covers.
Needs the ``train`` extra and ../shared (never shipped).
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

from assessor.scoring.types import CEFR_LEVELS
from assessor.training import wordlevels as W


def shipped_agreement(table: Path, entries: list[W.RefEntry]) -> tuple[dict, int]:
    with table.open(encoding="utf-8", newline="") as fh:
        levels = {(r["lemma"], r["pos"]): CEFR_LEVELS.index(r["level"]) + 1
                  for r in csv.DictReader(fh, delimiter="\t")}
    found = [(levels[(e.lemma, e.pos)], e.level, e.pos) for e in entries
             if (e.lemma, e.pos) in levels]
    pred, gold, pos = (np.array(col) for col in zip(*found))
    return W.agreement(pred, gold, pos), len(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--table", type=Path,
                        default=Path("assessor/data/wordlevels/word_levels.tsv"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "olp-cefrj").is_dir():
        print(f"no reference lists under {args.shared}/data/olp-cefrj", file=sys.stderr)
        return 2
    entries = W.load_reference(args.shared)
    feat = W.Featurizer()
    vocab = W.candidate_vocabulary(feat)  # fills the word-family features
    cv, baseline = W.cross_validate(entries, feat, args.folds, args.seed)
    known = {(e.lemma, e.pos) for e in entries}
    print(W.format_report({"reference_entries": len(entries), "table_rows": len(vocab),
                           "reference_covered": len(known & set(vocab)),
                           "cv": cv, "cefrpy_baseline": baseline}))
    if args.table.is_file():
        shipped, n = shipped_agreement(args.table, entries)
        print(f"shipped table vs lists (in-sample, {n} of {len(entries)} entries found): "
              f"exact {shipped['exact']:.3f}  within one {shipped['within_one']:.3f}  "
              f"MAE {shipped['mae']:.3f}")
        for name, b in shipped["by_level"].items():
            print(f"  {name}: n={b['n']:5d}  exact {b['exact']:.3f}  within one {b['within_one']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
