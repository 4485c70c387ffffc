import numpy as np

from assessor.scoring.trees import parse_ensemble
from assessor.training import trees


def test_exported_trees_predict_what_scikit_learn_predicts():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = np.where(X[:, 0] > 0, 2.0, 0.0) + X[:, 1] * X[:, 2] + rng.normal(scale=0.1, size=400)
    model = trees.fit(X, y)
    # The model-wide feature list puts the training columns at 4, 0 and 2.
    columns = [4, 0, 2]
    ensemble = parse_ensemble(trees.export(model, columns), n_features=5)
    for row in X[:50]:
        wide = np.zeros(5)
        wide[columns] = row
        # Leaf values are stored to 6 significant digits.
        assert abs(ensemble.predict(wide) - model.predict(row[None])[0]) < 1e-4


def test_export_is_plain_json_data():
    X = np.arange(120, dtype=float).reshape(60, 2)
    spec = trees.export(trees.fit(X, X[:, 0] * 2), [0, 1])
    assert {type(v) for v in spec["threshold"] + spec["value"]} == {float}
    assert len(spec["roots"]) == trees.PARAMS["n_estimators"]
    assert spec["depth"] <= trees.PARAMS["max_depth"]


def test_trees_never_see_the_excluded_features(monkeypatch):
    from assessor.training import levels
    from assessor.training.corpora import Sample

    rng = np.random.default_rng(1)
    names = ["cx_depth", "log_words", "rate_grammar"]
    X = rng.normal(size=(300, 3))
    y = 3 + X[:, 1] + 0.5 * X[:, 0] * X[:, 2]
    samples = [Sample("wi", str(i), "", f"w{i % 30}", {"cefr": float(v)}) for i, v in enumerate(y)]
    ds = levels.Dataset(samples, X, names, [{}] * 300, [])
    monkeypatch.setattr(levels, "TREE_HEADS", frozenset({"grammar"}))
    _, spec, _, _, _ = levels.train_head(ds, "cefr", "grammar", 0.5, 6.49)
    t = spec["trees"]
    inner = [i for i in range(len(t["value"])) if t["left"][i] != i]
    used = {names[t["feature"][i]] for i in inner}
    assert used and not used & trees.EXCLUDE
    assert "log_words" in trees.EXCLUDE
