"""Train the article and preposition usage model from corrected learner texts.

    python -m assessor.training.usage --shared ../shared

The gold edits of W&I and FCE are applied to each text, the corrected texts are
parsed, and every article slot and preposition becomes one example: context
features (``assessor.scoring.usage``) → the choice the corrected text makes.
Corrected learner texts, not native prose, so the model knows the topics and
sentence shapes learners write about. Writes ``assessor/data/usage/usage-model.json``.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from spacy.tokens import Doc
from threadpoolctl import threadpool_limits

from ..errors import DataError
from ..scoring import usage
from .corpora import Sample, corrected, load_fce, load_wi
from .parsecache import parse_all

VERSION = "1.0"
FOLDS = 5
MIN_COUNT = 3  # features seen fewer times are noise and bloat the file
# Regularisation chosen on held-out corrected texts (one writer-grouped fold):
# log-loss article 0.352/0.345/0.348 at C 0.25/0.5/1, preposition 0.985/0.941/0.923/0.932 at C 0.25/0.5/1/2.
C = {"article": 0.5, "prep": 1.0}
MAX_ITER = 300
# Rows are kept by importance until the file would pass its budget.
BUDGET_BYTES = {"article": 1_000_000, "prep": 1_800_000}
DEFAULT_CACHE = Path("bench/out/cache")

Examples = dict[str, tuple[list[tuple[str, ...]], list[str], list[int]]]


def examples(docs: list[Doc]) -> Examples:
    """Context features, the (correct) choice and the text number of every slot, by kind."""
    out: Examples = {"article": ([], [], []), "prep": ([], [], [])}
    for n, doc in enumerate(docs):
        for slot in usage.slots(doc):
            out[slot.kind][0].append(slot.features)
            out[slot.kind][1].append(slot.observed)
            out[slot.kind][2].append(n)
    return out


def _matrix(features: list[tuple[str, ...]], texts: list[int], min_count: int):
    # Counted in distinct texts, not slots: a feature only one writer produced
    # is noise, and would carry that writer's words into the shipped file.
    counts = Counter(f for f, _ in {(f, t) for row, t in zip(features, texts) for f in row})
    vec = DictVectorizer(dtype=np.float32)
    X = vec.fit_transform({f: 1 for f in row if counts[f] >= min_count} for row in features)
    return X, vec.get_feature_names_out()


def _class_weights(fit: LogisticRegression) -> tuple[np.ndarray, np.ndarray]:
    # With two classes sklearn keeps one weight vector; spread it symmetrically.
    if len(fit.classes_) == 2:
        return np.vstack([-fit.coef_[0] / 2, fit.coef_[0] / 2]), np.array([-1, 1]) * fit.intercept_[0] / 2
    return fit.coef_, fit.intercept_


def _prune(names, coef: np.ndarray, budget: int) -> dict[str, list[float]]:
    """The most influential feature rows, rounded, within a byte budget."""
    order = np.argsort(-np.abs(coef).max(axis=0))
    rows, size = {}, 0
    for j in order:
        weights = [round(float(w), 2) for w in coef[:, j]]
        if max(abs(w) for w in weights) < 0.02:
            break
        size += len(json.dumps({names[j]: weights}, separators=(",", ":")))
        if size > budget:
            break
        rows[names[j]] = weights
    return rows


def fit_kind(features, labels, texts, budget: int, min_count: int = MIN_COUNT, c: float = 0.5) -> dict:
    """One multinomial logistic model as the stored dict (classes, bias, rows)."""
    if len(set(labels)) < 2:
        raise DataError(f"need at least two different choices to train, got {set(labels)}")
    X, names = _matrix(features, texts, min_count)
    with threadpool_limits(1):  # the other core belongs to whoever else works here
        fit = LogisticRegression(C=c, max_iter=MAX_ITER).fit(X, labels)
    coef, bias = _class_weights(fit)
    spec = {"classes": [str(c) for c in fit.classes_], "bias": [round(float(b), 3) for b in bias],
            "features": _prune(names, coef, budget), "neutral_nll": 0.0}
    # The neutral value is the mean surprise of a correct choice under the
    # stored (pruned) model, what a text without slots is taken to have.
    model = usage.UsageModel({"format": usage.FORMAT, "models": {"k": spec}})
    scored = usage.score_slots([usage.Slot("k", 0, 0, y, f) for f, y in zip(features, labels)], model)
    nll = [-math.log(max(probs[slot.observed], 1e-6)) for slot, probs in scored]
    spec["neutral_nll"] = round(float(np.mean(nll)), 4)
    return spec


def fit_model(docs: list[Doc], budgets: dict[str, int] = BUDGET_BYTES,
              min_count: int = MIN_COUNT) -> dict:
    """The whole stored model (both kinds) from parsed corrected texts."""
    data = examples(docs)
    models = {kind: fit_kind(*data[kind], budgets[kind], min_count, C[kind]) for kind in ("article", "prep")
              if len(set(data[kind][1])) >= 2}
    return {"format": usage.FORMAT, "version": VERSION, "threshold": usage.THRESHOLD,
            "models": models, "examples": {k: len(v[1]) for k, v in data.items()}}


def corrected_docs(samples: list[Sample], cache: Path) -> list[Doc]:
    """Parses of the corrected texts, cached per corpus, in the samples' order."""
    docs: list[Doc | None] = [None] * len(samples)
    for corpus in sorted({s.corpus for s in samples}):
        idx = [i for i, s in enumerate(samples) if s.corpus == corpus]
        fixed = [dataclasses.replace(samples[i], text=corrected(samples[i])) for i in idx]
        for i, doc in zip(idx, parse_all(fixed, cache, f"usage-{corpus}-corrected")):
            docs[i] = doc
    return docs


def crossfit_models(samples: list[Sample], cache: Path = DEFAULT_CACHE):
    """Yield (model, indices of the samples it may score): 5 folds grouped by
    ``Sample.group``, each model trained on the other folds' corrected texts.
    Samples without gold edits (e.g. ELLIPSE) train nothing and are scored by
    the model of all the others."""
    train = [i for i, s in enumerate(samples) if s.edits]
    if len({samples[i].group for i in train}) < FOLDS:
        raise DataError(f"cross-fitting needs texts with gold edits from at least {FOLDS} writers "
                        "(pass W&I and FCE samples, loaded by assessor.training.corpora)")
    fixed = corrected_docs([samples[i] for i in train], cache)
    groups = [samples[i].group for i in train]
    for _, held in GroupKFold(FOLDS).split(train, groups=groups):
        held_set = set(held)
        yield (usage.UsageModel(fit_model([d for k, d in enumerate(fixed) if k not in held_set])),
               [train[k] for k in held])
    rest = [i for i, s in enumerate(samples) if not s.edits]
    if rest:
        yield usage.UsageModel(fit_model(fixed)), rest


def _crossfit_key(samples: list[Sample]) -> str:
    # Valid while the texts, their edits and the code of both usage modules are unchanged.
    h = hashlib.sha256(Path(usage.__file__).read_bytes() + Path(__file__).read_bytes())
    for s in samples:
        h.update(f"{s.id}\0{s.group}\0{s.text}\0{s.edits}".encode())
    return h.hexdigest()[:16]


def crossfit_features(samples: list[Sample], docs: list[Doc],
                      cache: Path = DEFAULT_CACHE) -> list[dict[str, float]]:
    """``use_*`` features of each text's own (uncorrected) parse ``docs``, from
    a model that never saw its writer, so that the level model's
    cross-validation is not leaked. Cached in ``cache`` (five fits take minutes)."""
    path = cache / f"usage-crossfit-{_crossfit_key(samples)}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    out: list[dict[str, float]] = [{} for _ in samples]
    for model, indices in crossfit_models(samples, cache):
        for i in indices:
            out[i] = usage.usage_features(docs[i], model)
    path.write_text(json.dumps(out), encoding="utf-8")
    return out


def load_training(shared: Path) -> list[Sample]:
    return load_wi(shared) + load_fce(shared, "train")


def train_usage(shared: Path, cache: Path = DEFAULT_CACHE, out: Path = usage.MODEL_PATH) -> dict:
    """Fit on every W&I and FCE train text and write the data file."""
    samples = load_training(shared)
    model = fit_model(corrected_docs(samples, cache))
    model["source"] = {"corpora": ["W&I+LOCNESS v2.1 train (A, B, C)", "FCE v2.1 train"],
                       "texts": len(samples)}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, separators=(",", ":")), encoding="utf-8")
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--out", type=Path, default=usage.MODEL_PATH)
    args = parser.parse_args(argv)
    t = time.time()
    model = train_usage(args.shared, args.cache, args.out)
    print(json.dumps({"examples": model["examples"], "features": {
        k: len(v["features"]) for k, v in model["models"].items()},
        "bytes": args.out.stat().st_size, "seconds": round(time.time() - t)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
