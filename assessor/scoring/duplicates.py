"""Fingerprints for spotting shared or memorised answers.

Applicants sometimes hand in the same model answer, a text passed around or
learnt by heart. :func:`fingerprint` turns an answer into 64 MinHash values
over word 5-shingles; the share of equal positions between two fingerprints
(:func:`similarity`) estimates the Jaccard similarity of their shingle sets, so
the service can store one small tuple per answer and compare new answers to
them. :func:`exact_key` catches verbatim copies cheaply.

Hashes come from BLAKE2b, never Python's ``hash()``, which is salted per
process: a fingerprint stored today must match one computed tomorrow.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Sequence

from ..errors import InputError

NUM_HASHES = 64
SHINGLE = 5
#: Mersenne prime 2**61 - 1: the universal-hash family (a*x + b) mod P.
_PRIME = (1 << 61) - 1
#: The value of every position when a text has no words at all.
EMPTY = _PRIME

_WORD = re.compile(r"[^\W_]+", re.U)


def _seeded(i: int, label: bytes) -> int:
    digest = hashlib.blake2b(label + i.to_bytes(2, "big"), digest_size=8,
                             person=b"assessor-mh").digest()
    return int.from_bytes(digest, "big") % _PRIME


# Fixed once and for all: changing them invalidates every stored fingerprint.
_A = tuple(_seeded(i, b"a") or 1 for i in range(NUM_HASHES))
_B = tuple(_seeded(i, b"b") for i in range(NUM_HASHES))


def normalise(text: str) -> list[str]:
    """Words of ``text`` with case, accents' composition and punctuation ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(text)


def _shingles(words: list[str]) -> set[str]:
    if len(words) < SHINGLE:
        # A short answer is one shingle: still comparable to its exact copies.
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _base_hash(shingle: str) -> int:
    digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % _PRIME


def fingerprint(text: str) -> tuple[int, ...]:
    """64 MinHash values of the answer's word 5-shingles (stable across processes)."""
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}")
    bases = [_base_hash(s) for s in _shingles(normalise(text))]
    if not bases:
        return (EMPTY,) * NUM_HASHES
    return tuple(min((a * x + b) % _PRIME for x in bases) for a, b in zip(_A, _B))


def similarity(fp_a: Sequence[int], fp_b: Sequence[int]) -> float:
    """Estimated Jaccard similarity (0–1) of the two answers' shingle sets."""
    if len(fp_a) != NUM_HASHES or len(fp_b) != NUM_HASHES:
        raise InputError(f"a fingerprint has {NUM_HASHES} values; got "
                         f"{len(fp_a)} and {len(fp_b)}")
    if all(v == EMPTY for v in fp_a) or all(v == EMPTY for v in fp_b):
        # Two empty answers are not "the same answer" in any useful sense.
        return 0.0
    return sum(a == b for a, b in zip(fp_a, fp_b)) / NUM_HASHES


def exact_key(text: str) -> str:
    """Hex key equal for answers that differ only in case, spacing or punctuation."""
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}")
    joined = " ".join(normalise(text))
    return hashlib.blake2b(joined.encode("utf-8"), digest_size=16).hexdigest()
