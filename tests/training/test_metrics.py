import numpy as np
import pytest

from assessor.training.calibrate import parse_level
from assessor.training.corpora import fce_band, wi_level
from assessor.training.metrics import band, cefr_report, qwk
from assessor.errors import InputError


def test_qwk_perfect_and_chance():
    a = np.array([1, 2, 3, 4, 5, 6] * 10)
    assert qwk(a, a) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    assert abs(qwk(a, rng.permutation(a))) < 0.2


@pytest.mark.parametrize("label, level", [
    ("A1.i", 0.75), ("A1.ii", 1.25), ("B2.i", 3.75), ("C2.ii", 6.25), ("C2+", 6.25)])
def test_wi_labels(label, level):
    assert wi_level(label) == level


@pytest.mark.parametrize("label, value", [("3.2", 3.0), ("5.3", 5.333), ("2.3T", 2.333),
                                          ("S", None), ("", None), (".1", None)])
def test_fce_bands(label, value):
    got = fce_band(label)
    assert (got is None and value is None) or got == pytest.approx(value, abs=1e-3)


@pytest.mark.parametrize("levels, bands", [([0.6, 1.49, 1.5, 3.75, 6.3], [1, 1, 2, 4, 6])])
def test_band(levels, bands):
    assert list(band(np.array(levels))) == bands


def test_bar_agreement_and_false_passes():
    y = np.array([3.0, 3.0, 4.0, 4.0])
    p = np.array([3.0, 3.8, 4.0, 3.0])
    rep = cefr_report(y, p)
    assert rep["bar_agreement"] == 0.5 and rep["false_pass_rate"] == 0.5


@pytest.mark.parametrize("value, level", [("B2", 4.0), ("b1.ii", 3.25), ("3.5", 3.5), ("", None)])
def test_parse_level(value, level):
    assert parse_level(value) == level


@pytest.mark.parametrize("value", ["Z9", "7.5", "good"])
def test_parse_level_rejects(value):
    with pytest.raises(InputError):
        parse_level(value)
