import csv
from pathlib import Path

import numpy as np
import pytest

from assessor.errors import DataError
from assessor.scoring.types import CEFR_LEVELS
from assessor.training import wordlevels as W

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
TABLE = ROOT / "assessor" / "data" / "wordlevels" / "word_levels.tsv"
needs_shared = pytest.mark.skipif(
    not (SHARED / "data" / "olp-cefrj").is_dir(),
    reason=f"reference word lists not found at {SHARED}/data/olp-cefrj")


def _write_reference(folder: Path, cefrj_rows: list[str], octanove_rows: list[str]) -> Path:
    data = folder / "data" / "olp-cefrj"
    data.mkdir(parents=True)
    (data / W.REFERENCE_FILES[0]).write_text(
        "headword,pos,CEFR,CoreInventory 1,CoreInventory 2,Threshold\n" + "\n".join(cefrj_rows))
    (data / W.REFERENCE_FILES[1]).write_text("headword,pos,CEFR,notes\n" + "\n".join(octanove_rows))
    return folder


# Invented rows in the lists' format: (rows, expected entries).
@pytest.mark.parametrize("cefrj, octanove, expected", [
    (["colour/color,noun,A1,,,"], [], {("colour", "NOUN", 1), ("color", "NOUN", 1)}),
    (["run,verb,A1,,,", "run,noun,B1,,,"], [], {("run", "VERB", 1), ("run", "NOUN", 3)}),
    # The same entry in both lists keeps the lower level.
    (["quaint,adjective,B2,,,"], ["quaint,adjective,C1,"], {("quaint", "ADJ", 4)}),
    # Multi-word entries and unknown levels are skipped; odd POS become "other".
    (["look after,verb,A2,,,", "the,determiner,A1,,,", "odd,noun,X9,,,"], [],
     {("the", "other", 1)}),
])
def test_load_reference(tmp_path, cefrj, octanove, expected):
    entries = W.load_reference(_write_reference(tmp_path, cefrj, octanove))
    assert {(e.lemma, e.pos, e.level) for e in entries} == expected


def test_load_reference_missing_raises(tmp_path):
    with pytest.raises(DataError):
        W.load_reference(tmp_path)


@pytest.mark.parametrize("pred, gold, exact, within_one", [
    ([1, 2, 3, 4], [1, 2, 3, 4], 1.0, 1.0),
    ([1, 2, 3, 4], [2, 3, 4, 6], 0.0, 0.75),
    ([6, 6, 1, 1], [6, 5, 1, 3], 0.5, 0.75),
])
def test_agreement(pred, gold, exact, within_one):
    out = W.agreement(np.array(pred), np.array(gold))
    assert (out["exact"], out["within_one"]) == (exact, within_one)
    assert sum(b["n"] for b in out["by_level"].values()) == len(gold)


@pytest.mark.parametrize("word, misspelt", [
    ("thier", True), ("recieve", True), ("alot", True),
    ("their", False), ("colour", False), ("organisation", False), ("travelled", False),
    ("centre", False), ("tv", False), ("manatee", False),
])
def test_misspelling_filter(misspelling_filter, word, misspelt):
    assert misspelling_filter(word) is misspelt


@pytest.fixture(scope="module")
def feat():
    return W.Featurizer()


@pytest.fixture(scope="module")
def misspelling_filter(feat):
    return W.MisspellingFilter(feat)


def test_feature_row_matches_names(feat):
    row = feat.row("cat", "NOUN")
    assert len(row) == len(feat.names())
    named = dict(zip(feat.names(), row))
    assert named["pos_NOUN"] == 1.0 and named["pos_VERB"] == 0.0
    assert named["zipf"] > feat.zipf("serendipity")


def test_shipped_table_is_well_formed():
    assert TABLE.stat().st_size < 2_000_000
    with TABLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    keys = {(r["lemma"], r["pos"]) for r in rows}
    assert len(keys) == len(rows) > 20_000
    assert {r["pos"] for r in rows} <= set(W.COARSE)
    assert {r["level"] for r in rows} == set(CEFR_LEVELS)


@needs_shared
@pytest.mark.shared
def test_shipped_table_is_predicted_not_copied():
    with TABLE.open(encoding="utf-8", newline="") as fh:
        shipped = {(r["lemma"], r["pos"]): r["level"] for r in csv.DictReader(fh, delimiter="\t")}
    entries = [e for e in W.load_reference(SHARED) if (e.lemma, e.pos) in shipped]
    differ = sum(shipped[(e.lemma, e.pos)] != CEFR_LEVELS[e.level - 1] for e in entries)
    assert len(entries) > 5_000
    assert differ > 0  # a copy would agree everywhere


@needs_shared
@pytest.mark.shared
@pytest.mark.slow
def test_cross_validation_beats_chance_and_reports_every_level():
    entries = W.load_reference(SHARED)[::6]  # a sixth keeps this under a minute
    cv, baseline = W.cross_validate(entries, W.Featurizer(), folds=3)
    assert cv["n"] == baseline["n"] == len(entries)
    assert set(cv["by_level"]) == set(CEFR_LEVELS)
    # Chance among six bands is 1/6 exact, about 1/2 within one.
    assert cv["exact"] > 0.5 and cv["within_one"] > 0.85
