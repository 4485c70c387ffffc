"""Short-answer bias: does a complete short reply get the level of its writer?

    python bench/short_answers.py --shared ../shared [--limit 400] [--words 60] [--short-by 20]

BPO tasks ask for 40–80-word chat replies as well as essays. The level model
learned length from essays, so the question is how far a short answer's level
drops below the level of the same writer's full answer. Each FCE answer (never
used in training) is cut to its first sentences reaching ``--words`` words and
scored three ways: the full answer, the cut answer without a task target, and
the cut answer with the task target set to ``--words``. Ideal: no shift.
A fourth cut stops ``--short-by`` words earlier but keeps the same target: an
applicant who writes less than the task asks. Some drop is fair (the answer
says less); a steep one means the model punishes length itself.
Writes bench/out/short_answers.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.scoring import Scorer, ScoringSettings  # noqa: E402
from assessor.scoring.nlp import get_nlp  # noqa: E402
from assessor.scoring.text import word_count  # noqa: E402
from assessor.training.corpora import load_fce  # noqa: E402


def first_sentences(text: str, words: int) -> str | None:
    out, n = [], 0
    for sent in get_nlp()(text).sents:
        out.append(sent.text_with_ws)
        n += word_count(sent.text)
        if n >= words:
            return "".join(out).strip()
    return None


def _shift(cut: list[float], full: list[float]) -> dict:
    d = np.array(cut) - np.array(full)
    return {"mean_shift_levels": round(float(d.mean()), 3),
            "within_half_level": round(float(np.mean(np.abs(d) <= 0.5)), 3),
            "within_one_level": round(float(np.mean(np.abs(d) <= 1.0)), 3)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--words", type=int, default=60)
    ap.add_argument("--short-by", type=int, default=20)
    ap.add_argument("--model", type=Path, default=None, help="a level model other than the default")
    args = ap.parse_args()
    scorer = Scorer(ScoringSettings(model_path=args.model) if args.model else None)
    full, plain, targeted, under, cut_words = [], [], [], [], []
    samples = load_fce(args.shared)
    for sample in samples[:: max(1, len(samples) // args.limit)][: args.limit]:
        cut = first_sentences(sample.text, args.words)
        shorter = first_sentences(sample.text, args.words - args.short_by)
        if cut is None or shorter is None or word_count(sample.text) < 2 * args.words:
            continue
        levels = [scorer.score(sample.text).level, scorer.score(cut).level,
                  scorer.score(cut, target_words=args.words).level,
                  scorer.score(shorter, target_words=args.words).level]
        if None in levels:
            continue
        for bucket, value in zip((full, plain, targeted, under), levels):
            bucket.append(value)
        cut_words.append(word_count(cut))
    report = {"answers": len(full), "target_words": args.words,
              "median_cut_words": float(np.median(cut_words)),
              "mean_full_level": round(float(np.mean(full)), 3),
              "cut_without_target": _shift(plain, full),
              "cut_with_target": _shift(targeted, full),
              f"cut_{args.short_by}_words_short_of_target": _shift(under, full)}
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "short_answers.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
