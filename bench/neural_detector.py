"""The neural error detector against gold edits, beside the hashed detector.

    python bench/neural_detector.py --shared ../shared [--threshold 0.5]

Both detectors are cross-fitted by writer (neural: 2 folds, the fold models of
``assessor.training.neural``, read from its cache; hashed: its own 5 folds), so
every text is judged by a model that never saw its writer. Token level:
precision, recall, F0.5 and average precision over W&I and FCE tokens labelled
by gold edits. Edit level, FCE only (its edits carry CLC error codes): the
share of gold edits of each kind that a flagged token touches. Writes figures
only (bench/out/neural_detector.json).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.scoring import errordensity as ged  # noqa: E402
from assessor.training import errordensity as ged_training  # noqa: E402
from assessor.training import neural as nn_training  # noqa: E402

# The CLC code's letters after the operation (R/M/U/…) name the part of speech.
KINDS = {"V": "verb", "N": "noun", "D": "determiner", "T": "preposition", "J": "adjective", "Y": "adverb",
         "A": "pronoun", "C": "conjunction", "P": "punctuation", "Q": "quantifier"}


def kind(code: str) -> str:
    if not code:
        return "untyped"
    if code in ("S", "SA", "SX"):
        return "spelling"
    if code.startswith("AG"):
        return "agreement"
    if code.startswith("F") and len(code) > 1:
        return "form: " + KINDS.get(code[1], "other")
    if code.startswith("W"):
        return "word order"
    if code[0] in "RMU" and len(code) > 1:
        return KINDS.get(code[1], "other")
    return "other"


def token_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    from sklearn.metrics import average_precision_score
    flagged = p > threshold
    tp = int((flagged & y).sum())
    prec, rec = tp / max(int(flagged.sum()), 1), tp / max(int(y.sum()), 1)
    return {"precision": round(prec, 3), "recall": round(rec, 3),
            "f0.5": round(1.25 * prec * rec / max(0.25 * prec + rec, 1e-9), 3),
            "average_precision": round(float(average_precision_score(y, p)), 3)}


def edit_recall(corpus, probs: dict[int, np.ndarray], threshold: float) -> dict:
    found, total = Counter(), Counter()
    for i, p in probs.items():
        s, doc = corpus.samples[i], corpus.docs[i]
        if s.corpus != "fce" or corpus.labels[i] is None:
            continue
        toks = [t for t in doc if not t.is_space]
        starts = np.array([t.idx for t in toks])
        ends = starts + np.array([len(t) for t in toks])
        for start, end, _, code in s.edits:
            hit = (starts < end) & (ends > start) if end > start else (starts >= start)
            idx = np.flatnonzero(hit)[:1] if end <= start else np.flatnonzero(hit)
            k = kind(code)
            total[k] += 1
            found[k] += int(len(idx) > 0 and bool((p[idx] > threshold).any()))
    return {k: {"edits": total[k], "recall": round(found[k] / total[k], 3)} for k in sorted(total)
            if total[k] >= 200}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "cache")
    ap.add_argument("--threshold", type=float, default=0.5)
    args = ap.parse_args()
    corpus = ged_training.Corpus.load(args.shared, args.cache, corpora=("wi", "fce", "ellipse"))
    key = nn_training._key(corpus.samples)
    path = args.cache / f"neural-probs-{key}.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: run python -m assessor.training.neural first")
    neural = {int(k): np.array(v) for k, v in json.loads(path.read_text()).items()}
    hashed = {}
    for w, indices in corpus.fold_models():
        for i in indices:
            hashed[i] = ged.token_probabilities(corpus.docs[i], w)
    usable = [i for i in corpus.usable() if i in neural]
    y = np.concatenate([corpus.labels[i].astype(bool) for i in usable])
    out = {"tokens": int(len(y)), "error_share": round(float(y.mean()), 4), "threshold": args.threshold}
    for name, probs in (("neural", neural), ("hashed", hashed)):
        out[name] = token_metrics(y, np.concatenate([probs[i] for i in usable]), args.threshold)
        out[name]["fce_edit_recall"] = edit_recall(corpus, probs, args.threshold)
        print(json.dumps({name: out[name]}))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "neural_detector.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
