"""Error density: how much of an answer a trained error detector marks as wrong.

The rule engines flag errors precisely but find few of them (the built-in
engine finds 4% of gold grammar edits), and raters judge grammar by how much
of a text is wrong. This detector is the opposite trade: a logistic model
over each token's context (words, tags, dependencies around it), trained on
learner texts whose tokens are labelled by gold corrections, gives every
token a probability of being part of an error. Its flags are too imprecise to
show anyone, so it only feeds the level model, as densities.

Each template (a conjunction of token columns, see :data:`TEMPLATES`) is
hashed from the CRC-32 of its strings with a fixed integer mixer, so buckets
are the same in every process and on every machine; the weights are a fixed
vector shipped in ``data/errordensity/``. The hashing runs on whole columns
in numpy: about 1 ms for a 250-word answer.
"""
from __future__ import annotations

import math
import zlib
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.attrs import DEP, HEAD, IS_ALPHA, IS_LOWER, IS_SPACE, IS_TITLE, LEMMA, LIKE_NUM, LOWER, TAG
from spacy.tokens import Doc

from ..errors import ModelError
from .resources import shared

BITS = 18
_MASK = (1 << BITS) - 1

_ATTRS = (LOWER, TAG, DEP, HEAD, LEMMA, IS_ALPHA, IS_TITLE, IS_LOWER, LIKE_NUM, IS_SPACE)
_PAD = 2
# Each template conjoins token columns (offsets relative to the token):
# the word and tag windows, the dependency arc and the head.
TEMPLATES: tuple[tuple[str, ...], ...] = (
    ("w0",), ("t0",), ("sh",), ("suf", "t0"), ("w-1", "w0"), ("w0", "w+1"), ("t-1", "t0"),
    ("t0", "t+1"), ("t-2", "t-1", "t0"), ("t-1", "t0", "t+1"), ("t0", "t+1", "t+2"),
    ("w-1", "t0"), ("t0", "w+1"), ("w-1", "w0", "w+1"), ("w-2", "w-1", "w0"), ("dep", "t0"),
    ("dep", "w0", "ht"), ("ht", "t0", "dep", "dir"), ("hl", "w0"), ("sh", "t0"), ("nk", "t0"), (),
)
_M1, _M2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)


def _shape(alpha: int, title: int, lower: int, num: int) -> str:
    if alpha:
        if title:
            return "Xx"
        return "xx" if lower else "XX"
    return "d" if num else "p"


_seen: dict[str, int] = {}
#: Most strings (tags, common words) recur in every answer: remembering their
#: CRC-32 is cheaper than computing it, up to a bound on memory.
_SEEN_MAX = 500_000


def _crc(name: str) -> int:
    h = _seen.get(name)
    if h is None:
        h = zlib.crc32(name.encode("utf-8"))
        if len(_seen) < _SEEN_MAX:
            _seen[name] = h
    return h


def _columns(doc: Doc) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every column a template reads, one stable (CRC-32) id per token, and
    which tokens are not whitespace. Read from the document's arrays once:
    a spaCy Token object per access is what makes per-token Python slow."""
    strings = doc.vocab.strings
    a = doc.to_array(list(_ATTRS))  # uint64; HEAD holds signed offsets
    ids = [a[:, k].tolist() for k in range(len(_ATTRS))]
    n = len(doc)
    words = [strings[x] for x in ids[0]]
    w = np.array([_crc(x) for x in words], dtype=np.uint64)
    t = np.array([_crc(strings[x]) for x in ids[1]], dtype=np.uint64)
    head = np.arange(n) + a[:, 3].astype(np.int64)
    pad = np.full(_PAD, _crc("<s>"), dtype=np.uint64)
    wp, tp = np.concatenate([pad, w, pad]), np.concatenate([pad, t, pad])
    cols = {f"w{k:+d}" if k else "w0": wp[_PAD + k:_PAD + k + n] for k in range(-2, 2)}
    cols.update({f"t{k:+d}" if k else "t0": tp[_PAD + k:_PAD + k + n] for k in range(-2, 3)})
    cols["sh"] = np.array([_crc(_shape(*r)) for r in zip(*ids[5:9])], dtype=np.uint64)
    cols["suf"] = np.array([_crc(x[-3:]) for x in words], dtype=np.uint64)
    cols["dep"] = np.array([_crc(strings[x]) for x in ids[2]], dtype=np.uint64)
    cols["ht"] = t[head]
    cols["hl"] = np.array([_crc(strings[x].lower()) for x in ids[4]], dtype=np.uint64)[head]
    cols["dir"] = (np.arange(n) < head).astype(np.uint64)
    cols["nk"] = np.bincount(head[head != np.arange(n)], minlength=n).astype(np.uint64)
    return cols, ~np.array(ids[9], dtype=bool)


def buckets(doc: Doc) -> np.ndarray:
    """Weight indices, one row per non-space token and one column per template."""
    if not len(doc):
        return np.zeros((0, len(TEMPLATES)), dtype=np.int64)
    cols, keep = _columns(doc)
    out = np.empty((len(doc), len(TEMPLATES)), dtype=np.uint64)
    with np.errstate(over="ignore"):  # the mixing relies on wrap-around
        for k, template in enumerate(TEMPLATES):
            h = np.full(len(doc), np.uint64(k + 1) * _M1, dtype=np.uint64)
            for name in template:
                h = (h ^ cols[name]) * _M2
                h ^= h >> np.uint64(31)
            out[:, k] = h
    return (out[keep] & np.uint64(_MASK)).astype(np.int64)


#: The bucket of the constant template, where a trainer folds its intercept.
with np.errstate(over="ignore"):
    BIAS = int((np.uint64(len(TEMPLATES)) * _M1) & np.uint64(_MASK))


def load_weights(path=None) -> np.ndarray:
    """The shipped weights (once per process), or those at ``path``."""
    if path is not None:
        return _read(path)
    return shared.get("errordensity", lambda: _read(
        resources.files("assessor") / "data" / "errordensity" / "weights.npy"))


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
    scores = w[buckets(doc)].sum(axis=1)
    return 1.0 / (1.0 + np.exp(-scores))


def features(doc: Doc, weights: np.ndarray | None = None) -> dict[str, float]:
    """Densities the level model reads; neutral (zero) for an empty text."""
    p = token_probabilities(doc, weights)
    words = max(1, int(doc.to_array([IS_ALPHA]).sum()) if len(doc) else 0)
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
