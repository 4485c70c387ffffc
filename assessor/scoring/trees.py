"""Boosted regression trees stored as flat arrays and evaluated with numpy.

The linear heads miss thresholds and interactions (a low error rate means
more in a long answer than in a short one). The trees that add them are
data, so scoring needs no scikit-learn. Every tree takes one step per loop,
all trees at once, so a few hundred trees cost a handful of array operations.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ModelError


@dataclass(frozen=True, eq=False)
class Ensemble:
    base: float
    roots: np.ndarray  # index of each tree's root node
    feature: np.ndarray  # feature index per node (0 at leaves, unused there)
    threshold: np.ndarray  # go left when value <= threshold
    left: np.ndarray  # leaves point at themselves, so extra steps stay put
    right: np.ndarray
    value: np.ndarray  # leaf contribution, learning rate included
    depth: int

    def predict(self, x: np.ndarray) -> float:
        # scikit-learn compares float32 inputs with float64 thresholds; doing
        # the same keeps run-time predictions identical to training's.
        x = np.asarray(x, dtype=np.float32)
        nodes = self.roots
        for _ in range(self.depth):
            go_left = x[self.feature[nodes]] <= self.threshold[nodes]
            nodes = np.where(go_left, self.left[nodes], self.right[nodes])
        return float(self.base + self.value[nodes].sum())


def parse_ensemble(data: dict, n_features: int) -> Ensemble:
    try:
        arrays = {k: np.asarray(data[k], dtype=np.int64)
                  for k in ("roots", "feature", "left", "right")}
        threshold = np.asarray(data["threshold"], dtype=np.float64)
        value = np.asarray(data["value"], dtype=np.float64)
        ensemble = Ensemble(float(data["base"]), arrays["roots"], arrays["feature"], threshold,
                            arrays["left"], arrays["right"], value, int(data["depth"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"tree ensemble is malformed: {exc}") from exc
    n = len(value)
    if not all(len(a) == n for a in (arrays["feature"], arrays["left"], arrays["right"], threshold)):
        raise ModelError("tree ensemble arrays differ in length")
    for name in ("roots", "left", "right"):
        if len(arrays[name]) and not (0 <= arrays[name].min() and arrays[name].max() < n):
            raise ModelError(f"tree ensemble {name} point outside the {n} nodes")
    if len(arrays["feature"]) and not (0 <= arrays["feature"].min()
                                       and arrays["feature"].max() < n_features):
        raise ModelError(f"tree ensemble uses a feature outside the model's {n_features}")
    return ensemble
