"""The speller: US dictionary, British spellings, names, codes and links left alone."""
from __future__ import annotations

import pytest

from assessor.scoring.nlp import get_nlp
from assessor.scoring.spelling import Speller, default_speller


@pytest.fixture(scope="module")
def speller() -> Speller:
    return default_speller()


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.mark.parametrize("word, known", [
    ("receive", True), ("government", True), ("customer", True),
    # British spellings (derived from US forms, checked against wordfreq)
    ("colour", True), ("organisation", True), ("organisational", True), ("centre", True),
    ("analysed", True), ("catalogue", True), ("travelled", True), ("programme", True),
    ("defence", True), ("licence", True), ("judgement", True), ("apologise", True),
    # common words wordfreq knows though the US dictionary does not
    ("gonna", True), ("cafes", True), ("dreamt", True),
    # learner misspellings, some of which wordfreq has seen a few times
    ("recieve", False), ("definately", False), ("goverment", False), ("becuase", False),
    ("wich", False), ("thier", False), ("untill", False), ("teh", False), ("beatiful", False),
    ("enviroment", False), ("helpfull", False), ("colourr", False),
])
def test_is_known(speller, word, known):
    assert speller.is_known(word) is known


@pytest.mark.parametrize("word, first", [
    ("recieve", "receive"), ("goverment", "government"), ("Becuase", "Because"),
    ("comercial", "commercial"), ("lenght", "length"),
])
def test_suggestions_edit_distance_one(speller, word, first):
    assert speller.suggestions(word)[0] == first


@pytest.mark.parametrize("text, expected", [
    ("I recieved the pakage yesterday.", ["recieved", "pakage"]),
    ("Becuase of the delay, we apologise.", ["Becuase"]),
    # names, abbreviations, codes, numbers, links and e-mail addresses are not checked
    ("My name is Marivic Dizon and I live in Quezon City.", []),
    ("Your order ORD-48213 and ticket AB12CD ship at 5pm.", []),
    ("Write to marivic.dizon@example.com or see https://example.com/faq.", []),
    ("The NTC and DTI rules apply, see www.example.ph for more.", []),
    # short quotations and the sign-off line hold names and foreign words
    ("We ate \"bacalhau na brasa\" there.", []),
    ("Kind regards,\nMarivic", []),
    # contractions split by the tokenizer are not words to check
    ("I dont know and I cant say.", []),
])
def test_misspellings(speller, nlp, text, expected):
    found = speller.misspellings(nlp(text))
    assert [m.word for m in found] == expected
    for m in found:
        assert text[m.offset:m.offset + m.length] == m.word


def test_default_speller_is_shared():
    assert default_speller() is default_speller()
