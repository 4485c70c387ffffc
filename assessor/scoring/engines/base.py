"""The grammar-engine interface every engine implements."""
from __future__ import annotations

from typing import Protocol, runtime_checkable

from spacy.tokens import Doc

from ..types import Issue


@runtime_checkable
class GrammarEngine(Protocol):
    """Finds grammar, spelling, punctuation … issues in plain text.

    ``check`` receives the plain text and its spaCy parse (engines that work on
    raw text may ignore the parse). Offsets in the returned issues are into
    ``text``; the caller maps them back to the original answer.
    """

    #: Stable name reported in every result, e.g. ``"builtin"`` or
    #: ``"languagetool"``.
    name: str

    def check(self, text: str, doc: Doc) -> list[Issue]:
        ...
