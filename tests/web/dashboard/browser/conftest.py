"""A live assessor (werkzeug server thread, temporary SQLite, embedded
scoring worker with the real scorer) and headless Chromium via Playwright.

Chromium comes from Debian (``/usr/bin/chromium``): ``playwright install``
cannot download browsers here. Screenshots of every page go to
``bench/out/screenshots/`` (git-ignored) at phone and desktop sizes.
"""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

#: ASSESSOR_SCREENSHOTS puts them elsewhere (bench/ may be another's checkout).
SHOTS = Path(os.environ.get("ASSESSOR_SCREENSHOTS")
            or Path(__file__).resolve().parents[4] / "bench" / "out" / "screenshots")
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def _level_model(folder: Path) -> Path | None:
    """The trained level model when there is one; otherwise a small stand-in
    on two real features (vocabulary level, error rate), so the scorer runs
    end to end. Its levels are plausible, not calibrated: these tests check
    the dashboard, not the model."""
    from assessor.scoring.levelmodel import DEFAULT_MODEL

    if DEFAULT_MODEL.exists():
        return None
    heads = {name: {"coef": [0.6, -0.7], "intercept": 3.6, "residual_sd": 0.5, "lo": 0.5,
                    "hi": 6.5} for name in ("overall", "grammar", "vocabulary")}
    model = {"format": "assessor-level-model/1", "version": "browser-test-standin-1",
             "features": ["voc_mean_level", "log_rate_all"], "means": [1.8, 1.0],
             "scales": [0.5, 0.6], "reference_words": 150, "heads": heads}
    path = folder / "level-model.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    return path


def _stand_in_if_needed(settings, monkeypatch) -> str | None:
    """Use the real scorer. If this checkout cannot run it yet (a data file
    or model another part of the project produces is missing), score with a
    stand-in instead, say so as a warning, and return the reason: the
    dashboard can still be tested, with real grammar issues from the
    built-in engine and a level that follows length."""
    import dataclasses
    import warnings

    from assessor import scoring
    from assessor.errors import AssessorError

    try:
        scoring.score("Thank you for your email. I will check your order today and write "
                      "back to you tomorrow morning with the tracking number.", settings=settings)
        return None
    except AssessorError as exc:
        reason = f"{type(exc).__name__}: {exc}"
    from assessor.scoring.engines.select import build_engines, run_grammar
    from assessor.scoring.nlp import get_nlp
    from tests.support.service import fake_result

    plan = build_engines(settings)

    def stand_in(text, prompt=None, profile=None, settings=None, target_words=None):
        issues = run_grammar(plan, text, get_nlp()(text)).issues
        result = fake_result(text, profile, model_version="browser-test-standin")
        return dataclasses.replace(result, issues=tuple(issues))

    monkeypatch.setattr(scoring, "score", stand_in)
    warnings.warn(f"the real scorer cannot run in this checkout ({reason}); the browser tests "
                  "score with a stand-in", stacklevel=1)
    return reason


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Base URL of a running app; ``live.app`` and ``live.db`` for seeding."""
    from werkzeug.serving import make_server

    from assessor.config import Config
    from assessor.db.migrate import upgrade
    from assessor.web import create_app

    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'assessor.db'}"
    upgrade(url)
    env = {"DATABASE_URL": url, "SECRET_KEY": "browser-test", "ASSESSOR_ENGINE": "builtin",
           "ASSESSOR_APPLICANT_RATE_LIMIT": "10000", "ASSESSOR_RECOVERY_INTERVAL": "3600"}
    model = _level_model(folder)
    if model is not None:
        env["ASSESSOR_MODEL_PATH"] = str(model)
    config = Config(env)
    patcher = pytest.MonkeyPatch()
    stand_in = _stand_in_if_needed(config.scoring_settings(), patcher)
    app = create_app(config, start_worker=True, instance_path=str(folder / "instance"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    app.config["ASSESSOR_CONFIG"].PUBLIC_URL = env["PUBLIC_URL"]

    class Live:
        base = env["PUBLIC_URL"]
        db = app.extensions["assessor"]["db"]
        queue = app.extensions["assessor"]["queue"]
        #: Why the real scorer could not run, or None when it did.
        stand_in_reason = stand_in

    Live.app = app
    try:
        yield Live
    finally:
        server.shutdown()
        Live.queue.stop()
        Live.db.dispose()
        patcher.undo()


@pytest.fixture(scope="module")
def browser(chromium):
    """The session's shared Chromium (tests/web/conftest.py)."""
    return chromium


@pytest.fixture
def page(browser):
    """A fresh browser context per test; fails the test on any console
    error (a CSP violation shows up there) or failed asset."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    # A page answered with 401/422 (wrong password, invalid form) is expected
    # and Chromium logs it too; only failed assets and script errors count.
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error"
           and not m.text.startswith("Failed to load resource") else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
           and r.request.resource_type != "document" else None)
    tab.console_errors = errors
    try:
        yield tab
    finally:
        context.close()
    assert not errors, f"browser console errors: {errors}"


def shoot(page, name: str) -> None:
    """Full-page screenshots at desktop and phone size, and a check that
    the phone layout does not scroll sideways (a proxy for 200 % zoom)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"dashboard-{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / f"dashboard-{name}-phone.png"), full_page=True)
    # The first screen alone, legible when a long page's full shot is scaled down.
    page.screenshot(path=str(SHOTS / f"dashboard-{name}-phone-top.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
    wide = page.evaluate(_WIDE) if overflow > 1 else []
    page.set_viewport_size(DESKTOP)
    assert overflow <= 1, f"{name}: the phone layout scrolls sideways by {overflow}px: {wide}"


# Elements sticking out on the right, to say what made a page too wide.
_WIDE = """() => { const w = document.documentElement.clientWidth; const out = [];
  const clipped = el => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (['auto', 'hidden', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; }
    return false; };
  for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
    if (r.right > w + 1 && !clipped(el)) out.push(el.tagName + '.' + el.className + ' '
      + Math.round(r.right)); }
  return out.slice(0, 8); }"""


def wait_until(check, timeout: float = 120, step: float = 0.25):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


@pytest.fixture(scope="session", autouse=True)
def _clean_shots():
    """Screenshots of this run only, so none left over from an older layout is looked at."""
    if SHOTS.exists():
        for old in SHOTS.glob("dashboard-*.png"):
            old.unlink()
