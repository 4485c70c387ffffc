import copy
import json

import pytest

from assessor.scoring.levelmodel import DEFAULT_MODEL, parse_model
from assessor.training.calibrate import _remap

RAW = json.loads(DEFAULT_MODEL.read_text())


def _features(shift: float) -> dict[str, float]:
    return {n: m + shift * s for n, m, s in zip(RAW["features"], RAW["means"], RAW["scales"])}


@pytest.mark.parametrize("keep_knots", [True, False])
@pytest.mark.parametrize("a, b", [(0.3, 1.0), (-0.5, 1.2), (1.0, 0.8)])
def test_remap_moves_every_prediction_by_the_same_line(keep_knots, a, b):
    data = copy.deepcopy(RAW)
    head = data["heads"]["overall"]
    # One stump on the first feature, so both of its leaves are reached below.
    head.update(tree_weight=0.5, trees={
        "base": 3.0, "depth": 1, "roots": [0], "feature": [0, 0, 0],
        "threshold": [RAW["means"][0], 0.0, 0.0], "left": [1, 1, 2], "right": [2, 1, 2],
        "value": [0.0, -0.5, 0.5]})
    if not keep_knots:
        head.update(knots_x=[], knots_y=[])
    head.update(lo=-100.0, hi=100.0)  # no clipping, so the line shows exactly
    before = parse_model(data)
    data["heads"]["overall"] = _remap(head, a, b, residual_sd=0.5)
    after = parse_model(data)
    for shift in (-1.0, 0.0, 0.7):
        values = _features(shift)
        assert after.predict("overall", values) == pytest.approx(
            a + b * before.predict("overall", values), abs=1e-9)
    assert after.heads["overall"].residual_sd == 0.5
