"""SimHash fingerprints of answers, for spotting near-duplicate submissions
(shared templates, copied answers) across applicants."""
from __future__ import annotations

import hashlib
import re

_WORD = re.compile(r"[a-z0-9']+")
#: Hamming distance (of 64 bits) up to which two answers count as near-duplicates:
#: one changed word in a 30-word answer moves ~10 bits; unrelated answers sit near 32.
NEAR_DUPLICATE_BITS = 12


def simhash(text: str) -> str | None:
    words = _WORD.findall((text or "").lower())
    shingles = [" ".join(words[i:i + 3]) for i in range(max(len(words) - 2, 0))]
    if len(shingles) < 5:
        return None  # too short for the fingerprint to mean anything
    weights = [0] * 64
    for shingle in shingles:
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")
