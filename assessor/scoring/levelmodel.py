"""The level model: a data file mapping features to levels.

The file (JSON) holds, for each head, a linear model over standardised
features (optionally averaged with boosted trees, see trees.py), plus the
residual spread measured by cross-validation, which becomes the result's
uncertainty. Training lives in
``assessor.training.levels``; this module only reads and applies.
"""
from __future__ import annotations

import json
import math

import numpy as np
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModelError
from . import ngrams
from .resources import shared
from .settings import DEFAULT_MODEL
from .trees import Ensemble, parse_ensemble

FORMAT = "assessor-level-model/1"


@dataclass(frozen=True)
class Head:
    coef: tuple[float, ...]
    intercept: float
    residual_sd: float
    lo: float
    hi: float
    #: Optional piecewise-linear recalibration of the raw prediction
    #: (x knots → y values), fitted out of fold.
    knots_x: tuple[float, ...] = ()
    knots_y: tuple[float, ...] = ()
    #: Optional boosted trees, averaged with the linear part by ``tree_weight``.
    trees: Ensemble | None = None
    tree_weight: float = 0.0


@dataclass(frozen=True)
class PooledHead:
    weights: np.ndarray
    intercept: float
    lo: float
    hi: float

    def apply(self, pooled) -> float:
        # Kept inside the label's range: states unlike any rated text must not
        # extrapolate into a high level.
        return float(min(max(float(self.weights @ pooled) + self.intercept, self.lo), self.hi))


@dataclass(frozen=True)
class LevelModel:
    version: str
    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    heads: dict[str, Head]
    #: Words at which the residual spread was measured; shorter texts are less certain.
    reference_words: float
    #: Sparse n-gram heads whose outputs are features (``ng_*``), see ngrams.py.
    ngram_heads: dict[str, tuple[dict[str, float], float]] = field(default_factory=dict)
    #: Linear heads over the neural detector's pooled states (``nnp_*``):
    #: name → (weights, intercept, lo, hi).
    pooled_heads: dict[str, "PooledHead"] = field(default_factory=dict)

    def ngram_features(self, freqs: dict[str, float]) -> dict[str, float]:
        return {name: ngrams.score(freqs, w, b) for name, (w, b) in self.ngram_heads.items()}

    def pooled_features(self, pooled) -> dict[str, float]:
        """The pooled heads' outputs, none when the detector gave no states
        (the model then reads each one's mean)."""
        if pooled is None or not np.any(pooled):
            return {}
        return {name: h.apply(pooled) for name, h in self.pooled_heads.items()}

    def predict(self, head: str, features: dict[str, float]) -> float:
        h = self.heads[head]
        values = [self._value(features, name, mean) for name, mean in zip(self.features, self.means)]
        total = h.intercept + sum(weight * (value - mean) / scale for value, mean, scale, weight
                                  in zip(values, self.means, self.scales, h.coef))
        if h.trees is not None:
            total = (1 - h.tree_weight) * total + h.tree_weight * h.trees.predict(values)
        if h.knots_x:
            total = _interp(total, h.knots_x, h.knots_y)
        return _soft_bounds(total, h.lo, h.hi)

    @staticmethod
    def _value(features: dict[str, float], name: str, mean: float) -> float:
        value = features.get(name, mean)
        return value if math.isfinite(value) else mean

    def uncertainty(self, head: str, words: int) -> float:
        """Standard error of the head's prediction for a text of ``words`` words."""
        sd = self.heads[head].residual_sd
        return sd * math.sqrt(max(1.0, self.reference_words / max(words, 1)))


#: Width (in levels) of the band inside each bound where predictions bend
#: towards it instead of stopping at it.
_SOFT = 0.5


def _soft_bounds(x: float, lo: float, hi: float) -> float:
    """Keep ``x`` inside (lo, hi) smoothly and monotonically. A hard clip
    gave every answer past a bound one and the same score, so applicants
    could not be told apart at the top (C2) or the bottom of the scale."""
    a, b = lo + _SOFT, hi - _SOFT
    if x < a:
        return lo + _SOFT * math.exp((x - a) / _SOFT)
    if x > b:
        return hi - _SOFT * math.exp((b - x) / _SOFT)
    return x


def _interp(x: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    if x <= xs[0]:
        return ys[0] + (x - xs[0])
    if x >= xs[-1]:
        return ys[-1] + (x - xs[-1])
    for i in range(1, len(xs)):
        if x <= xs[i]:
            t = (x - xs[i - 1]) / ((xs[i] - xs[i - 1]) or 1.0)
            return ys[i - 1] + t * (ys[i] - ys[i - 1])
    return ys[-1]  # pragma: no cover


def parse_model(data: dict) -> LevelModel:
    if data.get("format") != FORMAT:
        raise ModelError(f"unknown level model format {data.get('format')!r}; expected {FORMAT}")
    try:
        features = tuple(data["features"])
        heads = {name: _parse_head(h, len(features)) for name, h in data["heads"].items()}
        ngram = {name: (dict(h["weights"]), float(h["intercept"]))
                 for name, h in data.get("ngram_heads", {}).items()}
        pooled = {name: PooledHead(np.asarray(h["weights"], dtype=np.float32), float(h["intercept"]),
                                   float(h["lo"]), float(h["hi"]))
                  for name, h in data.get("pooled_heads", {}).items()}
        model = LevelModel(data["version"], features, tuple(data["means"]),
                           tuple(data["scales"]), heads, float(data.get("reference_words", 200)),
                           ngram, pooled)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"level model is malformed: {exc}") from exc
    for name, head in heads.items():
        if len(head.coef) != len(features):
            raise ModelError(f"head {name!r} has {len(head.coef)} weights for {len(features)} features")
    for required in ("overall", "grammar", "vocabulary"):
        if required not in heads:
            raise ModelError(f"level model lacks the {required!r} head")
    return model


def _parse_head(h: dict, n_features: int) -> Head:
    trees = parse_ensemble(h["trees"], n_features) if h.get("trees") else None
    weight = float(h.get("tree_weight", 0.0)) if trees is not None else 0.0
    if not 0.0 <= weight <= 1.0:
        raise ModelError(f"tree_weight {weight} is outside 0–1")
    return Head(tuple(h["coef"]), h["intercept"], h["residual_sd"], h["lo"], h["hi"],
                tuple(h.get("knots_x", ())), tuple(h.get("knots_y", ())), trees, weight)


def load_model(path: Path | None = None) -> LevelModel:
    path = Path(path or DEFAULT_MODEL).resolve()
    return shared.get(f"level_model:{path}", lambda: _read_model(path))


def _read_model(path: Path) -> LevelModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(f"level model {path} not found; train one with `assessor train`") from exc
    except ValueError as exc:
        raise ModelError(f"level model {path} is not valid JSON: {exc}") from exc
    return parse_model(data)
