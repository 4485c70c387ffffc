import pytest

from assessor.scoring.guards import _kept_text, _merge, _repeated_sentences, screen
from assessor.scoring.nlp import get_nlp

BASE = ("I checked your order this morning. The parcel left our warehouse yesterday afternoon. "
        "It should arrive before Friday at the latest. ")


@pytest.mark.parametrize("text, repeats", [
    (BASE, 0),
    (BASE + BASE, 3),
    (BASE + "Regards, Ana " + BASE, 3),          # a block pasted after a sign-off
    ("Thank you. Thank you. Thank you.", 0),      # short courtesy repeats are normal
    (BASE + "I checked your order this morning and again at noon today.", 0),
])
def test_repeated_sentences(text, repeats):
    assert len(_repeated_sentences(get_nlp()(text))) == repeats


@pytest.mark.parametrize("spans, merged", [
    ([(5, 9), (0, 3)], [(0, 3), (5, 9)]),
    ([(0, 5), (3, 8)], [(0, 8)]),
    ([], []),
])
def test_merge(spans, merged):
    assert _merge(spans) == merged


@pytest.mark.parametrize("plain, dropped, kept", [
    ("Copied prompt. My answer here.", [(0, 13)], "My answer here."),
    ("abc def", [], "abc def"),
    ("Start. 123 ! End.", [(7, 12)], "Start. End."),
])
def test_kept_text(plain, dropped, kept):
    assert _kept_text(plain, dropped) == kept


@pytest.mark.parametrize("text, status, code", [
    ("Too short to rate.", "insufficient_text", "insufficient_text"),
    ("Das ist eine kurze Antwort auf Deutsch, die nicht bewertet werden sollte, weil sie nicht "
     "auf Englisch geschrieben ist und viele Wörter hat.", "not_english", "not_english"),
    (BASE * 3, "scored", "padding"),
])
def test_screen(text, status, code):
    s = screen(text, get_nlp()(text), None, 20)
    assert s.status == status
    assert code in {w.code for w in s.warnings}
