"""Answers cut into highlighted pieces from issue offsets."""
from __future__ import annotations

import pytest

from assessor.web.dashboard.highlight import pieces


def _issue(offset, length, category="grammar"):
    return {"offset": offset, "length": length, "category": category, "message": "m"}


@pytest.mark.parametrize("text, issues, expected", [
    ("I has a cat.", [_issue(2, 3)], [("I ", None), ("has", 1), (" a cat.", None)]),
    ("Helo wrld", [_issue(0, 4, "spelling"), _issue(5, 4, "spelling")],
     [("Helo", 1), (" ", None), ("wrld", 2)]),
    # Overlap: the earlier issue is marked, the later one only listed.
    ("abcdef", [_issue(0, 4), _issue(2, 3)], [("abcd", 1), ("ef", None)]),
    # Out of order in the result, in order in the text; numbers stay the list's.
    ("one two", [_issue(4, 3), _issue(0, 3)], [("one", 2), (" ", None), ("two", 1)]),
    # A zero-length issue (missing comma) marks one character; offsets past the end are ignored.
    ("ab", [_issue(1, 0), _issue(9, 2)], [("a", None), ("b", 1)]),
    ("no issues", [], [("no issues", None)]),
])
def test_pieces(text, issues, expected):
    got = pieces(text, issues)
    assert [(p.text, p.issue) for p in got] == expected
    assert "".join(p.text for p in got) == text  # nothing lost or repeated
