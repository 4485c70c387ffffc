"""Error density: how much of an answer a trained error detector marks as wrong.

The rule engines flag errors precisely but find few of them (the built-in
engine finds 4% of gold grammar edits), and raters judge grammar by how much
of a text is wrong. This detector is the opposite trade: a logistic model
over each token's context (words, tags, dependencies around it), trained on
learner texts whose tokens are labelled by gold corrections, gives every
token a probability of being part of an error. Its flags are too imprecise to
show anyone, so it only feeds the level model, as densities.

Features are hashed (CRC-32, stable across processes and machines) into a
fixed weight vector shipped in ``data/errordensity/``.
"""
from __future__ import annotations

import math
import threading
import zlib
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, Token

from ..errors import ModelError

BITS = 18
_MASK = (1 << BITS) - 1
_lock = threading.Lock()
_weights: np.ndarray | None = None


def _shape(tok: Token) -> str:
    if tok.is_alpha:
        if tok.is_title:
            return "Xx"
        return "xx" if tok.is_lower else "XX"
    return "d" if tok.like_num else "p"


class _Columns:
    """Per-token attributes read once per document: spaCy attribute access is
    the slow part, and every token's features look at its neighbours'."""

    def __init__(self, doc: Doc) -> None:
        self.w = ["<s>", "<s>"] + [t.lower_ for t in doc] + ["<s>", "<s>"]
        self.t = ["<s>", "<s>"] + [t.tag_ for t in doc] + ["<s>", "<s>"]


def token_features(doc: Doc, i: int, cols: "_Columns | None" = None) -> list[str]:
    """The context one token is judged in: itself, its neighbours, its head."""
    c = cols or _Columns(doc)
    tok, j = doc[i], i + 2
    w, t, wp, tp, wn, tn = c.w[j], c.t[j], c.w[j - 1], c.t[j - 1], c.w[j + 1], c.t[j + 1]
    wpp, tpp, tnn = c.w[j - 2], c.t[j - 2], c.t[j + 2]
    head, dep, shape = tok.head, tok.dep_, _shape(tok)
    return [
        "b", f"w={w}", f"t={t}", f"s={shape}", f"suf={w[-3:]}|{t}",
        f"wp={wp}|w={w}", f"w={w}|wn={wn}", f"tp={tp}|t={t}", f"t={t}|tn={tn}",
        f"tpp={tpp}|tp={tp}|t={t}", f"tp={tp}|t={t}|tn={tn}", f"t={t}|tn={tn}|tnn={tnn}",
        f"wp={wp}|t={t}", f"t={t}|wn={wn}", f"wp={wp}|w={w}|wn={wn}", f"wpp={wpp}|wp={wp}|w={w}",
        f"dep={dep}|t={t}", f"dep={dep}|w={w}|ht={head.tag_}",
        f"ht={head.tag_}|t={t}|d={dep}|dir={'l' if tok.i < head.i else 'r'}",
        f"hl={head.lemma_.lower()}|w={w}", f"oov={tok.is_oov}|s={shape}|t={t}",
        f"nk={tok.n_lefts + tok.n_rights}|t={t}",
    ]


def doc_features(doc: Doc) -> list[list[str]]:
    """Every non-space token's features, in order."""
    cols = _Columns(doc)
    return [token_features(doc, i, cols) for i in range(len(doc)) if not doc[i].is_space]


def hash_features(names: list[str]) -> list[int]:
    return [zlib.crc32(n.encode("utf-8")) & _MASK for n in names]


def load_weights(path=None) -> np.ndarray:
    """The shipped weights (once per process), or those at ``path``."""
    global _weights
    if path is not None:
        return _read(path)
    if _weights is None:
        with _lock:
            if _weights is None:
                _weights = _read(resources.files("assessor") / "data" / "errordensity" / "weights.npy")
    return _weights


def _read(path) -> np.ndarray:
    path = Path(path) if isinstance(path, str) else path
    try:
        with path.open("rb") as fh:
            w = np.load(fh, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the error-density weights at {path}: {exc}") from exc
    if w.shape != (1 << BITS,):
        raise ModelError(f"error-density weights at {path} have shape {w.shape}, expected {(1 << BITS,)}")
    return w.astype(np.float64)


def token_probabilities(doc: Doc, weights: np.ndarray | None = None) -> np.ndarray:
    w = load_weights() if weights is None else weights
    rows = doc_features(doc)
    if not rows:
        return np.zeros(0)
    # One lookup for the whole document, then a sum per token.
    flat = np.fromiter((zlib.crc32(f.encode("utf-8")) & _MASK for row in rows for f in row),
                       dtype=np.int64)
    starts = np.cumsum([0] + [len(r) for r in rows[:-1]])
    scores = np.add.reduceat(w[flat], starts)
    return 1.0 / (1.0 + np.exp(-scores))


def features(doc: Doc, weights: np.ndarray | None = None) -> dict[str, float]:
    """Densities the level model reads; neutral (zero) for an empty text."""
    p = token_probabilities(doc, weights)
    words = sum(1 for t in doc if t.is_alpha) or 1
    if not len(p):
        return {"ged_mean": 0.0, "ged_rate": 0.0, "ged_high_share": 0.0, "ged_log_odds": 0.0}
    mean = float(p.mean())
    return {
        "ged_mean": mean,
        "ged_rate": float(p.sum()) * 100.0 / words,
        "ged_high_share": float(np.mean(p > 0.5)),
        # The log-odds spreads out the low end, where proficient writers differ.
        "ged_log_odds": math.log(max(mean, 1e-4) / max(1.0 - mean, 1e-4)),
    }
