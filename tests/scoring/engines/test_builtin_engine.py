"""The built-in engine as a whole: the GrammarEngine contract, offsets, speed, data errors."""
from __future__ import annotations


import pytest

from assessor.errors import DataError
from assessor.scoring.engines.base import GrammarEngine
from assessor.scoring.engines.builtin import BuiltinEngine
from assessor.scoring.engines.builtin import resources
from assessor.scoring.nlp import get_nlp
from assessor.scoring.types import CATEGORIES

ANSWER = (
    "Dear Mr. Reyes,\n\nThank you for contacting us about you're order. I am sorry that the package "
    "have not arrived yet. i checked our system and their is a delay at the warehouse because of the "
    "typhoon. We has already sent a new package and it should arrive on monday. If it doesnt arrive, "
    "please call us at 8-700-1234 or write to help@example.com. We apologise for the inconvenience "
    "and we will definately keep you informed.\n\nKind regards,\nJoana"
)


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.fixture(scope="module")
def engine():
    return BuiltinEngine()


def test_implements_the_engine_protocol(engine):
    assert isinstance(engine, GrammarEngine)
    assert engine.name == "builtin"


def test_issues_are_well_formed(engine, nlp):
    issues = engine.check(ANSWER, nlp(ANSWER))
    assert issues, "the sample answer has errors"
    previous_end = 0
    for item in issues:
        assert item.category in CATEGORIES
        assert item.rule_id.startswith("BUILTIN_")
        assert item.engine == "builtin"
        assert 0 <= item.offset and item.offset + item.length <= len(ANSWER)
        assert item.offset >= previous_end, "issues are sorted and do not overlap"
        previous_end = item.offset + item.length
        assert item.message and item.suggestions


@pytest.mark.parametrize("flagged, rule_id", [
    ("have", "BUILTIN_SVA"), ("i", "BUILTIN_LOWERCASE_I"), ("their", "BUILTIN_THEIR_IS"),
    ("has", "BUILTIN_SVA"), ("monday", "BUILTIN_PROPER_CAPITAL"), ("doesnt", "BUILTIN_MISSING_APOSTROPHE"),
    ("definately", "BUILTIN_SPELLING"),
])
def test_finds_the_errors_of_a_real_answer(engine, nlp, flagged, rule_id):
    spans = {(ANSWER[i.offset:i.offset + i.length], i.rule_id) for i in engine.check(ANSWER, nlp(ANSWER))}
    assert (flagged, rule_id) in spans


def test_names_links_and_british_spelling_are_not_flagged(engine, nlp):
    flagged = {ANSWER[i.offset:i.offset + i.length] for i in engine.check(ANSWER, nlp(ANSWER))}
    assert not flagged & {"Reyes", "Joana", "apologise", "help@example.com", "Mr."}


def test_warm_up_loads_data_once(engine):
    engine.warm_up()
    first = resources.grammar_data()
    engine.warm_up()
    assert resources.grammar_data() is first


def test_empty_and_blank_text(engine, nlp):
    assert engine.check("", nlp("")) == []
    assert engine.check("  \n ", nlp("  \n ")) == []


def test_spelling_can_be_switched_off(nlp):
    text = "I recieved it."
    assert [i.rule_id for i in BuiltinEngine(spelling=False).check(text, nlp(text))] == []


def test_malformed_data_raises_data_error(monkeypatch):
    monkeypatch.setattr(resources, "_read_text", lambda name: "{not json")
    with pytest.raises(DataError):
        resources._load()


def test_missing_data_file_raises_data_error():
    with pytest.raises(DataError):
        resources._read_text("no_such_file.json")


def test_bad_irregular_verb_line_raises_data_error(monkeypatch):
    monkeypatch.setattr(resources, "_read_text", lambda name: "go\twent\n")
    with pytest.raises(DataError, match="line 1"):
        resources._load_irregular()


def test_unknown_confusion_key_raises_data_error(monkeypatch):
    bad = '{"rules": [{"id": "X", "words": "a", "suggest": "b", "message": "m", "nxt": ["c"]}]}'
    monkeypatch.setattr(resources, "_read_text", lambda name: bad)
    with pytest.raises(DataError, match="unknown keys"):
        resources._load_confusions()
