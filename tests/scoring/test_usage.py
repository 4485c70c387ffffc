import json
import math

import pytest

from assessor.errors import ModelError
from assessor.scoring import usage
from assessor.scoring.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def _slot(nlp, sentence: str, word: str) -> tuple[usage.Slot, dict[str, float]]:
    doc = nlp(sentence)
    start = sentence.index(f" {word} ") + 1
    for slot, probs in usage._scored(doc, usage.get_model()):
        if slot.start == start:
            return slot, probs
    raise AssertionError(f"no slot at {word!r} in {sentence!r}")


# Slots and the writer's choice: (sentence, expected (kind, observed) in order).
@pytest.mark.parametrize("sentence, expected", [
    ("She bought a car and the car was red.", [("article", "a"), ("article", "the")]),
    ("I like cats.", [("article", "none")]),
    # Other determiners are not article slots; compounds are part of their head's phrase.
    ("This car is my car and some cars are fast.", []),
    ("The bus station is near.", [("article", "the")]),
    ("He arrived at the office on Monday.", [("prep", "at"), ("article", "the"), ("prep", "on")]),
    # Subordinators are not prepositions; rare prepositions are not modelled.
    ("I left after he came, amid applause.", [("article", "none")]),
])
def test_slots(nlp, sentence, expected):
    assert [(s.kind, s.observed) for s in usage.slots(nlp(sentence))] == expected


# Clear misuses: (sentence, the misused word, a better choice).
@pytest.mark.parametrize("sentence, word, better", [
    ("I want to be the doctor in future .", "the", "a"),
    ("She arrived to the airport late .", "to", "at"),
    ("He is good in maths and physics .", "in", "at"),
    ("I live at London with my family .", "at", "in"),
    ("We discussed about the problem yesterday .", "about", None),
    ("I am interested on the job you advertised .", "on", "in"),
])
def test_misuses_are_unlikely(nlp, sentence, word, better):
    slot, probs = _slot(nlp, sentence, word)
    assert probs[slot.observed] < 0.2, probs
    if better is not None:
        assert probs[better] > probs[slot.observed]


# Correct sentences: (sentence, word whose choice is likely).
@pytest.mark.parametrize("sentence, word", [
    ("I want to be a doctor in the future .", "a"),
    ("She arrived at the airport late .", "at"),
    ("He is good at maths and physics .", "at"),
    ("I live in London with my family .", "in"),
    ("I am interested in the job you advertised .", "in"),
    ("Thank you for your letter .", "for"),
])
def test_correct_choices_are_likely(nlp, sentence, word):
    slot, probs = _slot(nlp, sentence, word)
    assert probs[slot.observed] >= 0.3, probs
    assert not [s for s in usage.suspicions(nlp(sentence)) if s.start == slot.start]


@pytest.mark.parametrize("text", ["", "Yes.", "Yes, I will.", "12345"])
def test_features_are_neutral_without_slots(nlp, text):
    out = usage.usage_features(nlp(text))
    model = usage.get_model()
    assert out["use_art_nll"] == pytest.approx(model.kinds["article"].neutral_nll)
    assert out["use_prep_nll"] == pytest.approx(model.kinds["prep"].neutral_nll)
    assert out["use_art_surprise_per100"] == out["use_prep_surprise_per100"] == 0.0


def test_features_are_finite_and_higher_for_misuse(nlp):
    good = usage.usage_features(nlp("I live in London. I want to be a doctor in the future. "
                                    "She arrived at the airport and was interested in the job."))
    bad = usage.usage_features(nlp("I live at London. I want to be the doctor in future. "
                                   "She arrived to airport and was interested on job."))
    assert all(k.startswith("use_") and math.isfinite(v) for k, v in {**good, **bad}.items())
    assert bad["use_art_nll"] > good["use_art_nll"]
    assert bad["use_prep_nll"] > good["use_prep_nll"]
    assert bad["use_prep_surprise_per100"] > good["use_prep_surprise_per100"]


def test_suspicions_carry_spans_and_the_likely_choice(nlp):
    text = "I live at London."
    (sus,) = [s for s in usage.suspicions(nlp(text)) if s.kind == "prep"]
    assert (text[sus.start:sus.end], sus.observed, sus.expected) == ("at", "at", "in")
    assert 0.0 <= sus.probability < usage.get_model().threshold



def test_shipped_model_is_small_and_licensed():
    assert usage.MODEL_PATH.stat().st_size < 3_200_000
    readme = (usage.MODEL_PATH.parent / "README.md").read_text()
    assert "non-commercial" in readme and "FCE" in readme and "W&I" in readme


@pytest.mark.parametrize("content, message", [
    ("{not json", "malformed"),
    (json.dumps({"format": "other/9", "models": {}}), "format"),
    (json.dumps({"format": usage.FORMAT, "models": {"prep": {"classes": ["in"]}}}), "malformed"),
])
def test_broken_model_files_are_model_errors(tmp_path, content, message):
    path = tmp_path / "m.json"
    path.write_text(content)
    with pytest.raises(ModelError, match=message):
        usage.load_model(path)


def test_missing_model_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="missing"):
        usage.load_model(tmp_path / "nope.json")
