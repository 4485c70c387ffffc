"""Train the level model from rated corpora, with grouped cross-validation.

``assessor train --shared ../shared`` runs this. Every head is a ridge
regression over standardised features (small, fast, a JSON data file); heads
named in :data:`TREE_HEADS` (none by default) average it with boosted trees.
A monotone recalibration fitted on
out-of-fold predictions keeps the model from squeezing every answer towards
the middle levels.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GroupKFold

from ..scoring import features as feats
from ..scoring.levelmodel import FORMAT, _interp
from ..scoring.text import word_count
from ..scoring import ngrams
from . import errordensity, ngram_heads, pooled_heads, trees
from . import neural as neural_training
from . import usage as usage_training
from .corpora import LOADERS, Sample
from .metrics import cefr_report, regression_report
from .parsecache import parse_all

ALPHAS = np.logspace(-2, 3, 11)
FOLDS = 5


@dataclass
class Dataset:
    samples: list[Sample]
    X: np.ndarray
    names: list[str]
    freqs: list[dict[str, float]]
    docs: list
    #: The neural detector's pooled states, cross-fitted (set by _crossfit_detectors).
    pooled: np.ndarray | None = None

    def add_column(self, name: str, values: np.ndarray) -> None:
        self.X = np.column_stack([self.X, values])
        self.names.append(name)

    def replace_columns(self, rows: list[dict[str, float]]) -> None:
        for name in rows[0]:
            self.X[:, self.names.index(name)] = [r[name] for r in rows]


def _engine():
    from ..scoring.engines.builtin import BuiltinEngine
    return BuiltinEngine()


def _features_key() -> str:
    # Cached features are valid while the code that computes them is unchanged.
    root = Path(feats.__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")) + sorted((root.parent / "data").rglob("*")):
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


def featurise(docs: list, cache: Path, name: str) -> list[dict[str, float]]:
    path = cache / f"features-{name}-{_features_key()}.json"
    if path.exists():
        return json.loads(path.read_text())
    engine = _engine()
    rows = []
    for doc in docs:
        issues = engine.check(doc.text, doc)
        # The neural densities are replaced by cross-fitted ones (see
        # _crossfit_detectors): running the shipped detector here would be wasted.
        rows.append(feats.analyse(doc, issues, word_count(doc.text), nn_probs=np.zeros(0)).values)
    path.write_text(json.dumps(rows))
    return rows


def load(shared: Path, cache: Path, corpus: str) -> Dataset:
    samples = LOADERS[corpus](shared)
    docs = parse_all(samples, cache, corpus)
    rows = featurise(docs, cache, corpus)
    names = sorted(rows[0])
    X = np.array([[r.get(n, 0.0) for n in names] for r in rows], dtype=float)
    freqs = [ngrams.frequencies(d) for d in docs]
    return Dataset(samples, np.nan_to_num(X), names, freqs, docs)


def load_stacked(shared: Path, cache: Path, corpora=("wi", "ellipse"), extra=()) -> tuple[dict, dict]:
    """Datasets with the n-gram heads' predictions added as columns.

    ``extra`` corpora (e.g. FCE for benchmarks) get the heads' full-data
    predictions; they are never used to fit anything.
    """
    data = {c: load(shared, cache, c) for c in (*corpora, *extra)}
    _crossfit_detectors(shared, cache, data)
    specs, columns = ngram_heads.stack({c: data[c].freqs for c in corpora},
                                       {c: data[c].samples for c in corpora})
    for c in corpora:
        for name, values in columns[c].items():
            data[c].add_column(name, values)
    for c in extra:
        for name, spec in specs.items():
            data[c].add_column(name, np.array(
                [ngrams.score(f, spec["weights"], spec["intercept"]) for f in data[c].freqs]))
    pooled_specs = _stack_pooled(data, corpora, extra) if USE_POOLED else {}
    return data, {"ngram": specs, "pooled": pooled_specs}


#: Whether the level model reads the pooled-state heads (benchmarks turn it
#: off to measure what they add).
USE_POOLED = True


def _stack_pooled(data: dict, corpora, extra) -> dict:
    specs, columns = pooled_heads.stack({c: data[c].pooled for c in corpora},
                                        {c: data[c].samples for c in corpora})
    for c in corpora:
        for name, values in columns[c].items():
            data[c].add_column(name, values)
    for c in extra:
        for name, spec in specs.items():
            data[c].add_column(name, pooled_heads.apply(spec, data[c].pooled))
    return specs


def _crossfit_detectors(shared: Path, cache: Path, data: dict) -> None:
    """Detectors trained on W&I and FCE corrections must not judge the texts
    they learned from: their features are replaced by cross-fitted values.
    Both detectors always see the same three corpora, so their caches are
    shared between training and the benchmarks."""
    samples, docs, spans = [], [], {}
    for corpus in ("wi", "fce", "ellipse"):
        if corpus in data:
            these, parsed = data[corpus].samples, data[corpus].docs
        else:
            these = LOADERS[corpus](shared)
            parsed = parse_all(these, cache, corpus)
        spans[corpus] = (len(samples), len(samples) + len(these))
        samples += these
        docs += parsed
    for crossfit in (errordensity.crossfit_features, usage_training.crossfit_features,
                     neural_training.crossfit_features):
        rows = crossfit(samples, docs, cache)
        for corpus, (start, end) in spans.items():
            if corpus in data:
                data[corpus].replace_columns(rows[start:end])
    pooled = neural_training.crossfit_pooled(samples, docs, cache)
    for corpus, (start, end) in spans.items():
        if corpus in data:
            data[corpus].pooled = pooled[start:end]


# Which features each head may use: a grammar level must rest on grammar
# evidence, a vocabulary level on vocabulary evidence.
def _subset(names: list[str], head: str) -> list[str]:
    if head.endswith("grammar"):
        keep = ("rate_", "log_rate_", "cx_", "unknown_dep", "verbless", "log_words", "ged_", "use_",
                "ng_grammar", "ng_cefr", "nnp_grammar", "nnp_cefr", "lower_", "bare_contraction", "space_before", "comma_per")
    elif head.endswith("vocabulary"):
        # Error density stays: vocabulary rubrics judge precision of word
        # choice, and a misused word is an error the detector sees
        # (ELLIPSE vocabulary RMSE 0.470 → 0.457 with it).
        keep = ("voc_", "mean_word_length", "long_word_share", "rate_spelling",
                "log_rate_spelling", "log_words", "ng_vocabulary", "nnp_vocabulary", "zipf_", "ged_")
    else:
        return names
    return [n for n in names if n.startswith(keep)]


# Heads that average the ridge with boosted trees (training/trees.py). None
# do by default: on W&I the trees' whole gain (QWK 0.742 -> 0.764) came from
# splitting on length, which goes with level in W&I's essays far more than
# in short workplace replies, and a 45-word reply to a 60-word task then lost 0.88
# of a level against its writer's full answer instead of 0.57. Without length
# the trees added nothing (QWK 0.741). Figures: bench/README.md.
TREE_HEADS: frozenset[str] = frozenset()


def _fit(X: np.ndarray, y: np.ndarray, tree_cols: list[int] | None = None):
    """Ridge over every column; trees (if ``tree_cols``) over those columns."""
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    model = RidgeCV(alphas=ALPHAS).fit((X - mean) / scale, y)
    boosted = trees.fit(X[:, tree_cols], y) if tree_cols else None
    return mean, scale, model, boosted, tree_cols


def _predict(fit, X: np.ndarray) -> np.ndarray:
    mean, scale, model, boosted, tree_cols = fit
    linear = model.predict((X - mean) / scale)
    if boosted is None:
        return linear
    return (1 - trees.WEIGHT) * linear + trees.WEIGHT * boosted.predict(X[:, tree_cols])


def _inner_oof(X: np.ndarray, y: np.ndarray, groups, tree_cols) -> np.ndarray:
    inner = np.zeros(len(y))
    for tr, te in GroupKFold(FOLDS).split(X, y, groups):
        inner[te] = _predict(_fit(X[tr], y[tr], tree_cols), X[te])
    return inner


def cross_validate(X: np.ndarray, y: np.ndarray, groups: list[str],
                   tree_cols: list[int] | None = None) -> np.ndarray:
    """Out-of-fold predictions (with the recalibration fitted inside each fold)."""
    oof = np.zeros(len(y))
    groups = np.asarray(groups)
    for train, test in GroupKFold(FOLDS).split(X, y, groups):
        fit = _fit(X[train], y[train], tree_cols)
        inner = _inner_oof(X[train], y[train], groups[train], tree_cols)
        kx, ky = _knots(inner, y[train])
        # The recalibration the run time applies (levelmodel), so the
        # figures measure what ships.
        oof[test] = [_interp(v, tuple(kx), tuple(ky)) for v in _predict(fit, X[test])]
    return oof


#: Share of a straight line blended into the isotonic knots: isotonic
#: regression is flat in places, and a flat stretch gives many different
#: answers one and the same score (8% of an unseen set shared one value).
LINE_SHARE = 0.15


def _knots(raw: np.ndarray, y: np.ndarray, n: int = 24) -> tuple[list[float], list[float]]:
    iso = IsotonicRegression(out_of_bounds="clip").fit(raw, y)
    xs = np.unique(np.quantile(raw, np.linspace(0, 1, n)))
    slope = max(float(np.polyfit(raw, y, 1)[0]), 0.05)
    line = float(np.mean(y)) + slope * (xs - float(np.mean(raw)))
    ys = (1 - LINE_SHARE) * iso.predict(xs) + LINE_SHARE * line
    return [float(x) for x in xs], [float(v) for v in ys]


def train_head(ds: Dataset, target: str, head: str, lo: float, hi: float):
    cols = _subset(ds.names, head)
    idx = [ds.names.index(c) for c in cols]
    keep = [i for i, s in enumerate(ds.samples) if target in s.labels]
    X = ds.X[np.ix_(keep, idx)]
    y = np.array([ds.samples[i].labels[target] for i in keep])
    groups = [ds.samples[i].group for i in keep]
    tree_cols = ([j for j, c in enumerate(cols) if c not in trees.EXCLUDE]
                 if head in TREE_HEADS else None)
    oof = cross_validate(X, y, groups, tree_cols)
    mean, scale, model, boosted, _ = _fit(X, y, tree_cols)
    kx, ky = _knots(_inner_oof(X, y, groups, tree_cols), y)
    full = {c: (float(mean[j]), float(scale[j]), float(model.coef_[j])) for j, c in enumerate(cols)}
    spec = {"intercept": float(model.intercept_), "residual_sd": float(np.std(y - oof)),
            "lo": lo, "hi": hi, "knots_x": kx, "knots_y": ky, "alpha": float(model.alpha_)}
    if boosted is not None:
        # Every corpus has the model's feature columns in the same order.
        spec["trees"] = trees.export(boosted, [idx[j] for j in tree_cols])
        spec["tree_weight"] = trees.WEIGHT
    return full, spec, oof, y, keep


HEADS = (  # head, corpus, label, clip range
    ("overall", "wi", "cefr", 0.5, 6.49),
    ("grammar", "wi", "cefr", 0.5, 6.49),
    ("vocabulary", "wi", "cefr", 0.5, 6.49),
    ("trait_grammar", "ellipse", "grammar", 1.0, 5.0),
    ("trait_vocabulary", "ellipse", "vocabulary", 1.0, 5.0),
    ("trait_overall", "ellipse", "overall", 1.0, 5.0),
)


def train(shared: Path, cache: Path, version: str) -> tuple[dict, dict]:
    started = time.time()
    data, stacked = load_stacked(shared, cache)
    names = data["wi"].names
    heads, per_head, report = {}, {}, {}
    for head, corpus, label, lo, hi in HEADS:
        full, spec, oof, y, _ = train_head(data[corpus], label, head, lo, hi)
        per_head[head] = (full, spec)
        report[head] = cefr_report(y, oof) if corpus == "wi" else regression_report(y, oof)
    means, scales = _merged_stats(names, per_head)
    for head, (full, spec) in per_head.items():
        coef = [full[n][2] * scales[i] / full[n][1] if n in full else 0.0 for i, n in enumerate(names)]
        intercept = spec["intercept"] + sum(
            full[n][2] * (means[i] - full[n][0]) / full[n][1] for i, n in enumerate(names) if n in full)
        heads[head] = {**spec, "coef": coef, "intercept": intercept}
    words = float(np.median([word_count(s.text) for s in data["wi"].samples]))
    model = {"format": FORMAT, "version": version, "features": names, "means": means,
             "scales": scales, "heads": heads, "ngram_heads": stacked["ngram"],
             "pooled_heads": stacked["pooled"],
             "reference_words": words,
             "trained_seconds": round(time.time() - started, 1)}
    return model, report


def _merged_stats(names: list[str], per_head: dict) -> tuple[list[float], list[float]]:
    """One standardisation for all heads (each head was fitted with its own)."""
    first = next(iter(per_head.values()))[0]
    means = [first[n][0] if n in first else 0.0 for n in names]
    scales = [first[n][1] if n in first else 1.0 for n in names]
    return means, scales
