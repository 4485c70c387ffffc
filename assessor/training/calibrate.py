"""Fit the level model to an employer's own rated answers.

The default model is calibrated on non-commercial research data (learner
essays), not on an employer's applicants, tasks and raters. With a few
hundred of their own rated answers, an employer re-maps each head's output
onto their raters' scale (``level' = a + b · level``, two numbers per head,
hard to overfit). The new model replaces nothing until cross-validation shows
it agrees with the employer's raters at least as well as the current one.
"""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import KFold

from ..errors import InputError
from ..scoring.levelmodel import LevelModel
from ..scoring.types import CEFR_LEVELS
from .metrics import cefr_report

TRAITS = {"cefr": "overall", "grammar": "grammar", "vocabulary": "vocabulary"}
MIN_ROWS = 30


@dataclass
class Rated:
    ids: list[str]
    texts: list[str]
    labels: dict[str, list[float | None]]


def parse_level(value: str) -> float | None:
    """``B2`` → 4.0, ``B1.ii`` → 3.25, ``3.5`` → 3.5, empty → None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        from .corpora import wi_level
        base = value[:2].upper()
        if base not in CEFR_LEVELS:
            raise InputError(f"{value!r} is not a CEFR level (A1–C2) or a number") from None
        return wi_level(base + value[2:])
    if not 0.5 <= number <= 6.5:
        raise InputError(f"level {number} is outside 0.5–6.5 (A1 = 1 … C2 = 6)")
    return number


def read_rated(path: Path) -> Rated:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "text", "cefr"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"{path} lacks the column(s) {', '.join(sorted(missing))}")
        rated = Rated([], [], {k: [] for k in TRAITS})
        for row in reader:
            try:
                labels = {k: parse_level(row.get(k, "")) for k in TRAITS}
            except InputError as exc:
                raise InputError(f"{path} line {reader.line_num}: {exc}") from exc
            if labels["cefr"] is None:
                raise InputError(f"{path} line {reader.line_num}: the cefr column is empty")
            rated.ids.append(row["id"])
            rated.texts.append(row["text"])
            for k in TRAITS:
                rated.labels[k].append(labels[k])
    if len(rated.ids) < MIN_ROWS:
        raise InputError(f"{path} has {len(rated.ids)} rated answers; at least {MIN_ROWS} are needed")
    return rated


def _linear_cv(pred: np.ndarray, y: np.ndarray, folds: int = 5) -> tuple[np.ndarray, tuple[float, float]]:
    oof = np.zeros(len(y))
    splitter = KFold(min(folds, len(y)), shuffle=True, random_state=0)
    for train, test in splitter.split(pred):
        b, a = np.polyfit(pred[train], y[train], 1)
        oof[test] = a + b * pred[test]
    b, a = np.polyfit(pred, y, 1)
    return oof, (float(a), float(b))


def calibrate(model: LevelModel, raw: dict, features: list[dict | None], rated: Rated) -> tuple[dict, dict]:
    """Return the new model (as JSON data) and the before/after agreement per head."""
    report, new = {}, dict(raw, heads=dict(raw["heads"]))
    for column, head in TRAITS.items():
        rows = [i for i, f in enumerate(features) if f is not None and rated.labels[column][i] is not None]
        if len(rows) < MIN_ROWS:
            continue
        y = np.array([rated.labels[column][i] for i in rows])
        pred = np.array([model.predict(head, features[i]) for i in rows])
        oof, (a, b) = _linear_cv(pred, y)
        before, after = cefr_report(y, pred), cefr_report(y, oof)
        better = after["qwk"] >= before["qwk"] and after["rmse"] <= before["rmse"]
        report[head] = {"n": len(rows), "before": before, "after": after,
                        "applied": better, "a": a, "b": b}
        if better:
            new["heads"][head] = _remap(raw["heads"][head], a, b, float(np.std(y - oof)))
    return new, report


def _remap(head: dict, a: float, b: float, residual_sd: float) -> dict:
    out = dict(head)
    if head.get("knots_y"):
        out["knots_y"] = [a + b * v for v in head["knots_y"]]
    else:
        # a + b·((1-w)·linear + w·trees) = (1-w)·(a + b·linear) + w·(a + b·trees)
        out["coef"] = [b * c for c in head["coef"]]
        out["intercept"] = a + b * head["intercept"]
        if head.get("trees"):
            trees = head["trees"]
            out["trees"] = dict(trees, base=a + b * trees["base"],
                                value=[b * v for v in trees["value"]])
    # The spread the employer's raters see is the honest uncertainty now.
    out["residual_sd"] = residual_sd
    return out
