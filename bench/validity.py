"""Validity benchmark: agreement with human raters on writers and prompts the model never saw.

    python bench/validity.py --shared ../shared

Every figure is out of fold: W&I grouped by writer, ELLIPSE grouped by prompt
(5 folds), FCE never used in training at all. Writes bench/out/validity.json.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.scoring.levelmodel import load_model  # noqa: E402
from assessor.training.levels import HEADS, load_stacked, train_head  # noqa: E402
from assessor.training.metrics import cefr_report, regression_report  # noqa: E402


def _conditional(err: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Error minus the mean error of every text with the same human score.

    A model that agrees imperfectly pulls every extreme towards the middle, so
    a group whose raters' mean is high looks under-rated even when the model
    treats it exactly like anyone else at the same true level. Conditioning on
    the human score separates that shrinkage from bias against the group.
    """
    out = np.asarray(err, float).copy()
    for v in np.unique(y):
        out[y == v] -= out[y == v].mean()
    return out


def _by_group(samples, idx, err, key, y):
    groups = defaultdict(list)
    cond = _conditional(err, np.asarray(y))
    for i, e, c in zip(idx, err, cond):
        groups[samples[i].meta.get(key, "") or "unknown"].append((e, c))
    return {g: {"n": len(v), "mean_signed_error": round(float(np.mean([e for e, _ in v])), 3),
                "conditional_error": round(float(np.mean([c for _, c in v])), 3)}
            for g, v in sorted(groups.items()) if len(v) >= 20}


GUARD_BANDS = (0.0, 0.1, 0.25, 0.5)


def _guard_band(y: np.ndarray, p: np.ndarray, bar: float = 3.5) -> dict:
    """What a pass margin above the B2 bar trades: fewer false passes for more
    able writers held back (as "trainable", sent to human review)."""
    human = y >= bar
    out = {}
    for m in GUARD_BANDS:
        passed = p >= bar + m
        out[f"{m:g}"] = {"agreement": round(float(np.mean(human == passed)), 3),
                         "false_pass_rate": round(float(np.mean(passed[~human])), 3),
                         "false_fail_rate": round(float(np.mean(~passed[human])), 3),
                         "held_for_review": round(float(np.mean((p >= bar) & ~passed)), 3)}
    return out


def _largest_tie(levels: np.ndarray, lo: float, hi: float) -> float:
    """Share of texts on the most common 0-100 score, as the run time reports it."""
    from collections import Counter
    from assessor.scoring.levelmodel import _soft_bounds
    from assessor.scoring.types import level_to_score
    scores = Counter(level_to_score(round(_soft_bounds(float(v), lo, hi), 3)) for v in levels)
    return round(scores.most_common(1)[0][1] / len(levels), 4)


def _fce(ds, model_path: Path | None) -> dict:
    from scipy.stats import spearmanr
    model = load_model(model_path)
    rows = [{n: ds.X[i, j] for j, n in enumerate(ds.names)} for i in range(len(ds.samples))]
    pred = np.array([model.predict("overall", r) for r in rows])
    keep = [i for i, s in enumerate(ds.samples) if "band" in s.labels]
    band = np.array([ds.samples[i].labels["band"] for i in keep])
    p = pred[keep]
    slope, icept = np.polyfit(p, band, 1)
    # Residual of the band in CEFR-level units: positive = the model rates
    # this group higher than the examiners did.
    err = (p - (band - icept) / slope)
    return {"n": len(keep), "spearman_band": float(spearmanr(p, band)[0]),
            "by_l1_level_units": _by_group(ds.samples, keep, err, "l1", band)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "cache")
    ap.add_argument("--model", type=Path, default=None)
    args = ap.parse_args()
    if not (args.shared / "data").exists():
        print(f"no shared data at {args.shared}", file=sys.stderr)
        return 2
    # The same stacked features as training; FCE only receives predictions.
    data, _ = load_stacked(args.shared, args.cache, extra=("fce",))
    out: dict = {}
    for head, corpus, label, lo, hi in HEADS:
        _, _, oof, y, keep = train_head(data[corpus], label, head, lo, hi)
        rep = cefr_report(y, oof) if corpus == "wi" else regression_report(y, oof)
        if head == "overall":
            rep["guard_band"] = _guard_band(y, oof)
            rep["largest_tie_share"] = _largest_tie(oof, lo, hi)
        if corpus == "ellipse":
            for key in ("gender", "race_ethnicity", "SES", "grade"):
                rep[f"by_{key}"] = _by_group(data[corpus].samples, keep, oof - y, key, y)
        out[head] = rep
    out["fce"] = _fce(data["fce"], args.model)
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "validity.json").write_text(json.dumps(out, indent=2))
    _print(out)
    return 0


def _print(out: dict) -> None:
    for head, rep in out.items():
        flat = {k: v for k, v in rep.items() if isinstance(v, float)}
        print(f"{head:18s} " + ", ".join(f"{k}={v:.3f}" for k, v in flat.items()))
        for k, v in rep.items():
            if k == "guard_band":
                for m, d in v.items():
                    print(f"    pass margin {m}: " + ", ".join(f"{a}={b:.3f}" for a, b in d.items()))
            elif isinstance(v, dict):
                worst = max(v.items(), key=lambda kv: abs(kv[1]["mean_signed_error"]))
                print(f"    {k}: " + ", ".join(
                    f"{g}={d['mean_signed_error']:+.3f}/{d['conditional_error']:+.3f}(n={d['n']})"
                    for g, d in v.items()) + f"  | worst {worst[0]} (raw/conditional on the human score)")


if __name__ == "__main__":
    sys.exit(main())
