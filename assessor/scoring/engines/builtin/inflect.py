"""Just enough English inflection to suggest corrections (goes, boxes, tried)."""
from __future__ import annotations

_VOWELS = "aeiou"
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh", "o")
_BE_HAVE_DO_3SG = {"be": "is", "have": "has", "do": "does", "go": "goes"}


def third_singular(base: str) -> str:
    """go → goes, try → tries, watch → watches, play → plays."""
    if base in _BE_HAVE_DO_3SG:
        return _BE_HAVE_DO_3SG[base]
    if base.endswith("y") and len(base) > 1 and base[-2] not in _VOWELS:
        return base[:-1] + "ies"
    if base.endswith(_SIBILANT_ENDINGS):
        return base + "es"
    return base + "s"


def plural(noun: str) -> str:
    """book → books, box → boxes, city → cities (regular nouns only)."""
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in _VOWELS:
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def regular_past(base: str) -> str | None:
    """finish → finished, decide → decided, try → tried; None where the final
    consonant may double (stop → stopped), which spelling alone cannot tell."""
    if base.endswith("e"):
        return base + "d"
    if base.endswith("y") and len(base) > 1 and base[-2] not in _VOWELS:
        return base[:-1] + "ied"
    if (len(base) >= 3 and base[-1] not in _VOWELS + "wxy" and base[-2] in _VOWELS
            and base[-3] not in _VOWELS):
        return None
    return base + "ed"
