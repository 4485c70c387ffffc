import pytest

from assessor.scoring import ngrams
from assessor.scoring.nlp import get_nlp


@pytest.mark.parametrize("text, expected", [
    ("The cat sleeps.", ["<s>", "the", "NN", "VBZ", ".", "</s>"]),
    ("She can swim", ["<s>", "she", "can", "VB", "</s>"]),
])
def test_function_words_stay_words_and_the_rest_become_tags(text, expected):
    assert ngrams.symbols(get_nlp()(text)) == [expected]


def test_topic_words_do_not_appear():
    freqs = ngrams.frequencies(get_nlp()("The customer returned the broken laptop."))
    assert not any("laptop" in g or "customer" in g for g in freqs)


def test_frequencies_do_not_grow_with_repetition():
    one = ngrams.frequencies(get_nlp()("The cat sleeps."))
    three = ngrams.frequencies(get_nlp()("The cat sleeps. The cat sleeps. The cat sleeps."))
    assert one["the NN"] == pytest.approx(three["the NN"])


def test_score_is_intercept_plus_weighted_frequencies():
    assert ngrams.score({"a": 0.5, "b": 0.25}, {"a": 2.0, "c": 9.0}, 1.0) == pytest.approx(2.0)
