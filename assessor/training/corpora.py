"""Loaders for the rated corpora in ``../shared/data`` (never shipped).

Each loader returns :class:`Sample` records with the text, a group key for
grouped cross-validation (writer, script or prompt) and the labels the corpus
has. Texts are read, never copied anywhere.
"""
from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError

# W&I fine-grained labels → continuous level on the A1=1 … C2=6 scale: the
# ".i" half of a band sits below its centre, ".ii" above.
_WI_SUB = {"i": -0.25, "ii": 0.25}


@dataclass
class Sample:
    corpus: str
    id: str
    text: str
    group: str
    labels: dict[str, float] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    #: Gold corrections of annotator 0 as (start, end, correction, code):
    #: character offsets into ``text``; correction None = marked but left
    #: uncorrected; code is the CLC error code (FCE) or "" (W&I json has none).
    edits: list[tuple[int, int, str | None, str]] = field(default_factory=list)


def wi_level(label: str) -> float:
    if label.startswith("C2+"):
        return 6.25
    base, _, sub = label.partition(".")
    levels = ["A1", "A2", "B1", "B2", "C1", "C2"]
    return levels.index(base) + 1 + _WI_SUB.get(sub, 0.0)


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataError(f"{path} not found; pass --shared pointing at the shared data folder")
    return path


def _edits(rec: dict) -> list[tuple[int, int, str | None, str]]:
    """Annotator 0's edits of a BEA-2019 json record, in text order."""
    if not rec.get("edits"):
        return []
    edits = [(e[0], e[1], e[2], e[3] if len(e) > 3 else "") for e in rec["edits"][0][1]]
    return sorted(edits, key=lambda e: (e[0], e[1]))


def corrected(sample: Sample) -> str:
    """The text with its gold edits applied. An uncorrected mark keeps the
    original but lets the corrections nested inside it apply (FCE marks whole
    unclear sentences this way); of two overlapping corrections the first wins."""
    parts, cursor = [], 0
    for start, end, correction, _ in sample.edits:
        if start < cursor or correction is None:
            continue
        parts += [sample.text[cursor:start], correction]
        cursor = end
    parts.append(sample.text[cursor:])
    return "".join(parts)


def load_wi(shared: Path) -> list[Sample]:
    samples = []
    for part in "ABC":
        path = _require(shared / "data" / "wi-locness" / "json" / f"{part}.train.json")
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            writer = rec.get("userid") or f"anon-{rec['id']}"
            samples.append(Sample("wi", rec["id"], rec["text"], f"wi:{writer}",
                                  {"cefr": wi_level(rec["cefr"])}, {"cefr": rec["cefr"]},
                                  _edits(rec)))
    return samples


def load_ellipse(shared: Path) -> list[Sample]:
    path = _require(shared / "data" / "ellipse" / "ellipse_calibration.csv")
    samples = []
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for rec in csv.DictReader(fh):
            labels = {k.lower(): float(rec[k]) for k in
                      ("Overall", "Grammar", "Vocabulary", "Syntax", "Phraseology", "Conventions", "Cohesion")}
            meta = {k: rec[k] for k in ("gender", "grade", "race_ethnicity", "SES", "prompt")}
            samples.append(Sample("ellipse", rec["text_id_kaggle"], rec["full_text"],
                                  f"ellipse:{rec['prompt']}", labels, meta))
    return samples


_BAND = re.compile(r"^([0-5])\.([1-3])T?$")


def fce_band(label: str | None) -> float | None:
    """Examiner band such as ``'3.2'`` → 3 + (2-2)/3 = 3.0; None if malformed."""
    m = _BAND.match(label or "")
    if not m:
        return None
    return int(m.group(1)) + (int(m.group(2)) - 2) / 3.0


def load_fce(shared: Path, split: str = "train") -> list[Sample]:
    path = _require(shared / "data" / "fce" / "json" / f"fce.{split}.json")
    samples = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        band = fce_band(rec.get("answer-s"))
        labels = {"band": band} if band is not None else {}
        if str(rec.get("script-s", "")).isdigit():
            labels["script"] = float(rec["script-s"])
        samples.append(Sample("fce", f"{rec['id']}#{rec.get('q', i)}", rec["text"],
                              f"fce:{rec['id']}", labels,
                              {"l1": rec.get("l1", ""), "age": rec.get("age", "")}, _edits(rec)))
    return samples


LOADERS = {"wi": load_wi, "ellipse": load_ellipse, "fce": load_fce}
