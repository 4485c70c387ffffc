"""What a perfect error detector would buy: the level model with the gold error share.

    python bench/error_oracle.py --shared ../shared

W&I and FCE texts carry gold corrections. The share of a text's tokens that a
gold edit touches (the same labels the error-density detector learns from) is
added as a feature of the CEFR overall head, as it is, and blurred with random
noise to a set correlation with itself (the quality a real detector would need
at the level of a whole text). Each variant is measured as in
``bench/validity.py``: W&I out of fold (grouped by writer, recalibrated inside
each fold), FCE never fitted. It also prints the FCE first-language bias of
each variant and, for the groups near the 0.3 line, how their texts differ
from other texts with the same examiner band, so the cause of the bias can be
told apart from missed errors. Writes ``bench/out/error_oracle.json``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.isotonic import IsotonicRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from assessor.training.errordensity import token_labels  # noqa: E402
from assessor.training.levels import _fit, _inner_oof, _predict, _subset, load_stacked, train_head  # noqa: E402
from assessor.training.metrics import cefr_report  # noqa: E402
from validity import _by_group  # noqa: E402

COLUMN = "oracle_error_share"
BLUR = (None, 0.9, 0.8, 0.7)
GROUPS = ("ko", "ja", "zh", "el")


def gold_share(ds) -> np.ndarray:
    """Share of tokens a gold edit touches; NaN where offsets cannot be trusted."""
    out = np.full(len(ds.samples), np.nan)
    for i, (s, doc) in enumerate(zip(ds.samples, ds.docs)):
        labels = token_labels(s, doc)
        if labels is not None and len(labels):
            out[i] = float(labels.mean())
    return out


def blurred(share: np.ndarray, r: float | None, rng) -> np.ndarray:
    if r is None:
        return share
    sigma = np.nanstd(share) * np.sqrt(1 / r ** 2 - 1)
    return share + rng.normal(0.0, sigma, len(share))


def _columns(ds, with_oracle: bool) -> list[int]:
    names = [n for n in _subset(ds.names, "overall") if with_oracle or n != COLUMN]
    return [ds.names.index(n) for n in names]


def _fce(wi, fce, cols: list[int]) -> dict:
    y = np.array([s.labels["cefr"] for s in wi.samples])
    groups = np.array([s.group for s in wi.samples])
    X = wi.X[:, cols]
    fit = _fit(X, y)
    iso = IsotonicRegression(out_of_bounds="clip").fit(_inner_oof(X, y, groups, None), y)
    keep = [i for i, s in enumerate(fce.samples) if "band" in s.labels]
    p = iso.predict(_predict(fit, fce.X[np.ix_(keep, cols)]))
    band = np.array([fce.samples[i].labels["band"] for i in keep])
    slope, icept = np.polyfit(p, band, 1)
    by_l1 = _by_group(fce.samples, keep, p - (band - icept) / slope, "l1", band)
    return {"spearman_band": round(float(spearmanr(p, band)[0]), 3),
            "l1_conditional": {g: by_l1[g]["conditional_error"] for g in GROUPS if g in by_l1}}


def _wi(wi) -> dict:
    _, _, oof, y, _ = train_head(wi, "cefr", "overall", 0.5, 6.49)
    rep = cefr_report(y, oof)
    return {k: round(rep[k], 3) for k in ("qwk", "exact", "within_one") if k in rep}


def _profiles(fce, share: np.ndarray) -> dict:
    """Each group's mean feature, in standard deviations, against texts with the same band."""
    keep = [i for i, s in enumerate(fce.samples) if "band" in s.labels and not np.isnan(share[i])]
    band = np.array([fce.samples[i].labels["band"] for i in keep])
    X = np.column_stack([fce.X[keep], share[keep]])
    names = [*fce.names, COLUMN]
    Z = (X - X.mean(0)) / np.where(X.std(0) > 0, X.std(0), 1.0)
    for b in np.unique(band):
        Z[band == b] -= Z[band == b].mean(0)
    l1 = np.array([fce.samples[i].meta.get("l1", "") for i in keep])
    out = {}
    for g in GROUPS:
        m = Z[l1 == g].mean(0)
        top = np.argsort(-np.abs(m))[:6]
        out[g] = {names[j]: round(float(m[j]), 2) for j in top}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "cache")
    args = ap.parse_args()
    if not (args.shared / "data").exists():
        print(f"no shared data at {args.shared}", file=sys.stderr)
        return 2
    data, _ = load_stacked(args.shared, args.cache, extra=("fce",))
    wi, fce = data["wi"], data["fce"]
    share = {"wi": gold_share(wi), "fce": gold_share(fce)}
    detector = wi.X[:, wi.names.index("ged_mean")]
    ok = ~np.isnan(share["wi"])
    out = {"texts_with_gold_share": {c: int((~np.isnan(v)).sum()) for c, v in share.items()},
           "detector_r_with_gold_share_wi": round(float(np.corrcoef(detector[ok], share["wi"][ok])[0, 1]), 3),
           "variants": [],
           # Before the loop adds the gold share as a column of its own.
           "l1_profiles_vs_same_band": _profiles(fce, share["fce"])}
    print(json.dumps(out["l1_profiles_vs_same_band"]), flush=True)
    rng = np.random.default_rng(0)
    for r in BLUR:
        for c, ds in (("wi", wi), ("fce", fce)):
            col = blurred(share[c], r, rng)
            col = np.where(np.isnan(col), np.nanmean(col), col)
            if COLUMN in ds.names:
                ds.X[:, ds.names.index(COLUMN)] = col
            else:
                ds.add_column(COLUMN, col)
        variant = {"gold_share": "exact" if r is None else f"blurred to r={r}",
                   "wi": _wi(wi), "fce": _fce(wi, fce, _columns(wi, True))}
        out["variants"].append(variant)
        print(json.dumps(variant), flush=True)
    base = {"gold_share": "none (shipped features)", "fce": _fce(wi, fce, _columns(wi, False))}
    out["variants"].insert(0, base)
    print(json.dumps(base))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "error_oracle.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
