"""Mechanics: repeated words, capital letters, missing apostrophes and spaces."""
from __future__ import annotations

import re
from collections.abc import Iterator


from ...types import Issue
from .resources import GrammarData, issue, Tokens

# A lower-case word right after a sentence end. The word before the stop is
# captured to tell abbreviations (e.g., etc.) from sentence ends.
_SENTENCE_START = re.compile(r"(\S*?)([.!?])([\"'\u201d\u2019)]?)\s+([a-z][a-z']*)(?=[\s,.;:!?]|$)")
_TEXT_START = re.compile(r"\s*([a-z][a-z']*)(?=[\s,.;:!?]|$)")
_CONTRACTION = re.compile(r"(?<![\w'\u2019@./-])([A-Za-z]{2,9})(?![\w'\u2019@/-]|\.[A-Za-z])")
_MISSING_SPACE = re.compile(r"(?<![\w./@:-])([A-Za-z][a-z]+)([,;]|[.!?](?=[A-Z][a-z]))([A-Za-z]{2,})(?![\w.@/:])")


def repeated_words(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if not tok.is_alpha or tok.lower_ != nxt.lower_ or not tok.whitespace_:
            continue
        if tok.lower_ in data.allowed_repeats or "\n" in tok.whitespace_:
            continue
        yield issue(tok.idx, nxt.idx + len(nxt.text) - tok.idx, "grammar", "BUILTIN_REPEATED_WORD",
                    f"The word '{tok.text}' is repeated.", (tok.text,))


def lowercase_i_and_names(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for tok in doc:
        text = tok.text
        if text == "i" and tok.tag_ == "PRP":
            yield issue(tok.idx, 1, "capitalisation", "BUILTIN_LOWERCASE_I",
                        "Always write the pronoun 'I' as a capital letter.", ("I",))
        elif text in data.always_capital and tok.is_alpha:
            proper = data.always_capital[text]
            yield issue(tok.idx, len(text), "capitalisation", "BUILTIN_PROPER_CAPITAL",
                        f"Days, months, languages and nationalities start with a capital letter: '{proper}'.",
                        (proper,))


def _starts(text: str, data: GrammarData) -> Iterator[tuple[int, str]]:
    """Offsets of lower-case words that begin the text or a sentence."""
    first = _TEXT_START.match(text)
    if first:
        yield first.start(1), first.group(1)
    for m in _SENTENCE_START.finditer(text):
        before, stop, closing, word = m.group(1), m.group(2), m.group(3), m.group(4)
        if closing:
            continue  # '"Are you OK?" she asked' goes on in lower case
        if stop == "." and (before.lower().rstrip(".") in data.abbreviations or "." in before
                            or len(before) <= 1 or not before[-1:].isalpha()):
            continue  # an abbreviation, an ellipsis, a number or an initial
        yield m.start(4), word


def sentence_start(text: str, data: GrammarData) -> Iterator[Issue]:
    for start, word in _starts(text, data):
        if word == "i" or word.startswith(("www", "http")):
            continue  # the pronoun has its own rule; links keep their case
        fixed = word[0].upper() + word[1:]
        yield issue(start, len(word), "capitalisation", "BUILTIN_SENTENCE_START",
                    f"Start a sentence with a capital letter: '{fixed}'.", (fixed,))


def missing_apostrophe(text: str, data: GrammarData) -> Iterator[Issue]:
    for m in _CONTRACTION.finditer(text):
        word = m.group(1)
        fix = data.contractions.get(word.lower())
        if fix is None or word.isupper():
            continue
        if word[0].isupper() and not fix[0].isupper():
            fix = fix[0].upper() + fix[1:]
        yield issue(m.start(1), len(word), "spelling", "BUILTIN_MISSING_APOSTROPHE",
                    f"This short form needs an apostrophe: '{fix}'.", (fix,))


def missing_space(text: str, data: GrammarData) -> Iterator[Issue]:
    for m in _MISSING_SPACE.finditer(text):
        mark = m.group(2)
        if m.group(1).lower() in data.abbreviations:
            continue
        yield issue(m.start(2), 1, "typography", "BUILTIN_SPACE_AFTER_PUNCT",
                    f"Put a space after '{mark}'.", (mark + " ",))


_opener_cache: dict[int, re.Pattern[str]] = {}


def _opener_pattern(data: GrammarData) -> re.Pattern[str]:
    key = id(data.openers)
    if key not in _opener_cache:
        alternatives = "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in
                                sorted(data.openers, key=len, reverse=True))
        _opener_cache[key] = re.compile(
            rf"(?:^|(?<=[.!?])\s+|\n\s*)({alternatives})[ \t]+([A-Za-z']+)", re.I)
    return _opener_cache[key]


def opener_comma(text: str, data: GrammarData) -> Iterator[Issue]:
    """'However the order …' → 'However, the order …'."""
    for m in _opener_pattern(data).finditer(text):
        opener, following = m.group(1), m.group(2)
        if following.lower() in data.not_after_opener or not opener[0].isupper():
            continue
        yield issue(m.start(1), len(opener), "punctuation", "BUILTIN_OPENER_COMMA",
                    f"Put a comma after '{opener}' at the start of a sentence.", (opener + ",",))
