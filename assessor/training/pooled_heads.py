"""Stacked heads over the neural detector's pooled encoder states.

The detector's last states, averaged over an answer (``neural.analyse``),
summarise how it reads: each head is a ridge regression from those 384
numbers to one label, and its prediction becomes one feature (``nnp_<name>``)
of the level model, exactly as the n-gram heads do (``ngram_heads``). On the
corpus a head is fitted on, the feature is its out-of-fold prediction with
the same grouped folds, so the level model never reads a prediction made
from its own test rows; the states themselves come from the detector fold
that never saw the writer (``neural.crossfit_pooled``).
"""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GroupKFold

from .corpora import Sample

HEADS = (("nnp_cefr", "wi", "cefr", 0.5, 6.5), ("nnp_grammar", "ellipse", "grammar", 1.0, 5.0),
         ("nnp_vocabulary", "ellipse", "vocabulary", 1.0, 5.0))
ALPHAS = np.logspace(0, 4, 9)
FOLDS = 5


def _fit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and intercept on the raw states (standardisation folded in)."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    model = RidgeCV(alphas=ALPHAS).fit((X - mean) / scale, y)
    weights = model.coef_ / scale
    return weights, float(model.intercept_ - weights @ mean)


def apply(spec: dict, X: np.ndarray) -> np.ndarray:
    """A head's predictions, kept inside its label's range: states unlike any
    rated text (word salad, noise) must not extrapolate into a high level."""
    raw = X @ np.asarray(spec["weights"]) + spec["intercept"]
    return np.clip(raw, spec["lo"], spec["hi"])


def fit_head(X: np.ndarray, samples: list[Sample], label: str, lo: float, hi: float):
    rows = [i for i, s in enumerate(samples) if label in s.labels]
    y = np.array([samples[i].labels[label] for i in rows])
    groups = [samples[i].group for i in rows]
    sub = X[rows]
    oof = np.zeros(len(samples))
    for train, test in GroupKFold(FOLDS).split(sub, y, groups):
        w, b = _fit(sub[train], y[train])
        oof[[rows[i] for i in test]] = apply({"weights": w, "intercept": b, "lo": lo, "hi": hi}, sub[test])
    weights, intercept = _fit(sub, y)
    spec = {"intercept": intercept, "weights": [float(f"{v:.6g}") for v in weights], "lo": lo, "hi": hi}
    return oof, spec


def stack(pooled: dict[str, np.ndarray], samples: dict[str, list[Sample]]):
    """Fit every pooled head; return the heads and, per corpus, the feature columns."""
    specs: dict[str, dict] = {}
    columns: dict[str, dict[str, np.ndarray]] = {c: {} for c in pooled}
    for name, corpus, label, lo, hi in HEADS:
        oof, spec = fit_head(pooled[corpus], samples[corpus], label, lo, hi)
        specs[name] = spec
        for other in pooled:
            columns[other][name] = oof if other == corpus else apply(spec, pooled[other])
    return specs, columns
