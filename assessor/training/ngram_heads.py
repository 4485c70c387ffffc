"""Stacked n-gram heads: sparse ridge models over syntactic n-grams.

Each head's prediction becomes one feature (``ng_<name>``) of the level
model. On the corpus a head is trained on, the feature is its out-of-fold
prediction (same grouped folds as the level model), so the level model never
sees a prediction made with its own test rows.
"""
from __future__ import annotations

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold

from ..scoring import ngrams
from .corpora import Sample

HEADS = (("ng_cefr", "wi", "cefr"), ("ng_grammar", "ellipse", "grammar"),
         ("ng_vocabulary", "ellipse", "vocabulary"))
ALPHA = 300.0
MIN_DF = 10
# Frequencies are per token (tiny numbers); scaling keeps ridge's penalty in
# a sensible range. The stored weights absorb it.
SCALE = 100.0
FOLDS = 5


def _fit(freqs: list[dict[str, float]], y: np.ndarray):
    dv = DictVectorizer()
    X = dv.fit_transform(freqs) * SCALE
    df = np.asarray((X > 0).sum(0)).ravel()
    keep = np.flatnonzero(df >= MIN_DF)
    model = Ridge(alpha=ALPHA).fit(X[:, keep], y)
    names = dv.get_feature_names_out()[keep]
    weights = {str(n): float(w) * SCALE for n, w in zip(names, model.coef_) if abs(w) > 1e-9}
    return weights, float(model.intercept_)


def _apply(weights: dict[str, float], intercept: float, freqs: list[dict[str, float]]) -> np.ndarray:
    return np.array([ngrams.score(f, weights, intercept) for f in freqs])


def fit_head(freqs: list[dict[str, float]], samples: list[Sample], label: str):
    rows = [i for i, s in enumerate(samples) if label in s.labels]
    y = np.array([samples[i].labels[label] for i in rows])
    groups = [samples[i].group for i in rows]
    sub = [freqs[i] for i in rows]
    oof = np.zeros(len(samples))
    for train, test in GroupKFold(FOLDS).split(sub, y, groups):
        w, b = _fit([sub[i] for i in train], y[train])
        oof[[rows[i] for i in test]] = _apply(w, b, [sub[i] for i in test])
    weights, intercept = _fit(sub, y)
    return oof, {"intercept": intercept,
                 "weights": {k: float(f"{v:.5g}") for k, v in sorted(weights.items())}}


def stack(freqs: dict[str, list[dict[str, float]]], samples: dict[str, list[Sample]]):
    """Fit every n-gram head; return the heads and, per corpus, the feature columns."""
    specs: dict[str, dict] = {}
    columns: dict[str, dict[str, np.ndarray]] = {c: {} for c in freqs}
    for name, corpus, label in HEADS:
        oof, spec = fit_head(freqs[corpus], samples[corpus], label)
        specs[name] = spec
        for other in freqs:
            columns[other][name] = oof if other == corpus else _apply(
                spec["weights"], spec["intercept"], freqs[other])
    return specs, columns
