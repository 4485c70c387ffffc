"""Fit boosted trees for a level head and export them as flat arrays.

The export reads only scikit-learn's public tree attributes
(``estimators_``, ``tree_.children_left`` …), so it survives library
upgrades; ``assessor.scoring.trees`` evaluates the result.
"""
from __future__ import annotations

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor

# Chosen by grouped cross-validation on W&I (bench/README.md): deeper trees
# or more of them fitted the training writers, not new ones.
PARAMS = dict(n_estimators=200, learning_rate=0.05, max_depth=4, subsample=0.8,
              min_samples_leaf=30, random_state=0)
#: Share of the trees in the blended prediction; the rest is the linear head.
WEIGHT = 0.5
#: Features the trees never see. Given length, the trees split on it (in
#: W&I's essays length goes with level) and a 45-word reply to a 60-word task
#: lost 0.88 of a level against its writer's full answer, where the linear
#: head alone loses 0.57; length enters through the linear head only.
EXCLUDE = frozenset({"log_words"})


def fit(X: np.ndarray, y: np.ndarray) -> GradientBoostingRegressor:
    return GradientBoostingRegressor(**PARAMS).fit(X, y)


def export(model: GradientBoostingRegressor, columns: list[int]) -> dict:
    """Flat arrays; ``columns[j]`` is the model-wide index of training column j."""
    roots, feature, threshold, left, right, value = [], [], [], [], [], []
    rate = model.learning_rate
    depth = 0
    for est in model.estimators_[:, 0]:
        tree, offset = est.tree_, len(value)
        roots.append(offset)
        depth = max(depth, int(tree.max_depth))
        for node in range(tree.node_count):
            leaf = tree.children_left[node] == -1
            feature.append(0 if leaf else columns[int(tree.feature[node])])
            threshold.append(0.0 if leaf else float(tree.threshold[node]))
            left.append(offset + node if leaf else offset + int(tree.children_left[node]))
            right.append(offset + node if leaf else offset + int(tree.children_right[node]))
            value.append(float(f"{rate * tree.value[node, 0, 0]:.6g}") if leaf else 0.0)
    base = float(model.init_.predict(np.zeros((1, model.n_features_in_)))[0])
    return {"base": base, "depth": depth, "roots": roots, "feature": feature,
            "threshold": threshold, "left": left, "right": right, "value": value}
