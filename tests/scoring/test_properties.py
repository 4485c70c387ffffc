"""Property tests: the scorer never crashes and stays within its schema for any Unicode input."""
import json
from importlib import resources

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.errors import InputError
from assessor.scoring import ScoringSettings, score

SCHEMA = json.loads((resources.files("assessor") / "data" / "schema" / "result.schema.json").read_text())
SETTINGS = ScoringSettings(engine="builtin", max_chars=4000)
WORDS = st.sampled_from(["the", "customer", "order", "is", "late", "we", "will", "send", "a", "new",
                         "one", "sorry", "café", "naïve", "😀", "<b>", "&amp;", "\u200b", "\x00",
                         "ß", "İ", "\r\n", "...", "I", "dont", "recieve", "Привет", "مرحبا", "字"])


def _check(text: str, prompt: str | None) -> None:
    try:
        result = score(text, prompt=prompt, settings=SETTINGS)
    except InputError:
        return
    d = result.to_dict()
    jsonschema.validate(d, SCHEMA)
    for issue in d["issues"]:
        assert 0 <= issue["offset"] <= issue["offset"] + issue["length"] <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600), st.one_of(st.none(), st.text(max_size=200)))
def test_any_unicode_text(text, prompt):
    _check(text, prompt)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, min_size=0, max_size=120).map(" ".join),
       st.one_of(st.none(), st.lists(WORDS, max_size=30).map(" ".join)))
def test_word_soup_with_markup_and_controls(text, prompt):
    _check(text, prompt)
