"""Engine selection, fallback to the built-in engine, and the circuit breaker."""
from __future__ import annotations

import threading
import time

import pytest

from assessor.errors import ConfigError, EngineError, EngineUnavailable
from assessor.scoring.engines.select import (
    FALLBACK_WARNING, CircuitBreaker, EngineRun, build_engines, evidence_issues, run_grammar)
from assessor.scoring.settings import ScoringSettings
from assessor.scoring.types import Issue
from tests.support.lt_replay import LTReplay, load_samples

SAMPLE = load_samples()[2]  # s03: several recorded LanguageTool matches


class FakeBuiltin:
    """Stands in for the built-in engine: flags every lower-case "i" word."""

    name = "builtin"

    def __init__(self) -> None:
        self.calls = 0

    def check(self, text, doc):
        self.calls += 1
        issues, pos = [], 0
        for word in text.split(" "):
            if word == "i":
                issues.append(Issue(pos, 1, "capitalisation", "FAKE_I", "Write I", ("I",), self.name))
            pos += len(word) + 1
        return issues


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def replay():
    with LTReplay.from_fixtures() as server:
        yield server


@pytest.fixture()
def lt(replay):
    replay.set_mode("ok")
    replay.log.clear()
    yield replay
    replay.set_mode("ok")


def plan_for(url, *, engine="auto", fallback=True, cooldown=30.0, clock=None):
    # harper is off: these tests are about LanguageTool and the fallback
    # (harper's merge is tested in test_harper.py).
    settings = ScoringSettings(engine=engine, languagetool_url=url, languagetool_timeout=0.5,
                               fallback=fallback, harper=False)
    plan = build_engines(settings, builtin_factory=FakeBuiltin, cooldown=cooldown)
    if clock is not None:
        plan.breaker = CircuitBreaker(cooldown, clock)
    return plan


def dead_url() -> str:
    with LTReplay() as server:
        return server.url


@pytest.mark.parametrize("engine, url, path, expected", [
    ("auto", None, None, "builtin"),
    ("auto", "http://127.0.0.1:9", None, "languagetool"),
    ("auto", None, "/opt/lt", "languagetool"),
    ("builtin", "http://127.0.0.1:9", None, "builtin"),
    ("languagetool", "http://127.0.0.1:9", None, "languagetool"),
    (" LanguageTool ", None, "/opt/lt", "languagetool"),
])
def test_engine_choice(engine, url, path, expected):
    settings = ScoringSettings(engine=engine, languagetool_url=url, languagetool_path=path)
    assert build_engines(settings, builtin_factory=FakeBuiltin).primary == expected


@pytest.mark.parametrize("engine, url", [
    ("languagetool", None),   # required but not configured
    ("spacy", None),          # unknown engine
])
def test_bad_engine_settings_are_config_errors(engine, url):
    with pytest.raises(ConfigError):
        build_engines(ScoringSettings(engine=engine, languagetool_url=url))


def test_building_contacts_nothing():
    url = dead_url()
    start = time.monotonic()
    plan = build_engines(ScoringSettings(engine="languagetool", languagetool_url=url),
                         builtin_factory=FakeBuiltin)
    assert time.monotonic() - start < 0.5
    assert plan.primary == "languagetool"


def test_builtin_only():
    run = run_grammar(plan_for(None), "yes i can", None)
    assert run == EngineRun([Issue(4, 1, "capitalisation", "FAKE_I", "Write I", ("I",), "builtin")],
                            "builtin", [])


def test_languagetool_runs_when_up(lt):
    run = run_grammar(plan_for(lt.url), SAMPLE.text, None)
    assert run.engine == "languagetool"
    assert run.warnings == []
    assert len(run.issues) == len(SAMPLE.response["matches"])
    assert all(i.engine == "languagetool" for i in run.issues)


@pytest.mark.parametrize("url_kind", ["none", "up", "dead"])
def test_levels_always_rest_on_the_builtin_engine(lt, url_kind):
    url = {"none": None, "up": lt.url, "dead": dead_url()}[url_kind]
    plan = plan_for(url)
    text = SAMPLE.text  # the replay server knows only recorded texts
    run = run_grammar(plan, text, None)
    evidence = evidence_issues(plan, run, text, None)
    assert evidence.engine == "builtin"
    assert evidence.issues == FakeBuiltin().check(text, None) != []
    # The built-in engine runs once whichever engine gave the feedback.
    assert plan.builtin().calls == 1
    if url_kind == "up":
        assert run.engine == "languagetool" and evidence is not run
    else:
        assert evidence is run


def test_languagetool_warnings_reach_the_run(lt):
    text = SAMPLE.text + " (incomplete)"
    lt.add(text, {**SAMPLE.response, "matches": [], "warnings": {"incompleteResults": True}})
    run = run_grammar(plan_for(lt.url), text, None)
    assert run.engine == "languagetool"
    assert [w.code for w in run.warnings] == ["engine_incomplete"]


@pytest.mark.parametrize("mode, reason", [
    ("500", "HTTP 500"), ("slow", "within 0.5 s"), ("garbage", "invalid JSON"),
])
def test_failing_languagetool_falls_back_and_says_why(lt, mode, reason):
    lt.set_mode(mode, delay=3.0)
    run = run_grammar(plan_for(lt.url), "so i said yes", None)
    assert run.engine == "builtin"
    assert [i.rule_id for i in run.issues] == ["FAKE_I"]
    assert [w.code for w in run.warnings] == [FALLBACK_WARNING]
    assert reason in run.warnings[0].message


def test_server_down_falls_back_with_warning():
    run = run_grammar(plan_for(dead_url(), engine="languagetool"), "i agree", None)
    assert run.engine == "builtin"
    assert run.warnings[0].code == FALLBACK_WARNING
    assert "unreachable" in run.warnings[0].message


@pytest.mark.parametrize("engine", ["languagetool", "auto"])
def test_no_fallback_raises_chained(engine):
    plan = plan_for(dead_url(), engine=engine, fallback=False)
    with pytest.raises(EngineUnavailable, match="fallback .* disabled") as info:
        run_grammar(plan, "i agree", None)
    assert isinstance(info.value.__cause__, EngineError)
    assert plan.builtin().calls == 0


def test_breaker_skips_a_dead_server_then_retries(lt):
    clock = Clock()
    plan = plan_for(lt.url, cooldown=30, clock=clock)
    lt.set_mode("slow", delay=3.0)
    start = time.monotonic()
    first = run_grammar(plan, SAMPLE.text, None)
    assert first.engine == "builtin" and len(lt.checks()) == 1
    # While open, LanguageTool is not even asked: no added timeout.
    for _ in range(3):
        skipped = run_grammar(plan, SAMPLE.text, None)
        assert skipped.engine == "builtin"
        assert "retried in 30 s" in skipped.warnings[0].message
    assert len(lt.checks()) == 1
    assert time.monotonic() - start < 1.5
    # After the cool-down one call tries again; success closes the breaker.
    lt.set_mode("ok")
    clock.now += 31
    assert run_grammar(plan, SAMPLE.text, None).engine == "languagetool"
    assert run_grammar(plan, SAMPLE.text, None).engine == "languagetool"
    assert len(lt.checks()) == 3
    assert not plan.breaker.is_open


def test_failed_trial_reopens_the_breaker(lt):
    clock = Clock()
    plan = plan_for(lt.url, cooldown=10, clock=clock)
    lt.set_mode("500")
    run_grammar(plan, SAMPLE.text, None)
    clock.now += 11
    run_grammar(plan, SAMPLE.text, None)          # the trial, fails
    run_grammar(plan, SAMPLE.text, None)          # skipped again
    assert len(lt.checks()) == 2
    assert plan.breaker.retry_in() == pytest.approx(10)


def test_open_breaker_without_fallback_fails_fast(lt):
    plan = plan_for(lt.url, engine="languagetool", fallback=False, clock=Clock())
    lt.set_mode("500")
    with pytest.raises(EngineUnavailable):
        run_grammar(plan, SAMPLE.text, None)
    with pytest.raises(EngineUnavailable, match="failed recently"):
        run_grammar(plan, SAMPLE.text, None)
    assert len(lt.checks()) == 1


def test_half_open_breaker_lets_exactly_one_trial_through():
    clock = Clock()
    breaker = CircuitBreaker(5, clock)
    breaker.failure("boom")
    clock.now += 6
    granted, barrier = [], threading.Barrier(8)

    def ask():
        barrier.wait()
        granted.append(breaker.allow())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(granted) == [False] * 7 + [True]
    breaker.success()
    assert breaker.allow() and breaker.allow()


def test_adapter_bug_propagates_and_still_trips_the_breaker():
    class Broken:
        name = "languagetool"

        def check(self, text, doc):
            raise KeyError("bug")

    plan = plan_for(None)
    plan.languagetool = Broken()
    with pytest.raises(KeyError):
        run_grammar(plan, "text", None)
    assert plan.breaker.is_open


def test_warm_up_of_a_missing_local_install_opens_the_breaker(tmp_path):
    settings = ScoringSettings(engine="languagetool", languagetool_path=str(tmp_path / "none"))
    plan = build_engines(settings, builtin_factory=FakeBuiltin)
    assert plan.warm_up() is False
    assert plan.breaker.is_open
    run = run_grammar(plan, "i see", None)
    assert run.engine == "builtin"
    assert "does not exist" in run.warnings[0].message


def test_warm_up_needs_nothing_for_a_server_url_or_builtin(lt):
    assert plan_for(lt.url).warm_up() is True
    assert plan_for(None).warm_up() is True
    assert lt.log == []


def test_readiness(lt):
    assert plan_for(None).readiness() == {"engine": "builtin", "fallback": True, "ready": True}
    up = plan_for(lt.url).readiness()
    assert up["languagetool"] == "up" and up["ready"] is True
    down = plan_for(dead_url(), fallback=False).readiness()
    assert down["languagetool"] == "down" and down["ready"] is False


def test_builtin_engine_is_created_once_and_lazily():
    made = []

    def factory():
        made.append(FakeBuiltin())
        return made[-1]

    plan = build_engines(ScoringSettings(engine="builtin"), builtin_factory=factory)
    assert made == []
    run_grammar(plan, "i", None)
    run_grammar(plan, "i", None)
    assert len(made) == 1 and made[0].calls == 2


def test_real_builtin_engine_is_the_default_fallback():
    pytest.importorskip("assessor.scoring.engines.builtin",
                        reason="the built-in engine is not in this checkout yet")
    from assessor.scoring.nlp import get_nlp

    settings = ScoringSettings(engine="languagetool", languagetool_url=dead_url())
    plan = build_engines(settings)  # no builtin_factory: the real, lazily imported engine
    run = run_grammar(plan, SAMPLE.text, get_nlp()(SAMPLE.text))
    assert run.engine == "builtin"
    assert run.warnings[0].code == FALLBACK_WARNING
    assert all(i.engine == "builtin" for i in run.own_issues)
    assert {i.engine for i in run.issues} <= {"builtin", "harper"}
    assert all(0 <= i.offset <= i.offset + i.length <= len(SAMPLE.text) for i in run.issues)
