"""How far would levels move if LanguageTool's issues fed the level model?

    python bench/engine_shift.py --shared ../shared

The model is trained on the built-in engine's issues. For every third text of
W&I, ELLIPSE and FCE this replaces them with the real LanguageTool 4.0 answer
recorded for the same text (../shared/data/languagetool) and reports the mean
shift of the overall level and the rank agreement with the human labels
(W&I and ELLIPSE were fitted, so only the shift and FCE's Spearman are
out-of-sample). This is why scoring always feeds the model the built-in
engine's issues (``engines.select.evidence_issues``).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.errors import EngineError  # noqa: E402
from assessor.scoring import features as feats  # noqa: E402
from assessor.scoring.engines.builtin import BuiltinEngine  # noqa: E402
from assessor.scoring.engines.languagetool import CategoryMap, convert_matches  # noqa: E402
from assessor.scoring.levelmodel import load_model  # noqa: E402
from assessor.scoring.text import word_count  # noqa: E402
from assessor.training.levels import load_stacked  # noqa: E402

RECORDINGS = {"wi": ("A.train", "B.train", "C.train"), "ellipse": ("ellipse_calibration",),
              "fce": ("fce.train",)}
LABEL = {"wi": "cefr", "ellipse": "overall", "fce": "band"}


def _nth(ids):
    """(id, k) for the k-th occurrence of each id: an FCE script's answers share
    one id, and recordings and corpus files are both in file order."""
    seen: dict[str, int] = {}
    for i in ids:
        seen[i] = seen.get(i, -1) + 1
        yield i, seen[i]


def _recorded(shared: Path, stems) -> dict[tuple[str, int], list]:
    recs = []
    for stem in stems:
        with (shared / "data" / "languagetool" / f"{stem}.jsonl").open() as fh:
            recs += [json.loads(line) for line in fh]
    return dict(zip(_nth(str(r["id"]) for r in recs), (r["matches"] for r in recs)))


def _shift(ds, answers: dict, model, engine, categories) -> dict:
    built, lt, human, skipped = [], [], [], 0
    keys = list(_nth(str(s.id).split("#")[0] for s in ds.samples))
    for i in range(0, len(ds.samples), 3):
        sample, doc = ds.samples[i], ds.docs[i]
        matches = answers.get(keys[i])
        try:
            if matches is None or doc.text != sample.text:
                raise EngineError("no recording for this exact text")
            lt_issues = convert_matches(doc.text, matches, categories)
        except EngineError:
            skipped += 1
            continue
        words = word_count(doc.text)
        ours = feats.analyse(doc, engine.check(doc.text, doc), words).values
        theirs = feats.analyse(doc, lt_issues, words).values
        row = {n: ds.X[i, j] for j, n in enumerate(ds.names)}
        built.append(model.predict("overall", row))
        lt.append(model.predict("overall", dict(row, **{k: v for k, v in theirs.items() if v != ours[k]})))
        human.append(sample.labels.get(LABEL[ds.samples[0].corpus], np.nan))
    built, lt, human = map(np.array, (built, lt, human))
    ok = ~np.isnan(human)
    return {"n": int(len(built)), "skipped": skipped,
            "mean_shift_levels": round(float(np.mean(lt - built)), 3),
            "sd_shift": round(float(np.std(lt - built)), 3),
            "spearman_builtin": round(float(spearmanr(built[ok], human[ok])[0]), 3),
            "spearman_languagetool": round(float(spearmanr(lt[ok], human[ok])[0]), 3)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "cache")
    args = ap.parse_args()
    if not (args.shared / "data" / "languagetool").exists():
        print(f"no recorded LanguageTool answers under {args.shared}", file=sys.stderr)
        return 2
    data, _ = load_stacked(args.shared, args.cache, extra=("fce",))
    model, engine, categories = load_model(), BuiltinEngine(), CategoryMap.load()
    out = {c: _shift(data[c], _recorded(args.shared, stems), model, engine, categories)
           for c, stems in RECORDINGS.items()}
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "engine_shift.json").write_text(json.dumps(out, indent=2))
    for corpus, figures in out.items():
        print(json.dumps({"corpus": corpus, **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
