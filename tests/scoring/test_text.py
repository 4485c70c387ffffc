import pytest

from assessor.errors import InputError
from assessor.scoring.text import prepare, word_count


@pytest.mark.parametrize("text, plain", [
    ("Hello world.", "Hello world."),
    ("Hello <b>world</b>.", "Hello world."),
    ("Fish &amp; chips", "Fish & chips"),
    ("line one\r\nline two\rthree", "line one\nline two\nthree"),
    ("zero\u200bwidth and bell\x07", "zerowidth and bell"),
    ("a<br>b", "a\nb"),
    ("x < y and y > z", "x < y and y > z"),
    ("caf\u00e9 na\u00efve \U0001F600", "caf\u00e9 na\u00efve \U0001F600"),
    ("non\u00a0breaking", "non breaking"),
    ("<script>alert(1)</script>Hi", "alert(1)Hi"),
])
def test_plain_text(text, plain):
    assert prepare(text, 10_000).plain == plain


@pytest.mark.parametrize("text, word, original", [
    ("Hello <b>wrold</b>.", "wrold", "wrold"),
    ("Fish &amp; chipz", "chipz", "chipz"),
    ("a\r\nb\r\nmistake", "mistake", "mistake"),
    ("\x07\x07bad wrd", "wrd", "wrd"),
])
def test_offsets_map_back_to_the_original(text, word, original):
    p = prepare(text, 10_000)
    start = p.plain.index(word)
    o_start, o_len = p.span_to_original(start, len(word))
    assert text[o_start:o_start + o_len] == original


def test_entity_span_maps_to_whole_entity():
    p = prepare("A &amp; B", 100)
    start, length = p.span_to_original(p.plain.index("&"), 1)
    assert (start, length) == (2, 1)


@pytest.mark.parametrize("bad", [None, 42, b"bytes", ["list"]])
def test_non_strings_are_input_errors(bad):
    with pytest.raises(InputError):
        prepare(bad, 100)


def test_too_long_is_an_input_error():
    with pytest.raises(InputError, match="limit is 10"):
        prepare("x" * 11, 10)


@pytest.mark.parametrize("text, n", [
    ("", 0), ("one two three", 3), ("it's a well-known fact", 4), ("Ça va très bien", 4),
    ("123 456", 0), ("Привет мир", 2),
])
def test_word_count(text, n):
    assert word_count(text) == n


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from assessor.scoring import text as text_module  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.text(alphabet="ab <>&;\r\n\t\u00a0\u200b\u2009\x07é", max_size=40))
def test_the_fast_path_cleans_exactly_like_the_full_one(raw):
    assert text_module.prepare(raw, 10_000) == text_module._clean(raw)
