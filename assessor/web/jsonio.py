"""Request JSON that the rest of the app can store: no lone surrogates, no
absurd nesting.

``"\\ud800"`` (half an emoji) is valid JSON but not encodable as UTF-8, so the
database driver failed on it with a 500 wherever a text field took it; JSON
nested 100,000 deep made the parser recurse until ``RecursionError`` (another
500). Both are now a ``ValueError`` in :meth:`StrictJSONProvider.loads`,
which Flask turns into 400 Bad Request (or ``None`` with ``silent=True``).
"""
from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

#: Far deeper than any body the API takes (events are two levels down).
MAX_DEPTH = 32


def check_value(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise ValueError for a lone surrogate in any string or key, or for
    nesting deeper than ``max_depth``. Iterative, so depth cannot overflow."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError("text must not contain lone surrogates "
                                 "(an incomplete UTF-16 pair)") from None
        elif isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise ValueError(f"JSON nested deeper than {max_depth} levels")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels") from None
        check_value(value)
        return value
