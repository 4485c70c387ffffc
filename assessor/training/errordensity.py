"""Train the error-density detector from learner texts with gold corrections.

    python -m assessor.training.errordensity --shared ../shared

A token is labelled an error when a gold edit (W&I and FCE, annotator 0)
covers it; an insertion marks the token it precedes. The weights go to
``assessor/data/errordensity/weights.npy``. For the level model's training,
:func:`crossfit_features` gives each W&I or FCE text densities from a detector that
never saw its writer, so the level model's cross-validation is not leaked.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold

from ..scoring import errordensity as ged
from ..scoring.text import prepare
from .corpora import LOADERS, Sample
from .parsecache import parse_all

CORPORA = ("wi", "fce")
FOLDS = 5
ALPHA = 2e-6
EPOCHS = 8
WEIGHTS = Path(ged.__file__).resolve().parents[1] / "data" / "errordensity" / "weights.npy"


def token_labels(sample: Sample, doc) -> np.ndarray | None:
    """1 for every token a gold edit touches; None when offsets cannot be trusted."""
    if prepare(sample.text, max_chars=10**7).plain != sample.text:
        return None
    labels = np.zeros(len(doc), dtype=np.int8)
    starts = np.array([t.idx for t in doc])
    ends = starts + np.array([len(t) for t in doc])
    for start, end, _, _ in sample.edits:
        if end > start:
            labels[(starts < end) & (ends > start)] = 1
        else:  # an insertion: the token that follows is where the error shows
            after = np.flatnonzero(starts >= start)
            if len(after):
                labels[after[0]] = 1
    return np.array([labels[i] for i in range(len(doc)) if not doc[i].is_space])


def _rows(docs: list) -> list[np.ndarray]:
    return [ged.buckets(d) for d in docs]


def _matrix(hashed: list[np.ndarray]) -> csr_matrix:
    rows = np.concatenate(hashed) if hashed else np.zeros((0, len(ged.TEMPLATES)), np.int64)
    n, k = rows.shape
    data = np.ones(n * k, dtype=np.float32)
    # Colliding templates of one token add up, exactly as the run-time sum does.
    m = csr_matrix((data, rows.ravel(), np.arange(0, n * k + 1, k)), shape=(n, 1 << ged.BITS))
    m.sum_duplicates()
    return m


def fit(hashed: list, labels: list[np.ndarray]) -> np.ndarray:
    X, y = _matrix(hashed), np.concatenate(labels)
    # Averaged SGD: plain SGD stopped after a fixed number of epochs ends
    # wherever its last steps left it, and its calibration drifted from one
    # fit to the next (mean probability 0.10-0.17 across five folds of the
    # same data). That drift made the cross-fitted densities the level model
    # trains on noisy (r 0.43 with the gold error share on W&I, against
    # 0.58 within a fold) and shifted the shipped detector against them.
    model = SGDClassifier(loss="log_loss", alpha=ALPHA, max_iter=EPOCHS, tol=None, random_state=0,
                          average=True)
    model.fit(X, y)
    w = model.coef_.ravel().astype(np.float64)
    # The constant template is in every row: fold the intercept into its weight.
    w[ged.BIAS] += float(model.intercept_[0])
    # Averaging leaves the scores well ordered but their scale and offset
    # biased (mean probability 0.04 against 12.6% of tokens in error): a
    # one-feature logistic fit on the same tokens restores the calibration
    # that "ged_high_share" (p > 0.5) relies on.
    a, b = _platt(X @ w, y)
    w *= a
    w[ged.BIAS] += b
    return w.astype(np.float32)


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e6, max_iter=200).fit(scores[:, None], y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


class Corpus:
    """Parsed texts with token labels and hashed features. Only texts of the
    corpora with gold corrections (:data:`CORPORA`) train a detector; the
    others (ELLIPSE) are only scored."""

    def __init__(self, samples: list[Sample], docs: list) -> None:
        self.samples, self.docs = samples, docs
        self.labels = [token_labels(s, d) if s.corpus in CORPORA else None
                       for s, d in zip(samples, docs)]
        self.hashed = _rows(docs)

    @classmethod
    def load(cls, shared: Path, cache: Path, corpora=CORPORA) -> "Corpus":
        samples, docs = [], []
        for name in corpora:
            these = LOADERS[name](shared)
            samples += these
            docs += parse_all(these, cache, name)
        return cls(samples, docs)

    def usable(self) -> list[int]:
        return [i for i, lab in enumerate(self.labels) if lab is not None and len(lab)]

    def fit(self, indices) -> np.ndarray:
        keep = set(self.usable()).intersection(indices)
        return fit([self.hashed[i] for i in sorted(keep)],
                   [self.labels[i] for i in sorted(keep)]).astype(np.float64)

    def fold_models(self):
        """Yield (weights, indices they may score): 5 folds grouped by writer
        over the trainable corpora, then the model of all of them for the rest."""
        train = [i for i, s in enumerate(self.samples) if s.corpus in CORPORA]
        groups = [self.samples[i].group for i in train]
        for fit_idx, held in GroupKFold(FOLDS).split(train, groups=groups):
            yield self.fit([train[k] for k in fit_idx]), [train[k] for k in held]
        rest = [i for i, s in enumerate(self.samples) if s.corpus not in CORPORA]
        if rest:
            yield self.fit(train), rest


def _crossfit_key(samples: list[Sample]) -> str:
    # Valid while the texts, their edits and the code of both modules are unchanged.
    h = hashlib.sha256(Path(ged.__file__).read_bytes() + Path(__file__).read_bytes())
    for s in samples:
        h.update(f"{s.corpus}\0{s.id}\0{s.group}\0{s.text}\0{s.edits}".encode())
    return h.hexdigest()[:16]


def crossfit_features(samples: list[Sample], docs: list, cache: Path) -> list[dict[str, float]]:
    """``ged_*`` features of each text from a detector that never saw its
    writer, in the samples' order (the same contract as the usage model's
    ``crossfit_features``), cached in ``cache``."""
    path = cache / f"ged-crossfit-{_crossfit_key(samples)}.json"
    if path.exists():
        return json.loads(path.read_text())
    corpus = Corpus(samples, docs)
    out: list[dict[str, float]] = [{} for _ in samples]
    for w, indices in corpus.fold_models():
        for i in indices:
            out[i] = ged.features(docs[i], w)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out))
    return out


def detection_report(corpus: Corpus, threshold: float = 0.5) -> dict[str, float]:
    """Token-level precision and recall of cross-fitted detectors (for the model card)."""
    usable = set(corpus.usable())
    tp = fp = fn = 0
    fold_means = []  # equal means show the folds' densities share one scale
    for w, indices in corpus.fold_models():
        total = tokens = 0.0
        for i in usable.intersection(indices):
            p = ged.token_probabilities(corpus.docs[i], w)
            total, tokens = total + float(p.sum()), tokens + len(p)
            flagged, gold = p > threshold, corpus.labels[i].astype(bool)
            tp += int((flagged & gold).sum())
            fp += int((flagged & ~gold).sum())
            fn += int((~flagged & gold).sum())
        if tokens:
            fold_means.append(round(total / tokens, 4))
    return {"threshold": threshold, "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "gold_error_tokens": tp + fn, "fold_mean_probability": fold_means}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--cache", type=Path, default=Path("bench/out/cache"))
    ap.add_argument("--report", action="store_true", help="also print cross-fitted token precision/recall")
    args = ap.parse_args(argv)
    started = time.time()
    corpus = Corpus.load(args.shared, args.cache)
    keep = corpus.usable()
    w = corpus.fit(keep).astype(np.float32)
    WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    np.save(WEIGHTS, w)
    print(json.dumps({"texts": len(keep), "tokens": int(sum(len(corpus.labels[i]) for i in keep)),
                      "error_share": float(np.mean(np.concatenate([corpus.labels[i] for i in keep]))),
                      "seconds": round(time.time() - started, 1)}))
    if args.report:
        print(json.dumps(detection_report(corpus)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
