"""bench/grammar_precision.py: its matching rule, its M2 handling, and (with
../shared) the precision target of the built-in engine."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared"


def _load_bench():
    spec = importlib.util.spec_from_file_location("grammar_precision", REPO / "bench" / "grammar_precision.py")
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the file runs
    sys.modules.setdefault("grammar_precision", module)
    spec.loader.exec_module(module)
    return module


bench = _load_bench()


@pytest.mark.parametrize("start, length, gold, expected", [
    (0, 4, (2, 6), True),      # overlap
    (0, 4, (4, 6), False),     # touching end is not overlap
    (5, 3, (2, 6), True),
    (4, 2, (4, 4), True),      # insertion at the flag's start
    (4, 2, (6, 6), True),      # insertion at the flag's end
    (4, 2, (3, 3), True),      # insertion just before the space ahead of the flag
    (4, 2, (2, 2), False),
    (4, 2, (7, 7), False),
    (10, 0, (10, 11), True),   # zero-length flag counts as one character
])
def test_overlap_rule(start, length, gold, expected):
    assert bench.overlaps(start, length, bench.Gold(gold[0], gold[1], "grammar")) is expected


@pytest.mark.parametrize("tokens, text", [
    (["I", "do", "n't", "know", "."], "I don't know."),
    (["He", "said", '"', "yes", '"', "."], 'He said "yes".'),
    (["It", "costs", "(", "about", ")", "5", "%", ","], "It costs (about) 5%,"),
])
def test_detokenise_keeps_token_spans(tokens, text):
    out, spans = bench.detokenise(tokens)
    assert out == text
    assert [out[s:e] for s, e in spans] == tokens


@pytest.mark.parametrize("original, correction, category, expected", [
    ("monday", "Monday", "grammar", "capitalisation"),
    ("every day", "everyday", "grammar", "typography"),
    (",", ";", "grammar", "punctuation"),
    ("go", "goes", "grammar", "grammar"),
])
def test_refine_category(original, correction, category, expected):
    assert bench.refine(category, original, correction) == expected


def test_wi_alignment_maps_m2_edits_to_characters():
    texts = ["I has a  cat. It’s big.", "Next text."]
    blocks = [(["I", "has", "a", "cat", "."], [(1, 2, "R:VERB:SVA", "have", 0)]),
              (["It", "'s", "big", "."], [(2, 2, "M:ADV", "very", 0)]),
              (["Next", "text", "."], [])]
    out = bench.wi_categories(texts, blocks)
    assert out[0] == [(2, 5, "grammar"), (19, 19, "grammar")]
    assert out[1] == []


@pytest.mark.shared
@pytest.mark.slow
def test_builtin_precision_target_on_gold_edits(tmp_path):
    if not (SHARED / "data" / "wi-locness").is_dir() or not (SHARED / "data" / "conll2014").is_dir():
        pytest.skip(f"needs W&I and CoNLL-2014 data in {SHARED}/data (absent)")
    out = tmp_path / "result.json"
    assert bench.main(["--shared", str(SHARED), "--limit", "20", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    overall = result["sets"]["builtin on both"]["by_category"]["overall"]
    assert overall["flagged"] > 50
    assert overall["precision"] >= 0.75
    assert result["sets"]["LanguageTool 4.0 (recorded) on W&I train"]["texts"] == 60
