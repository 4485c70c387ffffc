import copy
import json

import pytest

from assessor.errors import ModelError
from assessor.scoring.levelmodel import DEFAULT_MODEL, load_model, parse_model
from assessor.scoring.types import level_to_cefr, level_to_score

RAW = json.loads(DEFAULT_MODEL.read_text())


def test_default_model_loads_with_every_head():
    model = load_model()
    assert {"overall", "grammar", "vocabulary"} <= set(model.heads)
    assert model.version and model.ngram_heads


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(format="other/9"), "unknown level model format"),
    (lambda d: d["heads"].pop("grammar"), "lacks the 'grammar' head"),
    (lambda d: d["heads"]["overall"]["coef"].pop(), "weights for"),
    (lambda d: d.pop("means"), "malformed"),
])
def test_broken_models_are_model_errors(mutate, message):
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(ModelError, match=message):
        parse_model(data)


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        load_model(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(bad)


def test_predictions_stay_in_range_even_for_absurd_features():
    model = load_model()
    absurd = {name: 1e9 for name in model.features}
    for head in model.heads:
        h = model.heads[head]
        assert h.lo <= model.predict(head, absurd) <= h.hi
    nan = {name: float("nan") for name in model.features}
    assert model.heads["overall"].lo <= model.predict("overall", nan) <= model.heads["overall"].hi


def test_uncertainty_grows_for_short_texts():
    model = load_model()
    assert model.uncertainty("overall", 40) > model.uncertainty("overall", 400)


@pytest.mark.parametrize("level, cefr, score", [
    (1.0, "A1", 8.3), (2.49, "A2", 33.2), (2.5, "B1", 33.3), (4.0, "B2", 58.3),
    (5.6, "C2", 85.0), (6.49, "C2", 99.8)])
def test_level_bands_and_scores(level, cefr, score):
    assert level_to_cefr(level) == cefr
    assert level_to_score(level) == score


def _with_leaf_trees(base: float, weight: float) -> dict:
    data = copy.deepcopy(RAW)
    head = data["heads"]["overall"]
    head.update(knots_x=[], knots_y=[], tree_weight=weight,
                trees={"base": base, "depth": 0, "roots": [0], "feature": [0],
                       "threshold": [0.0], "left": [0], "right": [0], "value": [0.0]})
    return data


@pytest.mark.parametrize("weight", [0.0, 0.25, 0.5, 1.0])
def test_trees_are_blended_with_the_linear_part(weight):
    features = {name: mean for name, mean in zip(RAW["features"], RAW["means"])}
    linear = parse_model(_with_leaf_trees(3.0, 0.0)).predict("overall", features)
    blended = parse_model(_with_leaf_trees(3.0, weight)).predict("overall", features)
    assert blended == pytest.approx((1 - weight) * linear + weight * 3.0)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["heads"]["overall"].update(tree_weight=1.5), "outside 0–1"),
    (lambda d: d["heads"]["overall"]["trees"].update(feature=[10_000]), "feature outside"),
])
def test_broken_tree_heads_are_model_errors(mutate, message):
    data = _with_leaf_trees(3.0, 0.5)
    mutate(data)
    with pytest.raises(ModelError, match=message):
        parse_model(data)



def test_pooled_heads_read_the_detector_states_and_stay_in_range():
    import numpy as np
    data = copy.deepcopy(RAW)
    data["pooled_heads"] = {"nnp_cefr": {"weights": [0.01] * 384, "intercept": 3.0, "lo": 0.5, "hi": 6.5}}
    model = parse_model(data)
    assert model.pooled_features(np.full(384, 10.0, dtype=np.float32)) == {"nnp_cefr": pytest.approx(6.5)}
    assert model.pooled_features(np.full(384, 0.1, dtype=np.float32))["nnp_cefr"] == pytest.approx(3.384, abs=1e-4)
    # A detector exported without states gives zeros: no feature, so the
    # model reads the feature's mean rather than a made-up value.
    assert model.pooled_features(np.zeros(384, dtype=np.float32)) == {}
    assert model.pooled_features(None) == {}
