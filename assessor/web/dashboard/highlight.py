"""Cut an answer into plain and highlighted pieces from its issues' offsets
(which point into the original text), for the candidate detail page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Piece:
    text: str
    issue: int | None = None  # 1-based number in the answer's issue list
    category: str = ""
    message: str = ""


def pieces(text: str, issues: list[dict[str, Any]]) -> list[Piece]:
    """Overlapping issues keep the earlier one highlighted; every issue still
    appears in the numbered list under the answer."""
    out: list[Piece] = []
    pos = 0
    ordered = sorted(enumerate(issues, start=1), key=lambda p: (p[1].get("offset", 0), p[0]))
    for number, issue in ordered:
        start, length = int(issue.get("offset", 0)), int(issue.get("length", 0))
        end = min(start + max(length, 1), len(text))
        if start < pos or start >= len(text):
            continue
        if start > pos:
            out.append(Piece(text[pos:start]))
        out.append(Piece(text[start:end], number, str(issue.get("category", "")),
                         str(issue.get("message", ""))))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out


def numbered(issues: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(issues, start=1))
