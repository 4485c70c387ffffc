"""The built-in grammar engine: rules on the spaCy parse, offline and fast.

Precision comes first: a rule only fires where the parse and the data leave
little doubt, because a false error shown to an applicant is a defect.
"""
from __future__ import annotations

from spacy.tokens import Doc

from ...spelling import Speller, default_speller
from ...types import Issue
from . import agreement, articles, confusions, mechanics, nouns, verbforms
from .resources import ENGINE_NAME, GrammarData, grammar_data, issue

_DOC_RULES = (
    confusions.confusions,
    verbforms.verb_forms,
    agreement.subject_verb,
    agreement.there_is_are,
    nouns.uncountable_nouns,
    nouns.determiner_number,
    nouns.one_of_the,
    nouns.missing_article,
    articles.a_an,
    mechanics.repeated_words,
    mechanics.lowercase_i_and_names,
)
_TEXT_RULES = (
    mechanics.missing_apostrophe,
    mechanics.sentence_start,
    mechanics.missing_space,
    mechanics.opener_comma,
)
_SPELLING_MESSAGE = "Possible spelling mistake: '{word}'."


class BuiltinEngine:
    """Implements :class:`assessor.scoring.engines.base.GrammarEngine`."""

    name = ENGINE_NAME

    def __init__(self, speller: Speller | None = None, data: GrammarData | None = None,
                 spelling: bool = True) -> None:
        self._speller = speller
        self._data = data
        self._spelling = spelling

    def warm_up(self) -> None:
        """Load the rule data and the dictionaries now (about half a second),
        so that the first answer scored does not wait for them."""
        self._grammar_data()
        if self._spelling:
            self._get_speller().is_known("warm")

    def _grammar_data(self) -> GrammarData:
        if self._data is None:
            self._data = grammar_data()
        return self._data

    def _get_speller(self) -> Speller:
        if self._speller is None:
            self._speller = default_speller()
        return self._speller

    def check(self, text: str, doc: Doc) -> list[Issue]:
        data = self._grammar_data()
        found: list[Issue] = []
        tokens = list(doc)
        for rule in _DOC_RULES:
            found.extend(rule(tokens, data))
        for text_rule in _TEXT_RULES:
            found.extend(text_rule(text, data))
        if self._spelling:
            found.extend(self._spelling_issues(doc))
        return _without_overlaps(found)

    def _spelling_issues(self, doc: Doc) -> list[Issue]:
        speller = self._get_speller()
        return [issue(m.offset, m.length, "spelling", "BUILTIN_SPELLING",
                      _SPELLING_MESSAGE.format(word=m.word), speller.suggestions(m.word))
                for m in speller.misspellings(doc)]


def _without_overlaps(found: list[Issue]) -> list[Issue]:
    """One issue per stretch of text: rules earlier in the list win, because
    the specific rules come before the general ones (spelling last)."""
    kept: list[Issue] = []
    taken: list[tuple[int, int]] = []
    for item in found:
        end = item.offset + max(item.length, 1)
        if any(item.offset < t_end and t_start < end for t_start, t_end in taken):
            continue
        kept.append(item)
        taken.append((item.offset, end))
    kept.sort(key=lambda i: (i.offset, i.length))
    return kept
