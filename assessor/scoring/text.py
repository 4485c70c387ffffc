"""Input guards: turn whatever a person pasted into plain text we can analyse.

HTML tags are dropped and entities decoded, control characters removed and
line endings normalised, but every character of the plain text remembers where
it came from, so issues found in the plain text highlight the right span of
the original answer.
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from ..errors import InputError

_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?|!--.*?--)>", re.S)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_TAGS = re.compile(r"<(?:/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote)\b)", re.I)
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", re.U)


@dataclass(frozen=True)
class PreparedText:
    original: str
    plain: str
    #: ``origin[i]`` is the index in ``original`` of ``plain[i]``; one extra
    #: entry maps the end of the plain text.
    origin: tuple[int, ...]
    had_markup: bool
    removed_controls: int

    def span_to_original(self, offset: int, length: int) -> tuple[int, int]:
        """Map a plain-text span to the original text (start, length)."""
        offset = max(0, min(offset, len(self.plain)))
        end = max(offset, min(offset + length, len(self.plain)))
        start_o = self.origin[offset]
        if end == offset:
            return start_o, 0
        end_o = self.origin[end - 1] + 1
        return start_o, max(0, end_o - start_o)


def _keep(ch: str) -> bool:
    if ch in "\n\t":
        return True
    cat = unicodedata.category(ch)
    # Cc control, Cf format (zero-width joiners, bidi marks), Cs lone surrogates,
    # Co private use, Cn unassigned: none of these carry words.
    return not cat.startswith("C")


_SPECIAL = ("<", "&", "\r", "\u00a0")


def _is_plain(text: str) -> bool:
    """Most answers need no cleaning; str.isprintable() checks that in C.

    isprintable() is also False for spaces other than " " (which the slow
    path keeps), so the fast path is only ever a shortcut, never a change.
    """
    return (not any(ch in text for ch in _SPECIAL)
            and text.replace("\n", "").replace("\t", "").isprintable())


def prepare(text: object, max_chars: int) -> PreparedText:
    """Validate and clean an answer. Raises :class:`InputError` for bad input."""
    if not isinstance(text, str):
        raise InputError(f"text must be a string, not {type(text).__name__}")
    if len(text) > max_chars:
        raise InputError(
            f"text is {len(text)} characters long; the limit is {max_chars}")
    if _is_plain(text):
        return PreparedText(text, text, tuple(range(len(text) + 1)), False, 0)
    return _clean(text)


def _clean(text: str) -> PreparedText:
    chars: list[str] = []
    origin: list[int] = []
    removed = 0
    had_markup = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "<":
            m = _TAG.match(text, i)
            if m:
                had_markup = True
                if _BLOCK_TAGS.match(text, i):
                    chars.append("\n")
                    origin.append(i)
                i = m.end()
                continue
        if ch == "&":
            m = _ENTITY.match(text, i)
            if m:
                decoded = html.unescape(m.group(0))
                if decoded != m.group(0):
                    had_markup = True
                    for d in decoded:
                        if _keep(d):
                            chars.append(d)
                            origin.append(i)
                    i = m.end()
                    continue
        if ch == "\r":
            # CRLF becomes one newline; a lone CR is a newline too.
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
                continue
            chars.append("\n")
            origin.append(i)
        elif ch == "\u00a0":
            chars.append(" ")
            origin.append(i)
        elif _keep(ch):
            chars.append(ch)
            origin.append(i)
        else:
            removed += 1
        i += 1
    origin.append(n)
    return PreparedText(text, "".join(chars), tuple(origin), had_markup, removed)


def words(text: str) -> list[str]:
    """Alphabetic word tokens (any script), for counting and language checks."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(words(text))
