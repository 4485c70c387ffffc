"""Spelling: pyspellchecker's US dictionary, British spellings accepted.

A word is accepted when pyspellchecker knows it, when wordfreq says it is a
common English word (Zipf frequency at or above ``min_zipf``), or when it is a
British spelling (colour, organise, centre, travelled …) of a word the US
dictionary knows and wordfreq has seen it. Proper nouns (capitalised in
mid-sentence), abbreviations, URLs, e-mail addresses, numbers and codes are
never checked. Suggestions are computed only for the words reported, edit
distance 1 first.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Token

from ..errors import DataError
from .resources import shared

#: British → US spelling patterns; a British form is accepted when one of these
#: (or all together) turns it into a word the US dictionary knows.
_BRITISH_TO_US = (
    (re.compile(r"our(?=[a-z]*$)"), "or"),
    (re.compile(r"is(e|es|ed|ing|ation|ations|able|er|ers)$"), r"iz\1"),
    (re.compile(r"isation"), "ization"),
    (re.compile(r"ys(e|es|ed|ing|er|ers)$"), r"yz\1"),
    (re.compile(r"([bcdfghkmnpstvz])re(s|d)?$"), r"\1er\2"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"ll(ed|ing|er|ers|or|ors|ery|ation)$"), r"l\1"),
    (re.compile(r"ence(s)?$"), r"ense\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
    (re.compile(r"mme(s)?$"), r"m\1"),
    (re.compile(r"eable$"), "able"),
    (re.compile(r"gement"), "gment"),
)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_SHORT_QUOTE = re.compile(
    r"[\"\u201c\u201d(]([^\"\u201c\u201d()\s]+(?:[ \t][^\"\u201c\u201d()\s]+){0,3})[\"\u201c\u201d)]")
_SENTENCE_END = frozenset(".!?:;\"'\u201c\u201d()")


def _edits1(word: str) -> set[str]:
    """Every string one delete, transpose, replace or insert away. Distance 2
    would cost a hundred times more for little gain on learner errors."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    edits.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    edits.update(a + c + b for a, b in splits for c in _LETTERS)
    edits.discard(word)
    return edits


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Stretches where unknown words are mostly names or foreign words: short
    quotations and brackets ("bacalhau na brasa", (ibid: 91)) and a short last
    line (the sign-off under a letter)."""
    spans = [m.span(1) for m in _SHORT_QUOTE.finditer(text)]
    stripped = text.rstrip()
    last_line = stripped.rfind("\n") + 1
    if last_line > 0 and len(stripped[last_line:].split()) <= 3:
        spans.append((last_line, len(stripped)))
    return spans


@dataclass(frozen=True)
class Misspelling:
    token_index: int
    offset: int
    length: int
    word: str


class Speller:
    """Finds misspelt words in a spaCy ``Doc``. Build once and share: the
    dictionary takes a fraction of a second to load."""

    def __init__(self, min_zipf: float = 4.0, rare_zipf: float = 1.0, neighbour_margin: float = 1.75,
                 common_zipf: float = 5.0, max_suggestions: int = 3) -> None:
        try:
            from spellchecker import SpellChecker
            from wordfreq import get_frequency_dict
        except ImportError as exc:
            raise DataError("pyspellchecker and wordfreq are needed for spelling") from exc
        try:
            self._checker = SpellChecker(language="en", distance=1)
        except (OSError, ValueError) as exc:
            raise DataError("pyspellchecker's English dictionary cannot be loaded") from exc
        try:
            # A plain dict: wordfreq's zipf_frequency() re-tokenises on every call.
            self._freq = get_frequency_dict("en")
        except (OSError, ValueError) as exc:
            raise DataError("wordfreq's English frequency list cannot be loaded") from exc
        self.min_zipf = min_zipf
        self.rare_zipf = rare_zipf
        self.neighbour_margin = neighbour_margin
        self.common_zipf = common_zipf
        self.max_suggestions = max_suggestions
        self._known = self._checker.word_frequency.dictionary
        # Bound per-instance caches: answers repeat the same words a lot.
        self.is_known = lru_cache(maxsize=50_000)(self._is_known)
        self.suggestions = lru_cache(maxsize=10_000)(self._suggestions)

    def _zipf(self, word: str, _lang: str = "en") -> float:
        freq = self._freq.get(word, 0.0)
        return math.log10(freq) + 9.0 if freq > 0 else 0.0

    def _is_known(self, word: str) -> bool:
        lower = word.lower()
        if lower in self._known:
            return True
        zipf = self._zipf(lower, "en")
        if zipf >= self.min_zipf or self._is_british(lower):
            return True
        return zipf >= self.rare_zipf and not self._has_common_neighbour(lower, zipf)

    def _has_common_neighbour(self, lower: str, zipf: float) -> bool:
        """A rare word wordfreq has seen (agentic, pickpocketing) is accepted
        unless a far more common word is one edit away: then it is more likely
        a slip for that word (recieve → receive)."""
        neighbours = [w for w in _edits1(lower) if w in self._known]
        best = max((self._zipf(w, "en") for w in neighbours), default=0.0)
        return best - zipf >= self.neighbour_margin

    def _is_british(self, lower: str) -> bool:
        if self._zipf(lower, "en") <= 0:
            return False  # a form no English text uses is not a spelling variant
        combined = lower
        for pattern, repl in _BRITISH_TO_US:
            us = pattern.sub(repl, lower)
            if us != lower and us in self._known:
                return True
            combined = pattern.sub(repl, combined)
        return combined in self._known

    def _slip_of_common_word(self, lower: str) -> bool:
        """One edit from a very common word (Becuase → because): a slip, not a name."""
        return any(self._zipf(w) >= self.common_zipf for w in _edits1(lower) if w in self._known)

    def _suggestions(self, word: str) -> tuple[str, ...]:
        lower = word.lower()
        found = [w for w in _edits1(lower) if w in self._known]
        ranked = sorted(found, key=lambda w: (-self._known[w], w))
        return tuple(self._same_case(word, w) for w in ranked[: self.max_suggestions])

    @staticmethod
    def _same_case(template: str, word: str) -> str:
        if template[:1].isupper():
            return word[:1].upper() + word[1:]
        return word

    def misspellings(self, doc: Doc) -> list[Misspelling]:
        found = []
        skipped = _protected_spans(doc.text)
        for tok in doc:
            # The cached dictionary lookup first: most tokens are known words,
            # and the checks of a token's neighbours cost far more.
            if not self.is_known(tok.text) and self._checkable(tok):
                if any(start <= tok.idx < end for start, end in skipped):
                    continue
                if tok.tag_ in ("NNP", "NNPS") and not self._slip_of_common_word(tok.lower_):
                    continue  # a name starting the sentence (Andreia, Zarbatany)
                found.append(Misspelling(tok.i, tok.idx, len(tok.text), tok.text))
        return found

    @staticmethod
    def _starts_sentence(tok: Token) -> bool:
        if tok.i == 0 or tok.is_sent_start:
            return True
        prev = tok.doc[tok.i - 1]
        return prev.text in _SENTENCE_END or "\n" in prev.text or "\n" in prev.whitespace_

    def _checkable(self, tok: Token) -> bool:
        text = tok.text
        if len(text) < 2 or not tok.is_alpha or not text.isascii():
            return False
        if tok.norm_ != tok.lower_ or text.isupper():
            return False  # a piece of a contraction (do|nt) or an abbreviation
        if text[0].isupper() and not self._starts_sentence(tok):
            return False  # a name
        if not text[1:].islower():
            return False  # iPhone, McDonald
        if tok.i > 0:
            prev = tok.doc[tok.i - 1]
            if not prev.whitespace_ and (prev.like_num or prev.text in "@#/\\_-.'"):
                return False  # 5pm, @handle, #tag, file.ext
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if nxt is not None and not tok.whitespace_ and (
                nxt.like_num or nxt.text in "@/\\_" or nxt.text[0] in "'\u2019\u00b4"):
            return False  # 5pm, a path, doesn|'s
        return True


def default_speller() -> Speller:
    """The process-wide speller, built on first use."""
    return shared.get("speller", Speller)
