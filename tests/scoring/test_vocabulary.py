import json

import pytest

from assessor.errors import DataError
from assessor.scoring import vocabulary as V
from assessor.scoring.nlp import get_nlp
from assessor.scoring.types import CEFR_LEVELS


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def _level_of(prof, text):
    return next(w.level for w in prof.words if w.text == text)


def _within(level, around, spread=1):
    return abs(CEFR_LEVELS.index(level) - CEFR_LEVELS.index(around)) <= spread


# Everyday words any list puts at A1; rarer words the CEFR-J / Octanove lists
# put at C1-C2. The table is predicted, so one band either way is accepted.
@pytest.mark.parametrize("text, word, expected", [
    ("My cat sleeps on the sofa.", "cat", "A1"),
    ("We live in a big house.", "house", "A1"),
    ("She is happy today.", "happy", "A1"),
    ("I eat breakfast every morning.", "eat", "A1"),
    ("Please call me tomorrow.", "tomorrow", "A1"),
    ("The printer was broken, so we had to repair it.", "repair", "A2"),
    ("Our team will resolve the complaint promptly.", "resolve", "B2"),
    ("Smartphones have become ubiquitous in modern life.", "ubiquitous", "C2"),
    ("His explanation was rather ambiguous.", "ambiguous", "C1"),
    ("The manager tried to mitigate the damage.", "mitigate", "C2"),
])
def test_levels_of_known_words(nlp, text, word, expected):
    assert _within(_level_of(V.profile(nlp(text)), word), expected)


@pytest.mark.parametrize("text, word", [
    ("Maria called the office yesterday.", "Maria"),
    ("I ordered 25 boxes last week.", "25"),
    ("The blorptastic device stopped working.", "blorptastic"),
    ("We recieved your email this morning.", "recieved"),  # common misspelling
    ("Write to help@example.com for a refund.", "help@example.com"),
])
def test_names_numbers_and_unknown_strings_are_off_list(nlp, text, word):
    prof = V.profile(nlp(text))
    assert _level_of(prof, word) == V.OFF_LIST
    assert prof.distribution[V.OFF_LIST] >= 1


@pytest.mark.parametrize("text", [
    "Thank you for contacting us about your order.",
    "I am sorry that the delivery was late; we will refund the shipping cost immediately.",
    "Customers appreciate prompt, courteous and knowledgeable assistance from agents.",
])
def test_distribution_sums_to_content_tokens(nlp, text):
    prof = V.profile(nlp(text))
    assert prof.content_tokens > 0
    assert sum(prof.counts) == prof.content_tokens
    assert sum(prof.distribution.values()) == prof.content_tokens
    assert sum(prof.proportions.values()) == pytest.approx(1.0, abs=1e-3)
    assert set(prof.distribution) == set(V.BANDS)


def test_empty_doc(nlp):
    prof = V.profile(nlp(""))
    assert prof.content_tokens == 0
    assert prof.counts == (0,) * len(V.BANDS)
    assert all(p == 0.0 for p in prof.proportions.values())
    assert (prof.mtld, prof.mattr, prof.mean_zipf, prof.mean_level) == (None, None, None, None)
    assert prof.advanced == () and prof.overused == ()


REPETITIVE = "The product is good. " * 12
VARIED = ("Thank you for reaching out about the delayed parcel. I have checked the tracking "
          "record, and the courier confirms that it left the warehouse on Monday. Unfortunately, "
          "a storm disrupted several routes, which explains the delay. Your package should arrive "
          "within two working days; if it does not, reply to this message and I will arrange "
          "a full refund or a free replacement, whichever you prefer.")


def test_mtld_ranks_varied_text_above_repetitive_text(nlp):
    rep, var = V.profile(nlp(REPETITIVE)), V.profile(nlp(VARIED))
    assert rep.mtld < var.mtld
    assert rep.mattr < var.mattr


@pytest.mark.parametrize("tokens, expected", [
    ([], None),
    (["a", "b", "c", "d"], 4.0),  # never falls to the threshold: length itself
    # "a b a" drops to 2/3 < 0.72: six full factors of three, and "a b" adds none.
    (["a", "b"] * 10, round(20 / 6, 2)),
])
def test_mtld_values(tokens, expected):
    assert V.mtld(tokens) == expected


def test_mtld_does_not_punish_length():
    pattern = ["we", "check", "the", "order", "and", "reply", "to", "you", "soon", "today"]
    short, long = V.mtld(pattern * 5), V.mtld(pattern * 50)
    # A plain type-token ratio falls tenfold here; MTLD stays put.
    assert short == pytest.approx(long, rel=0.2)


@pytest.mark.parametrize("tokens, expected", [
    (["a", "b", "a", "c"], 0.75),           # shorter than a window: plain TTR
    ([str(i) for i in range(120)], 1.0),    # every window all distinct
    (["x"] * 60, 1 / 50),                   # one type per 50-token window
])
def test_mattr_values(tokens, expected):
    assert V.mattr(tokens) == pytest.approx(expected, abs=1e-4)


def test_overused_basic_words_get_alternatives(nlp):
    prof = V.profile(nlp("The food was good and the service was good. It was a very very nice day."))
    overused = {o.lemma: o for o in prof.overused}
    assert overused["good"].count == 2
    assert overused["very"].count == 2
    assert "nice" not in overused  # used once
    assert all(a.level in CEFR_LEVELS for a in overused["good"].alternatives)


def test_advanced_words_and_sophistication(nlp):
    basic = V.profile(nlp("I like my job. My boss is nice. I go to work by bus every day."))
    rich = V.profile(nlp("The consultant scrutinised the ambiguous contractual provisions meticulously."))
    assert basic.advanced == ()
    assert "ambiguous" in rich.advanced
    assert rich.mean_zipf < basic.mean_zipf
    assert rich.rare_share > basic.rare_share
    assert rich.mean_level > basic.mean_level


def test_to_dict_is_json_serialisable(nlp):
    data = V.profile(nlp(VARIED)).to_dict()
    assert json.loads(json.dumps(data))["distribution"] == data["distribution"]
    assert data["content_tokens"] == len(data["words"])


def test_alternatives_are_listed_words_above_the_basic_word(nlp):
    data = V.get_word_data()
    raw = json.loads((V.DATA_DIR / "alternatives.json").read_text(encoding="utf-8"))
    for basic, entry in raw["words"].items():
        pos = entry["pos"]
        basic_level = data.level(basic, pos)
        assert basic_level is not None, basic
        for alt in entry["alternatives"]:
            if " " in alt["word"]:
                continue
            # Alternatives may be inflected ("supplies"); the table holds lemmas.
            table_level = data.level(alt["word"], pos)
            if table_level is None:
                table_level = data.level(nlp(alt["word"])[0].lemma_.lower(), pos)
            assert table_level is not None, alt["word"]
            hand_level = CEFR_LEVELS.index(alt["level"])
            # Hand-written and predicted levels may differ by one band, no more.
            assert abs(table_level - hand_level) <= 1, (basic, alt, CEFR_LEVELS[table_level])
            assert hand_level > basic_level, (basic, alt)


def test_missing_data_raises_data_error(tmp_path):
    with pytest.raises(DataError):
        V.WordData(tmp_path)


def test_malformed_alternatives_raise_data_error(tmp_path):
    (tmp_path / "word_levels.tsv").write_text("lemma\tpos\tlevel\ncat\tNOUN\tA1\n")
    (tmp_path / "alternatives.json").write_text(json.dumps(
        {"min_repeats": 2, "words": {"good": {"alternatives": [{"word": "fine", "level": "Z9"}]}}}))
    with pytest.raises(DataError):
        V.WordData(tmp_path)
