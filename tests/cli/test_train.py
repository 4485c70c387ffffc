import json

import pytest

from assessor.cli.train import _dumps


@pytest.mark.parametrize("model, one_line", [
    ({"means": [0.5, -1e-07, 3], "trees": {"value": [1.5e+20, -2]}}, "[0.5, -1e-07, 3]"),
    ({"trees": {"value": [1.5e+20, -2]}}, "[1.5e+20, -2]"),
    ({"nested": [[1, 2], [3]], "text": "a [1,\n 2] b"}, "[1, 2]"),
])
def test_model_json_round_trips_with_numbers_on_one_line(model, one_line):
    text = _dumps(model)
    assert json.loads(text) == model
    assert any(one_line in line for line in text.splitlines())
