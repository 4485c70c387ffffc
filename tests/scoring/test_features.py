"""Length credit: relative to the task's target, capped, never rewarding padding."""
import math

import pytest

from assessor.scoring.features import LENGTH_CAP, MIN_TARGET, length_credit


@pytest.mark.parametrize("words, target, expected_words", [
    (60, None, 60),                        # no target: judged as a short essay
    (400, None, LENGTH_CAP),               # padding beyond the cap earns nothing
    (60, 60, LENGTH_CAP),                  # a complete 60-word reply gets full credit
    (30, 60, LENGTH_CAP / 2),              # half of what was asked: half the words
    (120, 60, LENGTH_CAP),                 # over-long replies still stop at the cap
    (60, 250, 60),                         # an essay-sized target changes nothing
    (20, 10, 20 * LENGTH_CAP / MIN_TARGET),  # tiny targets are not trusted
    (0, None, 1),
])
def test_length_credit(words, target, expected_words):
    assert length_credit(words, target) == pytest.approx(math.log(expected_words))
