"""The harper adapter: the one module that talks to harper (harper-py).

harper is a rule-based English grammar checker in Rust. It runs beside the
primary engine for the *feedback only*: the levels keep reading the built-in
engine's issues (``select.evidence_issues``). Only the rules on the allow-list
in ``assessor/data/harper/rules.json`` are run, each chosen because its flags
matched human corrections at precision 0.75 or better on each of two sets of
learner essays (``bench/harper_rules.py``; figures in that folder's README).

Every lint becomes :class:`~assessor.scoring.types.Issue` here, so nothing
else depends on harper's rule names, lint kinds or message markup. Any harper
failure leaves this module as :class:`EngineError`, chained to its cause.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Mapping

from spacy.tokens import Doc

from ...errors import DataError, EngineError, EngineUnavailable
from ..types import CATEGORIES, Issue

ENGINE_NAME = "harper"
_CODE = re.compile(r"`([^`]*)`")


def read_rules() -> dict[str, Any]:
    resource = resources.files("assessor") / "data" / "harper" / "rules.json"
    try:
        return json.loads(resource.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read assessor/data/harper/rules.json: {exc}") from exc


@dataclass(frozen=True)
class RuleSet:
    """The harper rules that are run, and the category each lint kind maps to."""

    rules: frozenset[str]
    by_kind: Mapping[str, str]
    default: str
    dialect: str
    max_suggestions: int = 3

    @classmethod
    def load(cls, data: Mapping[str, Any] | None = None) -> "RuleSet":
        data = read_rules() if data is None else data
        try:
            rules = frozenset(data["rules"])
            never = set(data.get("never", {}))
            made = cls(rules, dict(data["categories"]), data["default_category"],
                       str(data.get("dialect", "american")), int(data.get("max_suggestions", 3)))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"harper rules.json is malformed: {exc!r}") from exc
        # Spelling and regional-word rules follow one dialect, and the product
        # accepts US and British English alike: they must never be switched on.
        if rules & never:
            raise DataError(f"harper rules.json enables excluded rules {sorted(rules & never)}")
        unknown = {c for c in (*made.by_kind.values(), made.default) if c not in CATEGORIES}
        if unknown:
            raise DataError(f"harper rules.json maps to unknown categories {sorted(unknown)}")
        return made

    def category(self, lint_kind: str) -> str:
        return self.by_kind.get(lint_kind, self.default)


def _new_linter(rules: RuleSet) -> Any:
    """A harper Linter with only the allow-listed rules switched on."""
    import harper  # late: a plan with harper switched off must not need it

    dialect = getattr(harper.Dialect, rules.dialect.upper())
    linter = harper.Linter(dialect)
    config = {name: name in rules.rules for name in linter.get_default_lint_config()}
    missing = rules.rules - set(config)
    if missing:
        # A harper release that renamed a rule would silently show less.
        raise DataError(f"harper {harper.__name__} has no rules {sorted(missing)}; "
                        f"update assessor/data/harper/rules.json")
    linter.set_lint_config(config)
    return linter


class HarperEngine:
    """A :class:`~assessor.scoring.engines.base.GrammarEngine` backed by harper.

    One linter per engine, built on first use (about a second: it builds
    harper's dictionary). harper's Linter raises when two threads call it at
    once, so calls are serialised; a check takes a few milliseconds.
    """

    name = ENGINE_NAME

    def __init__(self, rules: RuleSet | None = None,
                 linter_factory: Callable[[RuleSet], Any] = _new_linter) -> None:
        # Loaded on first use, inside the error handling: a broken rules file
        # must cost the feedback harper's issues, not the answer its score.
        self.rules = rules
        self._factory = linter_factory
        self._linter: Any = None
        self._lock = threading.Lock()

    def check(self, text: str, doc: Doc | None = None) -> list[Issue]:
        """Issues in ``text``; ``doc`` is unused (harper tokenises itself)."""
        with self._lock:
            organized = self._lint(text)
        issues = [self._convert(text, rule, lint)
                  for rule, lints in organized.items() if rule in self.rules.rules
                  for lint in lints]
        # harper removes overlaps within a run (dedup); the sort is for callers.
        issues.sort(key=lambda i: (i.offset, i.length))
        return issues

    def _lint(self, text: str) -> dict[str, list[Any]]:
        try:
            if self._linter is None:
                self.rules = self.rules or RuleSet.load()
                self._linter = self._factory(self.rules)
            return self._linter.organized_lints(text, language="plaintext")
        except EngineError:
            raise
        except DataError as exc:
            raise EngineError(f"harper is not usable: {exc}") from exc
        except ImportError as exc:
            raise EngineUnavailable(f"harper cannot be loaded: {exc}") from exc
        except BaseException as exc:
            # A Rust panic reaches Python as pyo3's PanicException, which
            # derives from BaseException; only interrupts are let through.
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            raise EngineError(f"harper failed: {type(exc).__name__}: {exc}") from exc

    def _convert(self, text: str, rule: str, lint: Any) -> Issue:
        try:
            start, end = int(lint.span.start), int(lint.span.end)
            kind, message = str(lint.lint_kind), str(lint.message)
            suggestions = [_suggestion(lint.problem_text, s) for s in lint.suggestions]
        except (AttributeError, TypeError, ValueError) as exc:
            raise EngineError(f"harper lint of {rule} is malformed: {exc!r}") from exc
        if not 0 <= start <= end <= len(text):
            raise EngineError(f"harper lint {rule} at {start}-{end} lies outside the "
                              f"{len(text)}-character text")
        unique = tuple(dict.fromkeys(s for s in suggestions if s is not None))
        return Issue(offset=start, length=end - start, category=self.rules.category(kind),
                     rule_id=f"HARPER_{rule}", message=_CODE.sub(r"“\1”", message),
                     suggestions=unique[: self.rules.max_suggestions], engine=ENGINE_NAME)


def _suggestion(problem: str, suggestion: Any) -> str | None:
    """The text that would replace the span; None for a removal, which the
    feedback cannot show as a replacement."""
    kind = int(suggestion.kind)
    if kind == 0:  # REPLACE
        return str(suggestion.replacement_text)
    if kind == 2:  # INSERT_AFTER
        return str(problem) + str(suggestion.replacement_text)
    return None


_default: HarperEngine | None = None
_default_lock = threading.Lock()


def default() -> HarperEngine:
    """The process's harper engine: one linter, shared by every scorer."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = HarperEngine()
    return _default
