import numpy as np
import pytest

from assessor.errors import ModelError
from assessor.scoring.trees import parse_ensemble

# Two stumps and one depth-2 tree over features 0 and 1:
#   tree A: x0 <= 1.0 ? +1 : +2
#   tree B: x1 <= 0.5 ? -1 : (x0 <= 3.0 ? +10 : +20)
#   tree C: a lone leaf worth 0.5
SPEC = {
    "base": 100.0, "depth": 2, "roots": [0, 3, 8],
    "feature": [0, 0, 0, 1, 0, 0, 0, 0, 0],
    "threshold": [1.0, 0, 0, 0.5, 0, 3.0, 0, 0, 0],
    "left": [1, 1, 2, 4, 4, 6, 6, 7, 8],
    "right": [2, 1, 2, 5, 4, 7, 6, 7, 8],
    "value": [0, 1.0, 2.0, 0, -1.0, 0, 10.0, 20.0, 0.5],
}


@pytest.mark.parametrize("x, expected", [
    ([0.0, 0.0], 100 + 1 - 1 + 0.5),
    ([1.0, 0.5], 100 + 1 - 1 + 0.5),  # thresholds are inclusive on the left
    ([2.0, 0.0], 100 + 2 - 1 + 0.5),
    ([2.0, 1.0], 100 + 2 + 10 + 0.5),
    ([5.0, 1.0], 100 + 2 + 20 + 0.5),
])
def test_each_tree_walks_to_its_leaf(x, expected):
    assert parse_ensemble(SPEC, 2).predict(np.array(x)) == pytest.approx(expected)


def _broken(**change):
    return {**SPEC, **change}


@pytest.mark.parametrize("spec, n_features, message", [
    ({k: v for k, v in SPEC.items() if k != "value"}, 2, "malformed"),
    (_broken(left=SPEC["left"][:-1]), 2, "differ in length"),
    (_broken(roots=[0, 3, 99]), 2, "roots point outside"),
    (_broken(right=[2, 1, 2, 5, 4, -7, 6, 7, 8]), 2, "right point outside"),
    (SPEC, 1, "feature outside"),
    (_broken(depth="deep"), 2, "malformed"),
])
def test_broken_ensembles_are_model_errors(spec, n_features, message):
    with pytest.raises(ModelError, match=message):
        parse_ensemble(spec, n_features)
