"""Which grammar engine runs, and what happens when LanguageTool fails.

One grammar engine produces the issues of a result. LanguageTool is used when
configured; the built-in engine is the fallback. A small circuit breaker keeps
a dead LanguageTool from adding a timeout to every answer: after a failure it
is skipped for a cool-down, then one call is let through to try it again.

harper (``engines.harper``), unless switched off, runs beside whichever engine
ran, for the shown feedback only: its issues are merged in without showing
one error twice, and the levels never read them (:func:`evidence_issues`).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from spacy.tokens import Doc

from ...errors import ConfigError, EngineError, EngineUnavailable
from ..settings import ScoringSettings
from ..types import Issue, Warning_
from . import harper as harper_engine
from .base import GrammarEngine
from .languagetool import LanguageToolEngine, read_data

ENGINE_MODES = ("auto", "builtin", "languagetool")
FALLBACK_WARNING = "engine_fallback"
HARPER_WARNING = "harper_failed"
#: When two engines flag the same words, the issue of the engine earlier here
#: is shown, the other dropped: the more precise first (bench/README.md: the
#: built-in engine 0.94 on W&I train, harper's allow-list 0.75 or better per
#: rule by construction, recorded LanguageTool 4.0 answers 0.54).
SHOW_ORDER = ("builtin", "harper", "languagetool")


@dataclass(frozen=True)
class EngineRun:
    issues: list[Issue]
    #: The engine that actually produced ``issues``.
    engine: str
    warnings: list[Warning_] = field(default_factory=list)
    #: The issues of ``engine`` alone, when another engine's were merged into
    #: ``issues`` for the feedback; None when ``issues`` are all its own.
    engine_issues: list[Issue] | None = None

    @property
    def own_issues(self) -> list[Issue]:
        return self.issues if self.engine_issues is None else self.engine_issues


class CircuitBreaker:
    """Thread-safe breaker: closed → (failure) open → (cool-down) one trial."""

    def __init__(self, cooldown: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.cooldown = float(cooldown)
        self._clock = clock
        self._lock = threading.Lock()
        self._opened_at: float | None = None
        self._trial_running = False
        self.last_failure: str | None = None

    def allow(self) -> bool:
        """May the caller use the engine now? Grants at most one trial at a time."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._trial_running or self._clock() - self._opened_at < self.cooldown:
                return False
            self._trial_running = True
            return True

    def success(self) -> None:
        with self._lock:
            self._opened_at = None
            self._trial_running = False
            self.last_failure = None

    def failure(self, reason: str) -> None:
        with self._lock:
            self._opened_at = self._clock()
            self._trial_running = False
            self.last_failure = reason

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._opened_at is not None

    def retry_in(self) -> float:
        """Seconds until the next trial is allowed (0 when closed or due)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.cooldown - (self._clock() - self._opened_at))


def _default_builtin() -> GrammarEngine:
    # Imported late: the built-in engine loads rule data, and a plan that only
    # uses LanguageTool should not pay for it (or fail on it) up front.
    try:
        from .builtin import BuiltinEngine
    except ImportError as exc:
        raise EngineUnavailable(f"the built-in grammar engine cannot be loaded: {exc}") from exc
    return BuiltinEngine()


class EnginePlan:
    """The engines chosen for a set of settings; share one per process."""

    def __init__(self, languagetool: Any | None, *, fallback: bool,
                 builtin_factory: Callable[[], GrammarEngine] = _default_builtin,
                 cooldown: float = 30.0,
                 clock: Callable[[], float] = time.monotonic,
                 harper: Any | None = None) -> None:
        #: A LanguageToolEngine (or anything with ``name`` and ``check``), or
        #: ``None`` when only the built-in engine is used.
        self.languagetool = languagetool
        self.fallback = fallback
        #: The second engine for the feedback (a HarperEngine), or None.
        self.harper = harper
        self.breaker = CircuitBreaker(cooldown, clock)
        self._builtin_factory = builtin_factory
        self._builtin: GrammarEngine | None = None
        self._lock = threading.Lock()

    @property
    def primary(self) -> str:
        return self.languagetool.name if self.languagetool is not None else "builtin"

    def builtin(self) -> GrammarEngine:
        if self._builtin is None:
            with self._lock:
                if self._builtin is None:
                    self._builtin = self._builtin_factory()
        return self._builtin

    def readiness(self) -> dict[str, Any]:
        """What a health endpoint reports: which engine, and is LanguageTool up."""
        report: dict[str, Any] = {"engine": self.primary, "fallback": self.fallback}
        if self.languagetool is not None:
            up = self.languagetool.available()
            report["languagetool"] = "up" if up else "down"
            report["circuit_open"] = self.breaker.is_open
            report["ready"] = up or self.fallback
        else:
            report["ready"] = True
        return report

    def warm_up(self) -> bool:
        """Start a local LanguageTool now; ``False`` (breaker open) when it fails.

        A failure is not raised here: with fallback the service can still
        score, and without it every run_grammar call raises with the reason.
        """
        if self.languagetool is None:
            return True
        starter = getattr(self.languagetool, "start", None)
        try:
            if starter is not None:
                starter()
        except EngineError as exc:
            self.breaker.failure(str(exc))
            return False
        return True

    def close(self) -> None:
        closer = getattr(self.languagetool, "close", None)
        if closer is not None:
            closer()


def build_engines(settings: ScoringSettings, *,
                  builtin_factory: Callable[[], GrammarEngine] | None = None,
                  cooldown: float | None = None,
                  harper_factory: Callable[[], GrammarEngine] | None = None) -> EnginePlan:
    """Choose the engines for ``settings``.

    ``auto`` uses LanguageTool when a URL or install folder is configured and
    the built-in engine otherwise; ``languagetool`` requires one. Whether a
    failing LanguageTool falls back is ``settings.fallback`` in both cases.
    """
    mode = (settings.engine or "auto").strip().lower()
    if mode not in ENGINE_MODES:
        raise ConfigError(f"unknown engine {settings.engine!r}; use one of {', '.join(ENGINE_MODES)}")
    configured = bool(settings.languagetool_url or settings.languagetool_path)
    if mode == "languagetool" and not configured:
        raise ConfigError("engine 'languagetool' needs LANGUAGETOOL_URL or LTP_PATH")
    if cooldown is None:
        cooldown = float(read_data("adapter.json").get("breaker_cooldown_seconds", 30))
    use_lt = mode == "languagetool" or (mode == "auto" and configured)
    # Constructing the engine contacts nothing: an unreachable server shows up
    # on first use (and in readiness), not as a failure to start the service.
    engine = LanguageToolEngine.from_settings(settings) if use_lt else None
    # The harper engine loads its linter on first use, so building stays cheap.
    second = (harper_factory or harper_engine.default)() if settings.harper else None
    return EnginePlan(engine, fallback=settings.fallback,
                      builtin_factory=builtin_factory or _default_builtin, cooldown=cooldown,
                      harper=second)


def run_grammar(plan: EnginePlan, text: str, doc: Doc | None) -> EngineRun:
    """Run the plan's grammar engine on ``text``, falling back when allowed,
    and merge harper's issues into the feedback when harper is on."""
    return _with_harper(plan, _run_primary(plan, text, doc), text, doc)


def _run_primary(plan: EnginePlan, text: str, doc: Doc | None) -> EngineRun:
    lt = plan.languagetool
    if lt is None:
        return _run_builtin(plan, text, doc, [])
    if not plan.breaker.allow():
        reason = (f"LanguageTool was skipped because it failed recently "
                  f"({plan.breaker.last_failure}); it will be retried in "
                  f"{plan.breaker.retry_in():.0f} s")
        return _fall_back(plan, text, doc, reason, None)
    detailed = getattr(lt, "check_with_warnings", None)
    try:
        issues, warnings = detailed(text, doc) if detailed else (lt.check(text, doc), [])
    except EngineError as exc:
        plan.breaker.failure(str(exc))
        return _fall_back(plan, text, doc, f"LanguageTool failed: {exc}", exc)
    except BaseException as exc:
        # A bug in the adapter still counts as a failure so a trial call never
        # leaves the breaker half-open for ever; the error itself propagates.
        plan.breaker.failure(repr(exc))
        raise
    plan.breaker.success()
    return EngineRun(list(issues), lt.name, list(warnings))


def evidence_issues(plan: EnginePlan, run: EngineRun, text: str, doc: Doc | None) -> EngineRun:
    """The issues the level model and the role's error caps read.

    The model was trained on the built-in engine's issues. LanguageTool finds
    more (W&I levels fell 0.38 on average, and agreement with raters fell, when
    recorded LanguageTool 4.0 answers replaced them), and its rules differ from
    release to release; so it gives the feedback, and the levels rest on the
    built-in engine wherever LanguageTool is configured.
    """
    builtin = plan.builtin()
    if run.engine == builtin.name:
        # harper's issues are feedback only: the model never saw them.
        return run if run.engine_issues is None else replace(
            run, issues=list(run.engine_issues), engine_issues=None)
    return EngineRun(list(builtin.check(text, doc)), builtin.name)


def _fall_back(plan: EnginePlan, text: str, doc: Doc | None, reason: str,
               cause: BaseException | None) -> EngineRun:
    if not plan.fallback:
        raise EngineUnavailable(f"{reason}; fallback to the built-in engine is disabled") from cause
    warning = Warning_(FALLBACK_WARNING, f"{reason}; the built-in engine was used instead")
    return _run_builtin(plan, text, doc, [warning])


def _run_builtin(plan: EnginePlan, text: str, doc: Doc | None,
                 warnings: list[Warning_]) -> EngineRun:
    engine = plan.builtin()
    return EngineRun(list(engine.check(text, doc)), engine.name, warnings)


def _with_harper(plan: EnginePlan, run: EngineRun, text: str, doc: Doc | None) -> EngineRun:
    """``run`` with harper's issues merged in; a harper failure costs only its
    issues, and the result says so in a warning."""
    if plan.harper is None:
        return run
    try:
        extra = list(plan.harper.check(text, doc))
    except EngineError as exc:
        reason = f"{exc}" + (f" ({exc.__cause__!r})" if exc.__cause__ else "")
        warning = Warning_(HARPER_WARNING, f"harper failed: {reason}; its issues are missing from the feedback")
        return replace(run, warnings=[*run.warnings, warning])
    shown = merge_shown({run.engine: run.issues, plan.harper.name: extra})
    return replace(run, issues=shown, engine_issues=list(run.issues))


def merge_shown(by_engine: dict[str, list[Issue]]) -> list[Issue]:
    """The issues to show: each engine's in SHOW_ORDER, dropping any issue that
    overlaps one of an engine shown before it (one error is shown once).
    An engine's own overlapping issues are kept as that engine gave them."""
    rank = {name: i for i, name in enumerate(SHOW_ORDER)}
    shown: list[Issue] = []
    for name in sorted(by_engine, key=lambda n: rank.get(n, len(rank))):
        earlier = list(shown)
        shown += [i for i in by_engine[name] if not any(_overlap(i, e) for e in earlier)]
    return sorted(shown, key=lambda i: (i.offset, i.length))


def _overlap(a: Issue, b: Issue) -> bool:
    # A zero-length issue (an insertion point) counts as one character wide.
    return a.offset < b.offset + max(b.length, 1) and b.offset < a.offset + max(a.length, 1)
