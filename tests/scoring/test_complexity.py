import json
import statistics
import time
from pathlib import Path

import pytest

from assessor.errors import DataError
from assessor.scoring import complexity
from assessor.scoring.complexity import Complexity, measure, repetition
from assessor.scoring.nlp import get_nlp


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def m(nlp, text: str) -> Complexity:
    return measure(nlp(text))


@pytest.mark.parametrize("text, sentences, words", [
    ("I like tea. You like coffee.", 2, 6),
    ("Hello!", 1, 1),
    ("Thanks for your email. We will call you, Mr Smith, tomorrow.", 2, 11),
    ("", 0, 0),
])
def test_sentences_and_words(nlp, text, sentences, words):
    c = m(nlp, text)
    assert (c.sentences, c.words) == (sentences, words)


def test_sentence_length_mean_and_sd(nlp):
    c = m(nlp, "I like tea. I like hot green tea very much.")
    assert c.mean_sentence_length == pytest.approx(5.0)
    assert c.sd_sentence_length == pytest.approx(2.0)


@pytest.mark.parametrize("text, form", [
    ("I have finished the report.", "present_perfect"),
    ("He had left before I arrived.", "past_perfect"),
    ("She was reading a book.", "progressive"),
    ("You must call us today.", "modal"),
    ("We will send a new one.", "future"),
    ("If it rains, we will stay home.", "conditional"),
    ("I worked yesterday.", "past"),
    ("He works here.", "present"),
    ("The order was sent on Monday.", "passive"),
    ("Please call us.", "imperative"),
    ("I would have stayed.", "modal_perfect"),
    ("It has been sent.", "present_perfect"),
])
def test_verb_forms(nlp, text, form):
    assert form in m(nlp, text).verb_forms


def test_verb_form_variety_counts_distinct_forms(nlp):
    simple = m(nlp, "I work here. I like it. It is good.")
    varied = m(nlp, "I have worked here since May. I was helping a client when you called. "
                    "If you had asked, I would have stayed. The report was sent.")
    assert simple.verb_form_variety == 1
    assert varied.verb_form_variety >= 5


@pytest.mark.parametrize("text, expected", [
    ("However, the parcel is late.", (("however", "B1"),)),
    ("I came since I was asked.", (("since", "B1"),)),
    ("I have lived here since 2010.", ()),                # preposition, not a connector
    ("It is so good.", ()),                               # intensifier
    ("It rained, so we stayed home.", (("so", "A2"),)),
    ("Even though it rained, we went out.", (("even though", "B1"),)),
    ("This is my first job.", ()),
    ("Therefore, we apologise. Nevertheless, we cannot refund it.",
     (("therefore", "B2"), ("nevertheless", "B2"))),
])
def test_connectors(nlp, text, expected):
    assert m(nlp, text).connectors == expected


def test_connector_count_counts_every_use(nlp):
    c = m(nlp, "I called and I wrote and I waited.")
    assert c.connectors == (("and", "A1"),)
    assert c.connector_count == 2
    assert c.connector_variety == 1


@pytest.mark.parametrize("text, subordinate", [
    ("He is right.", False),
    ("I think that he is right.", True),
    ("The man who called yesterday is angry.", True),
    ("Although it was late, we answered.", True),
])
def test_subordination(nlp, text, subordinate):
    c = m(nlp, text)
    assert (c.subordination_ratio > 0) is subordinate
    assert c.clauses >= 1 + subordinate


def test_coordination(nlp):
    assert m(nlp, "I came and I saw.").coordination_ratio == pytest.approx(0.5)
    assert m(nlp, "I came.").coordination_ratio == 0.0


@pytest.mark.parametrize("text, share", [
    ("The letter was written by John.", 1.0),
    ("John wrote the letter.", 0.0),
])
def test_passive_share(nlp, text, share):
    assert m(nlp, text).passive_share == pytest.approx(share)


@pytest.mark.parametrize("text, expected", [
    ("The car is fast.", 0.0),
    ("The big red car is fast.", 2.0),
    ("The big red car of my father is fast.", 2.0),  # car: big, red, of; father: my
])
def test_np_complexity(nlp, text, expected):
    assert m(nlp, text).np_complexity == pytest.approx(expected)


def test_depth(nlp):
    flat = m(nlp, "Dogs bark.")
    deep = m(nlp, "The customer who ordered the phone that we sent last week says that it "
                  "does not work because the battery is broken.")
    assert (flat.max_depth, flat.mean_depth) == (1, 1.0)
    assert deep.max_depth >= 4 and deep.mean_depth > flat.mean_depth


def test_run_on_and_missing_punctuation(nlp):
    run_on = " ".join(["i am writing to you because i want the money back"] * 5)
    c = m(nlp, run_on)
    assert c.words == 55
    assert c.max_words_without_punct == 55
    assert c.punctuation_per_sentence == 0.0
    assert c.end_punctuation_share == 0.0
    assert c.long_sentence_share > 0
    tidy = m(nlp, "I am writing to you. I want my money back, please.")
    assert tidy.end_punctuation_share == 1.0
    assert tidy.max_words_without_punct == 5
    assert tidy.long_sentence_share == 0.0


@pytest.mark.parametrize("text, share", [
    ("PLEASE HELP ME NOW", 1.0),
    ("Please help me now", 0.0),
    ("I need HELP with my order", 0.2),   # one word of five counted (I is one letter)
])
def test_all_caps_share(nlp, text, share):
    assert m(nlp, text).all_caps_share == pytest.approx(share)


@pytest.mark.parametrize("text, sentence_share, ngram_share", [
    ("I like my job a lot. I like my job a lot.", 0.5, 3 / 9),
    ("I like my job a lot. The team is very kind.", 0.0, 0.0),
    ("Thank you. Thank you.", 0.0, 0.0),   # too short to count as padding
    ("", 0.0, 0.0),
])
def test_repetition(nlp, text, sentence_share, ngram_share):
    for given in (text, nlp(text)):
        r = repetition(given)
        assert r.repeated_sentence_share == pytest.approx(sentence_share)
        assert r.repeated_ngram_share == pytest.approx(ngram_share)
    c = m(nlp, text)
    assert c.repeated_sentence_share == pytest.approx(sentence_share)


def test_to_dict_is_plain_and_rounded(nlp):
    d = m(nlp, "However, I have checked your order. It was sent on Monday.").to_dict()
    assert d["connectors"] == [{"phrase": "however", "cefr": "B1"}]
    assert isinstance(d["verb_forms"], list)
    assert d["words"] == 11
    assert all(round(v, 4) == v for v in d.values() if isinstance(v, float))


@pytest.mark.parametrize("raw", [
    "not json", '{"connectors": [{"phrase": "so"}]}', '{"other": []}',
])
def test_malformed_connectors_file(raw):
    with pytest.raises(DataError):
        complexity._parse_connectors(raw)


def test_shipped_connectors_are_valid():
    index = complexity.connectors_index()
    levels = {c.cefr for opts in index.values() for c in opts}
    assert levels <= {"A1", "A2", "B1", "B2", "C1", "C2"}
    assert {"however", "although", "therefore"} <= set(index)


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "wi-locness").is_dir(),
                                  reason=f"W&I essays not found at {SHARED}/wi-locness")
RISING = ("subordination_ratio", "words_per_clause", "mean_depth", "np_complexity",
          "verb_form_variety", "passive_share", "connector_variety")


@needs_shared
@pytest.mark.shared
@pytest.mark.slow
def test_benchmark_measures_rise_with_cefr_on_wi(nlp):
    """Range grows with level: A1 < B1 < C1 on average for the range measures."""
    rows = [json.loads(line) for part in "ABC"
            for line in open(SHARED / "wi-locness" / "json" / f"{part}.train.json",
                             encoding="utf-8")]
    by_level: dict[str, list[Complexity]] = {}
    per_250 = []
    for row, doc in zip(rows, nlp.pipe([r["text"] for r in rows], batch_size=64)):
        start = time.perf_counter()
        c = measure(doc)
        if c.words >= 100:
            per_250.append((time.perf_counter() - start) / c.words * 250)
        by_level.setdefault(row["cefr"][:2], []).append(c)
    means = {lvl: {k: statistics.mean(getattr(c, k) for c in cs) for k in RISING}
             for lvl, cs in sorted(by_level.items())}
    print("\nlevel n " + " ".join(RISING))
    for lvl, m in means.items():
        print(lvl, len(by_level[lvl]), " ".join(f"{m[k]:.3f}" for k in RISING))
    print(f"measure() per 250 words: median {statistics.median(per_250) * 1000:.2f} ms")
    for key in RISING:
        assert means["A1"][key] < means["B1"][key] < means["C1"][key], key
