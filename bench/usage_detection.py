"""Precision and recall of the usage model's suspicions against gold article
and preposition edits, with cross-fitted models (no text is scored by a model
that saw its writer).

    python bench/usage_detection.py --shared ../shared

Gold: W&I+LOCNESS train json edits (annotator 0) whose M2 ERRANT type is
``M/R/U:DET`` (article kind) or ``M/R/U:PREP`` (preposition kind); FCE train
edits with CLC codes MD/UD/RD (missing, unnecessary, replace determiner) and
MT/UT/RT (preposition). Only figures are written out.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import grammar_precision as gp  # noqa: E402

from assessor.scoring import usage  # noqa: E402
from assessor.scoring.nlp import get_nlp  # noqa: E402
from assessor.training import usage as training  # noqa: E402
from assessor.training.corpora import Sample, load_fce, load_wi  # noqa: E402
from assessor.training.parsecache import parse_all, plain_text  # noqa: E402

THRESHOLDS = (0.05, 0.1, 0.2)
FCE_KIND = {"MD": "article", "UD": "article", "RD": "article", "MT": "prep", "UT": "prep", "RT": "prep"}
KINDS = ("article", "prep")


def wi_types(texts: list[str], blocks) -> list:
    # grammar_precision aligns the M2 sentences to the json texts; keep its
    # alignment but have it return the raw ERRANT type, not its coarse category.
    saved = gp.errant_category, gp.refine
    gp.errant_category, gp.refine = (lambda etype: etype), (lambda cat, *_: cat)
    try:
        return gp.wi_categories(texts, blocks)
    finally:
        gp.errant_category, gp.refine = saved


def _errant_kind(etype: str) -> str | None:
    return {"DET": "article", "PREP": "prep"}.get(etype.split(":", 1)[-1])


def gold_edits(shared: Path, samples: list[Sample]) -> list[list[tuple[gp.Gold, str]] | None]:
    """Per sample, its gold article/preposition edits as (span, operation M/R/U);
    None for W&I texts whose M2 did not align."""
    m2 = {}
    for level in "ABC":
        rows = [s for s in samples if s.corpus == "wi" and s.meta["cefr"].startswith(level)]
        blocks = gp.read_m2(shared / f"data/wi-locness/m2/{level}.train.gold.bea19.m2")
        m2.update(zip((s.id for s in rows), wi_types([s.text for s in rows], blocks)))
    out = []
    for s in samples:
        if s.corpus == "fce":
            out.append([(gp.Gold(a, b, FCE_KIND[code]), code[0]) for a, b, _, code in s.edits
                        if code in FCE_KIND])
        elif m2.get(s.id) is None:
            out.append(None)
        else:
            out.append([(gp.Gold(a, b, _errant_kind(t)), t[0]) for a, b, t in m2[s.id] if _errant_kind(t)])
    return out


def tally(flags: list[list[usage.Suspicion]], golds, samples, all_edits) -> dict:
    n = Counter()
    for sus, gold, s, edits in zip(flags, golds, samples, all_edits):
        if gold is None:
            continue
        for g, op in gold:
            n[f"gold:{g.category}"] += 1
            n[f"gold:{g.category}:{op}"] += 1
            hit = any(f.kind == g.category and gp.overlaps(f.start, f.end - f.start, g) for f in sus)
            n[f"found:{g.category}"] += hit
            n[f"found:{g.category}:{op}"] += hit
        for f in sus:
            n[f"flagged:{f.kind}"] += 1
            n[f"correct:{f.kind}"] += any(g.category == f.kind and gp.overlaps(f.start, f.end - f.start, g)
                                          for g, _ in gold)
            n[f"any:{f.kind}"] += any(gp.overlaps(f.start, f.end - f.start, e) for e in edits)
    out = {}
    for k in KINDS:
        out[k] = {"flagged": n[f"flagged:{k}"], "precision": gp._ratio(n[f"correct:{k}"], n[f"flagged:{k}"]),
                  "precision_any_edit": gp._ratio(n[f"any:{k}"], n[f"flagged:{k}"]),
                  "gold": n[f"gold:{k}"], "recall": gp._ratio(n[f"found:{k}"], n[f"gold:{k}"]),
                  "recall_by_op": {op: gp._ratio(n[f"found:{k}:{op}"], n[f"gold:{k}:{op}"])
                                   for op in "MRU"}}
    return out


def timing(path: Path, repeats: int = 200) -> dict:
    doc = get_nlp()(path.read_text(encoding="utf-8"))
    usage.usage_features(doc)  # load the model outside the clock
    t = time.perf_counter()
    for _ in range(repeats):
        usage.usage_features(doc)
    ms = (time.perf_counter() - t) / repeats * 1000
    words = sum(t.is_alpha for t in doc)
    return {"file": path.name, "words": words, "ms_features": round(ms, 2),
            "ms_per_250_words": round(ms * 250 / words, 2)}


def by_l1(samples, features, l1s=("ko", "zh", "ja", "it", "sv", "es", "fr", "de")) -> dict:
    groups = defaultdict(list)
    for s, f in zip(samples, features):
        if s.corpus == "fce":
            groups[s.meta["l1"]].append(f)
    return {l1: {"texts": len(groups[l1]), **{k: round(float(np.mean([f[k] for f in groups[l1]])), 3)
                                              for k in sorted(groups[l1][0])}}
            for l1 in l1s if groups.get(l1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / "out" / "cache")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "usage_detection.json")
    args = parser.parse_args(argv)
    if not (args.shared / "data").is_dir():
        print(f"no data at {args.shared}/data; pass --shared", file=sys.stderr)
        return 2
    samples = load_wi(args.shared) + load_fce(args.shared, "train")
    docs = parse_all([s for s in samples if s.corpus == "wi"], args.cache, "wi") + \
        parse_all([s for s in samples if s.corpus == "fce"], args.cache, "fce")
    golds = gold_edits(args.shared, samples)
    # Offsets are into the parsed plain text; skip the few texts where it differs.
    golds = [g if plain_text(s) == s.text else None for g, s in zip(golds, samples)]
    edits = [[gp.Gold(a, b, "") for a, b, _, _ in s.edits] for s in samples]
    flags = {t: [[] for _ in samples] for t in THRESHOLDS}
    features = [{} for _ in samples]
    for model, indices in training.crossfit_models(samples, args.cache):
        for i in indices:
            features[i] = usage.usage_features(docs[i], model)
            for t in THRESHOLDS:
                flags[t][i] = usage.suspicions(docs[i], model, t)
    result = {"texts": sum(g is not None for g in golds), "skipped_unaligned": sum(g is None for g in golds),
              "matching": gp.MATCHING_RULE + " A suspicion counts only against gold edits of its kind.",
              "thresholds": {}}
    for t in THRESHOLDS:
        result["thresholds"][str(t)] = {c: tally([flags[t][i] for i in ix], [golds[i] for i in ix],
                                                 [samples[i] for i in ix], [edits[i] for i in ix])
                                        for c, ix in (("wi", [i for i, s in enumerate(samples) if s.corpus == "wi"]),
                                                      ("fce", [i for i, s in enumerate(samples) if s.corpus == "fce"]),
                                                      ("both", list(range(len(samples)))))}
    result["fce_by_l1_crossfitted_means"] = by_l1(samples, features)
    result["timing"] = timing(ROOT / "bench" / "texts" / "answer-250.txt")
    print(json.dumps(result, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"written: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
