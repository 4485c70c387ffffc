"""Near-duplicate fingerprints."""
from __future__ import annotations

import pytest

from assessor.services.fingerprint import NEAR_DUPLICATE_BITS, distance, simhash

BASE = ("Thank you for contacting us about your late order. I am sorry for the delay and I "
        "have asked the courier to check where the parcel is. You will hear from me tomorrow.")


@pytest.mark.parametrize("text, expected", [
    (BASE, True),
    (BASE.replace("tomorrow", "on Monday"), True),
    ("I prefer working in the office because I can ask my team leader for help quickly and "
     "the internet connection is more reliable than at home.", False),
])
def test_near_duplicates(text, expected):
    assert (distance(simhash(BASE), simhash(text)) <= NEAR_DUPLICATE_BITS) is expected


@pytest.mark.parametrize("text", ["", "too short", None])
def test_short_texts_have_no_fingerprint(text):
    assert simhash(text) is None
