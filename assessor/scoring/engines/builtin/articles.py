"""a/an by the sound of the next word, not its first letter."""
from __future__ import annotations

from collections.abc import Iterator


from ...types import Issue
from .resources import GrammarData, issue, match_case, Tokens

_MESSAGE_AN = "Use 'an' before a word that starts with a vowel sound: 'an {word}'."
_MESSAGE_A = "Use 'a' before a word that starts with a consonant sound: 'a {word}'."


def _is_acronym(word: str) -> bool:
    """Capitals read letter by letter: short ones, or longer ones with no vowel
    (longer capitalised words may be read as words: NASA, RISK)."""
    if not (word.isalpha() and word.isupper() and 2 <= len(word) <= 5):
        return False
    return len(word) <= 3 or not any(c in "AEIOU" for c in word)


def _number_wants_an(word: str) -> bool | None:
    """'an 8-hour shift', 'an 11-year-old', 'an 18', 'a 10', 'a 100'."""
    digits = ""
    for ch in word:
        if ch.isdigit():
            digits += ch
        elif ch != ",":
            break
    if not digits or digits.startswith("0"):
        return None
    if digits[0] == "8":
        return True
    # eleven, eighteen (and eleven/eighteen thousand, million …) start with a vowel sound
    return digits[:2] in ("11", "18") and len(digits) % 3 == 2


def wants_an(word: str, data: GrammarData) -> bool | None:
    """True if ``word`` takes 'an', False if 'a', None when it varies or is unclear."""
    if word[:1].isdigit():
        return _number_wants_an(word)
    if not word or not word[0].isalpha() or not word[0].isascii():
        return None
    art = data.articles
    lower = word.lower()
    if any(lower.startswith(p) for p in art["skip_prefixes"]):
        return None
    if word.islower() and not any(c in "aeiouy" for c in lower):
        return None  # 'sms', 'mp': read as letters or as a word? Unclear.
    if len(word) == 1:
        # A single capital is read as a letter name (an A grade); a lower-case one is unclear.
        return lower in art["vowel_letters"] if word.isupper() else None
    if word.isupper() and len(word) > 1 and not _is_acronym(word):
        return None
    if _is_acronym(word):
        if lower in art["word_acronyms"]:
            return None
        return lower[0] in art["vowel_letters"]
    if lower in art["an_words"] or any(lower.startswith(p) for p in art["an_prefixes"]):
        return True
    if lower in art["a_words"] or any(lower.startswith(p) for p in art["a_prefixes"]):
        return False
    return lower[0] in "aeiou"


def a_an(doc: Tokens, data: GrammarData) -> Iterator[Issue]:
    for tok in doc[:-1]:
        lower = tok.lower_
        if lower not in ("a", "an") or tok.tag_ != "DT":
            continue
        nxt = doc[tok.i + 1]
        if nxt.is_punct or nxt.is_space or not tok.whitespace_:
            continue
        expect_an = wants_an(nxt.text, data)
        if expect_an is None or expect_an == (lower == "an"):
            continue
        fix = "an" if expect_an else "a"
        message = (_MESSAGE_AN if expect_an else _MESSAGE_A).format(word=nxt.text)
        yield issue(tok.idx, len(tok.text), "grammar", "BUILTIN_A_AN", message,
                    (match_case(tok.text, fix),))
