"""Everything heavy the scorer reads, loaded once per process.

spaCy, the word levels, the spelling dictionary, the rule data, the usage
model, the detectors, the level model and the role profiles are each loaded
on first use and shared by every thread. One registry does it, so there is
one lock, one place a worker warms before it forks, and one way for tests to
start from nothing. Each module keeps its own loader (what to load is its
business); this module only decides when.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")


class Resources:
    def __init__(self) -> None:
        self._items: dict[Hashable, Any] = {}
        # Re-entrant: one loader may need another (the scorer's word data
        # needs the parser's vocabulary).
        self._lock = threading.RLock()

    def get(self, key: Hashable, loader: Callable[[], T]) -> T:
        """The resource under ``key``, loading it with ``loader`` the first time."""
        try:
            return self._items[key]
        except KeyError:
            pass
        with self._lock:
            if key not in self._items:
                self._items[key] = loader()
            return self._items[key]

    def loaded(self) -> list[Hashable]:
        return list(self._items)

    def forget(self, key: Hashable | None = None) -> None:
        """Drop one resource (or all) so the next use loads it again."""
        with self._lock:
            if key is None:
                self._items.clear()
            else:
                self._items.pop(key, None)


#: The process's resources.
shared = Resources()
