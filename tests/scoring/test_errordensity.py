"""The error-density detector: more of a wrong text is marked wrong than of its correction."""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from assessor.errors import ModelError
from assessor.scoring import errordensity as ged
from assessor.scoring.nlp import get_nlp

PAIRS = [  # (learner text, its correction)
    ("Yesterday I go to the shop and buy three apple for my mother, she very happy.",
     "Yesterday I went to the shop and bought three apples for my mother; she was very happy."),
    ("He don't know where is the station, so he ask to a policeman.",
     "He doesn't know where the station is, so he asked a policeman."),
    ("I am agree with this idea because peoples needs more informations.",
     "I agree with this idea because people need more information."),
    ("Our company have many customer which is waiting since two days.",
     "Our company has many customers who have been waiting for two days."),
]


@pytest.mark.parametrize("wrong, right", PAIRS)
def test_a_learner_text_is_denser_in_errors_than_its_correction(wrong, right):
    nlp = get_nlp()
    assert ged.features(nlp(wrong))["ged_mean"] > ged.features(nlp(right))["ged_mean"]


@pytest.mark.parametrize("text", ["", "   ", "Thanks.", "OK OK OK", "1234 5678"])
def test_features_are_finite_and_bounded(text):
    f = ged.features(get_nlp()(text))
    assert set(f) == {"ged_mean", "ged_rate", "ged_high_share", "ged_log_odds"}
    assert all(math.isfinite(v) for v in f.values())
    assert 0.0 <= f["ged_mean"] <= 1.0 and 0.0 <= f["ged_high_share"] <= 1.0


def test_buckets_are_the_same_in_every_process():
    # Python's own hash() changes per process; the buckets must not, or the
    # shipped weights would mean nothing.
    code = ("from assessor.scoring import errordensity as g; from assessor.scoring.nlp import get_nlp; "
            "print(g.buckets(get_nlp()('She have two cat and a dog.')).tolist())")
    here = ged.buckets(get_nlp()("She have two cat and a dog.")).tolist()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True, timeout=120).stdout
        assert json.loads(out) == here


def test_one_row_of_buckets_per_token_and_template():
    doc = get_nlp()("Hello  there.\n\nHow are you?")
    b = ged.buckets(doc)
    assert b.shape == (sum(1 for t in doc if not t.is_space), len(ged.TEMPLATES))
    assert ((0 <= b) & (b < 1 << ged.BITS)).all()
    assert (b[:, -1] == ged.BIAS).all()


def test_one_probability_per_non_space_token():
    doc = get_nlp()("Hello  there.\n\nHow are you?")
    assert len(ged.token_probabilities(doc)) == sum(1 for t in doc if not t.is_space)


@pytest.mark.parametrize("content", [b"not numpy", None])
def test_bad_weight_files_are_model_errors(tmp_path, content):
    path = tmp_path / "w.npy"
    if content is None:
        np.save(path, np.zeros(10, dtype=np.float32))
    else:
        path.write_bytes(content)
    with pytest.raises(ModelError):
        ged.load_weights(str(path))
