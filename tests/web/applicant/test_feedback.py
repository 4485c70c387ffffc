"""Feedback building blocks: highlighting by offsets, vocabulary advice,
practice tips, and the shipped descriptor data."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from assessor.scoring.types import CATEGORIES, CEFR_LEVELS
from assessor.web.applicant.feedback import descriptors, pieces, practice, vocabulary_advice


def _issue(offset, length, category="grammar"):
    return {"offset": offset, "length": length, "category": category}


@pytest.mark.parametrize("text, issues, expected", [
    ("I has a cat.", [_issue(2, 3)], [("I ", None), ("has", 1), (" a cat.", None)]),
    ("Teh end", [_issue(0, 3, "spelling")], [("Teh", 1), (" end", None)]),
    ("ab cd ef", [_issue(0, 2), _issue(6, 2)], [("ab", 1), (" cd ", None), ("ef", 2)]),
    # An issue overlapping an earlier highlight is listed, not marked twice.
    ("abcdef", [_issue(0, 4), _issue(2, 3)], [("abcd", 1), ("ef", None)]),
    # Offsets past the end (a stale result) never break the page.
    ("short", [_issue(10, 2)], [("short", None)]),
    ("clip me", [_issue(5, 10)], [("clip ", None), ("me", 1)]),
    ("", [], []),
    # Offsets are into the original text, so non-ASCII text keeps its place.
    ("Café olé is nise", [_issue(12, 4, "spelling")], [("Café olé is ", None), ("nise", 1)]),
])
def test_pieces_follow_the_offsets(text, issues, expected):
    got = pieces(text, issues)
    assert [(p.text, p.issue) for p in got] == expected
    assert "".join(p.text for p in got) == text


def _answer(vocab=None, issues=()):
    result = {"issues": list(issues), "details": {"vocabulary": vocab} if vocab else {}}
    return SimpleNamespace(latest_score=SimpleNamespace(result=result))


def test_vocabulary_advice_merges_answers_and_picks_next_level_words():
    first = {"overused": [{"lemma": "good", "count": 3, "alternatives": [
        {"word": "excellent", "level": "B1"}, {"word": "outstanding", "level": "B2"}]}],
        "advanced_words": ["inconvenience"]}
    second = {"overused": [{"lemma": "good", "count": 2, "alternatives": [
        {"word": "outstanding", "level": "B2"}]}, {"lemma": "very", "count": 4, "alternatives": [
            {"word": "extremely", "level": "B2"}]}], "advanced_words": ["inconvenience"]}
    advice = vocabulary_advice([_answer(first), _answer(second)], "B1")
    assert [(o["lemma"], o["count"]) for o in advice["overused"]] == [("good", 5), ("very", 4)]
    assert advice["next_level"] == "B2"
    assert [w["word"] for w in advice["next_words"]] == ["outstanding", "extremely"]
    assert advice["advanced"] == ["inconvenience"] and advice["profiled"] is True


def test_vocabulary_advice_without_profiles_says_so():
    advice = vocabulary_advice([_answer()], None)
    assert advice["profiled"] is False and advice["overused"] == []


@pytest.mark.parametrize("cefr, expected", [("A1", "A2"), ("B2", "C1"), ("C2", "C2")])
def test_next_level_is_one_above_and_capped(cefr, expected):
    assert vocabulary_advice([_answer({"overused": []})], cefr)["next_level"] == expected


def test_practice_lists_the_most_frequent_categories_first():
    issues = [_issue(0, 1, "spelling")] * 3 + [_issue(0, 1, "grammar")]
    tips = practice([_answer(issues=issues)], descriptors())
    assert [t["label"] for t in tips[:2]] == ["Spelling", "Grammar"]
    assert tips[0]["count"] == 3
    assert len(tips) == 2 + len(descriptors()["general_practice"])


def test_descriptor_data_covers_every_level_trait_category_and_decision():
    data = descriptors()
    for level in CEFR_LEVELS:
        for trait in ("name", "overall", "grammar", "vocabulary"):
            assert data["levels"][level][trait].strip(), (level, trait)
    assert set(CATEGORIES) <= set(data["categories"])
    for decision in ("pass", "trainable", "not_yet", "review"):
        assert data["decisions"][decision]["title"] and data["decisions"][decision]["text"]
