"""``assessor calibrate RATED.csv``: fit the level model to an employer's own raters."""
from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from ..config import Config


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "calibrate", help="fit the level model to your own rated answers (columns id,text,cefr"
        "[,grammar,vocabulary])")
    p.add_argument("rated", type=Path)
    p.add_argument("--out", type=Path, default=None,
                   help="where to write the new model (default: models/level-model-calibrated-DATE.json)")
    p.add_argument("--force", action="store_true", help="write the model even if it agrees less")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..scoring import Scorer
    from ..scoring.levelmodel import DEFAULT_MODEL
    from ..training.calibrate import calibrate, read_rated
    from ..training.modelcard import write_calibration_card

    settings = Config().scoring_settings()
    scorer = Scorer(settings)
    rated = read_rated(args.rated)
    features = [scorer.features(t) for t in tqdm(rated.texts, unit="answer")]
    source = Path(settings.model_path or DEFAULT_MODEL)
    raw = json.loads(source.read_text(encoding="utf-8"))
    new, report = calibrate(scorer.model, raw, features, rated)
    for head, r in report.items():
        b, a = r["before"], r["after"]
        print(f"{head:10s} n={r['n']:4d}  QWK {b['qwk']:.3f} → {a['qwk']:.3f}  RMSE {b['rmse']:.3f} → "
              f"{a['rmse']:.3f}  within one {b['within_one']:.1%} → {a['within_one']:.1%}  "
              f"{'applied' if r['applied'] else 'kept the current head (no gain)'}")
    if not any(r["applied"] for r in report.values()) and not args.force:
        print("No head agrees better with your raters after calibration; no model written.")
        return 1
    new["version"] = f"{raw['version']}+cal-{date.today():%Y%m%d}"
    out = args.out or source.parent / f"level-model-calibrated-{date.today():%Y%m%d}.json"
    out.write_text(json.dumps(new, indent=1))
    card = write_calibration_card(out, args.rated, report, raw["version"])
    print(f"wrote {out} and {card}; use it with ASSESSOR_MODEL_PATH={out}")
    return 0
