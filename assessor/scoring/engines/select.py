"""Which grammar engine runs, and what happens when LanguageTool fails.

One grammar engine produces the issues of a result. LanguageTool is used when
configured; the built-in engine is the fallback. A small circuit breaker keeps
a dead LanguageTool from adding a timeout to every answer: after a failure it
is skipped for a cool-down, then one call is let through to try it again.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from spacy.tokens import Doc

from ...errors import ConfigError, EngineError, EngineUnavailable
from ..settings import ScoringSettings
from ..types import Issue, Warning_
from .base import GrammarEngine
from .languagetool import LanguageToolEngine, read_data

ENGINE_MODES = ("auto", "builtin", "languagetool")
FALLBACK_WARNING = "engine_fallback"


@dataclass(frozen=True)
class EngineRun:
    issues: list[Issue]
    #: The engine that actually produced ``issues``.
    engine: str
    warnings: list[Warning_] = field(default_factory=list)


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
                 clock: Callable[[], float] = time.monotonic) -> None:
        #: A LanguageToolEngine (or anything with ``name`` and ``check``), or
        #: ``None`` when only the built-in engine is used.
        self.languagetool = languagetool
        self.fallback = fallback
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
                  cooldown: float | None = None) -> EnginePlan:
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
    return EnginePlan(engine, fallback=settings.fallback,
                      builtin_factory=builtin_factory or _default_builtin, cooldown=cooldown)


def run_grammar(plan: EnginePlan, text: str, doc: Doc | None) -> EngineRun:
    """Run the plan's grammar engine on ``text``, falling back when allowed."""
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
        return run
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
