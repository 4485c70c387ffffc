import json
import math
from pathlib import Path

import pytest

from assessor.errors import DataError
from assessor.scoring import usage
from assessor.scoring.nlp import get_nlp
from assessor.training import usage as T
from assessor.training.corpora import Sample, corrected

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
needs_shared = pytest.mark.skipif(
    not (SHARED / "data" / "fce" / "json").is_dir(),
    reason=f"learner corpora not found at {SHARED}/data")

# A tiny invented corpus: articles and prepositions in fixed contexts.
TINY = [
    "I went to the airport by bus.", "She is a doctor in the city.", "He lives in London.",
    "We talked about the problem with the manager.", "They arrived at the station at night.",
    "I am interested in music.", "She is good at maths.", "He works in a bank in London.",
] * 4


@pytest.mark.parametrize("text, edits, expected", [
    ("I live at London.", [(7, 9, "in", "RT")], "I live in London."),
    ("She is doctor.", [(7, 7, "a ", "MD")], "She is a doctor."),
    # Uncorrected marks keep the text, but corrections nested inside them apply;
    # of two overlapping corrections the first wins.
    ("He go home.", [(3, 5, None, "")], "He go home."),
    ("He go to home.", [(0, 13, None, "CE"), (6, 9, "", "UT")], "He go home."),
    ("He go to home.", [(3, 13, "goes home", "R"), (6, 9, "", "UT")], "He goes home."),
    ("No edits here.", [], "No edits here."),
])
def test_corrected(text, edits, expected):
    assert corrected(Sample("fce", "x", text, "g", edits=edits)) == expected


def test_fit_on_a_tiny_corpus_learns_the_contexts(tmp_path):
    nlp = get_nlp()
    data = T.fit_model(list(nlp.pipe(TINY)), min_count=1)
    assert set(data["models"]) == {"article", "prep"}
    assert data["examples"]["prep"] >= len(TINY)
    model = usage.UsageModel(json.loads(json.dumps(data)))  # survives the round trip to disk
    (live,) = [s for s in usage.suspicions(nlp("He lives at London."), model, 0.5) if s.kind == "prep"]
    assert (live.observed, live.expected) == ("at", "in")
    feats = usage.usage_features(nlp("She is good in maths."), model)
    assert all(math.isfinite(v) for v in feats.values())


def test_fit_needs_two_choices():
    with pytest.raises(DataError):
        T.fit_kind([("h=x",), ("h=y",)], ["a", "a"], [0, 1], budget=1000)


def test_pruning_keeps_the_budget():
    nlp = get_nlp()
    data = T.fit_model(list(nlp.pipe(TINY)), budgets={"article": 300, "prep": 300}, min_count=1)
    for spec in data["models"].values():
        assert len(json.dumps(spec["features"], separators=(",", ":"))) <= 300
        assert 0 < spec["neutral_nll"] < 5


def test_crossfit_never_scores_a_writer_with_a_model_that_saw_them(tmp_path, monkeypatch):
    nlp = get_nlp()
    samples = [Sample("fce", f"s{i}", f"{text} It was day {i}.", f"w{i % 6}", edits=[(0, 0, "", "")])
               for i, text in enumerate(TINY)]
    samples.append(Sample("ellipse", "e", "I live at London.", "p"))  # no edits: trains nothing
    group_of = {s.text: s.group for s in samples}
    trained_on = []
    fit = T.fit_model

    def recording_fit(docs, *args, **kwargs):
        trained_on.append({group_of[d.text] for d in docs})
        return fit(docs, min_count=1)

    monkeypatch.setattr(T, "fit_model", recording_fit)
    scored = {}
    for model, indices in T.crossfit_models(samples, tmp_path):
        scored.update({i: trained_on[-1] for i in indices})
    assert sorted(scored) == list(range(len(samples)))
    assert all(samples[i].group not in groups for i, groups in scored.items())
    rows = T.crossfit_features(samples, list(nlp.pipe(s.text for s in samples)), tmp_path)
    assert len(rows) == len(samples)
    assert all(r and all(k.startswith("use_") and math.isfinite(v) for k, v in r.items()) for r in rows)


@needs_shared
@pytest.mark.shared
def test_corpora_carry_their_edits():
    from assessor.training.corpora import load_fce
    samples = load_fce(SHARED)
    assert sum(len(s.edits) for s in samples) > 10_000
    assert {code for s in samples for *_, code in s.edits} >= {"MD", "UD", "RD", "RT", "MT", "UT"}
    assert all(corrected(s) != s.text for s in samples[:50] if s.edits)
