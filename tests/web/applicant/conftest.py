"""Fixtures for the applicant pages: an employer with the demo tasks, a
scorer, a live server on 127.0.0.1:0 with the embedded worker, and a
headless Chromium (Debian's) driven by Playwright."""
from __future__ import annotations

import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

#: ASSESSOR_SCREENSHOTS puts them elsewhere (bench/ may be another's checkout).
SCREENSHOTS = Path(os.environ.get("ASSESSOR_SCREENSHOTS")
                   or Path(__file__).resolve().parents[3] / "bench" / "out" / "screenshots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

#: An answer with errors of several kinds, so feedback has something to explain.
ANSWER_WITH_ERRORS = (
    "Dear customer,\n\nThank you for you message and I am very sorry that your router has not "
    "arrive yet. I have check the tracking and the parcel is delay at the courier depot. I will "
    "call the courier today and I will send you an update tomorow morning. If the parcel is "
    "lost, we will send a new router by express delivery at no extra cost. I understand that "
    "you work from home and this is very important for you.\n\nKind regards,\nAna")
#: Long enough to be rated, weak enough to be "not yet".
WEAK_ANSWER = ("sorry for late. we check you order and we send it soon. you wait two day more "
               "please. the router is come tomorow maybe. sorry for problem and thank you for wait "
               "us. we call you when we know")
CHAT_ANSWER = ("Hi there, thanks for writing to us! I am sorry about the higher bill. Could you "
               "tell me your account number please? Sometimes the price change when a discount "
               "ends, so I will check it for you right now.")
ESSAY_ANSWER = (
    "I prefer working from home, although the office has some good points. The main reason is "
    "time: I used to spend almost three hours every day on the bus, and I was tired before my "
    "shift started. At home I can start fresh and focus on the customers. On the other hand, it "
    "is harder to ask a team leader for help quickly, so good chat tools are important. In "
    "conclusion, I think working from home is better for agents and for customers, as long as "
    "the company gives good support and clear rules for everyone in the team.")


@dataclass
class Employer:
    org_id: int
    admin_id: int
    assessment_id: int
    task_ids: list[int]
    tokens: list[str] = field(default_factory=list)


@pytest.fixture
def employer(db):
    """Build an employer with the demo tasks and one assessment; ``invite()``
    adds invitation tokens."""
    from assessor import services
    from assessor.services.demo import load_spec

    spec = load_spec()

    def build(invitations: int = 1, **options) -> Employer:
        with db.transaction() as s:
            org = services.create_org(s, options.pop("org_name", f"Northwind BPO {uuid.uuid4().hex[:4]}"))
            admin = services.create_user(s, org, f"admin@{org.id}.example", role="admin")
            tasks = [services.create_task(s, admin, t) for t in spec["tasks"]]
            data = {**spec["assessment"], "tasks": [t.id for t in tasks], **options}
            assessment = services.create_assessment(s, admin, data)
            tokens = [services.invite(s, admin, assessment, f"applicant{i}@example.com",
                                      f"Applicant {i}")[1] for i in range(invitations)]
            return Employer(org.id, admin.id, assessment.id, [t.id for t in tasks], tokens)

    return build


def invite(db, who: Employer, email: str = "", name: str = "Retaker") -> str:
    from assessor import services
    from assessor.db import models as m

    with db.transaction() as s:
        admin = s.get(m.User, who.admin_id)
        assessment = s.get(m.Assessment, who.assessment_id)
        return services.invite(s, admin, assessment, email or f"x{uuid.uuid4().hex[:6]}@example.com",
                               name)[1]


def shift_deadline(db, token: str, seconds: float) -> None:
    """Move the attempt's server deadline to ``seconds`` from now."""
    from sqlalchemy import select

    from assessor.db import models as m
    from assessor.db.base import utcnow
    from assessor.services.security import hash_token

    with db.transaction() as s:
        attempt = s.scalar(select(m.Attempt).join(m.Invitation).where(
            m.Invitation.token_hash == hash_token(token)))
        attempt.deadline = utcnow() + timedelta(seconds=seconds)


def attempt_of(db, token: str):
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from assessor.db import models as m
    from assessor.services.security import hash_token

    with db.transaction() as s:
        attempt = s.scalar(select(m.Attempt).join(m.Invitation)
                           .where(m.Invitation.token_hash == hash_token(token))
                           .options(selectinload(m.Attempt.answers)
                                    .selectinload(m.Answer.scores)))
        if attempt is not None:
            s.expunge_all()
        return attempt


def _real_scorer_works() -> str | None:
    """None when the real scorer runs here, else why not."""
    from assessor.config import Config
    from assessor.errors import AssessorError
    from assessor.scoring.scorer import Scorer

    settings = Config({"ASSESSOR_ENGINE": "builtin"}).scoring_settings()
    try:
        Scorer(settings).score(ESSAY_ANSWER, profile="voice")
    except AssessorError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def real_scorer_problem():
    return _real_scorer_works()


@pytest.fixture
def scorer(monkeypatch, real_scorer_problem):
    """The real scorer. While the scoring core cannot run here (level model or
    word lists not shipped yet), the real built-in grammar engine still finds
    the issues and only the levels come from tests.support's stand-in; the
    reason is reported as a warning so it is never silent."""
    if real_scorer_problem is None:
        return "real"
    import warnings

    import assessor.scoring as scoring
    from assessor.scoring.engines.select import build_engines, run_grammar
    from assessor.scoring.nlp import get_nlp
    from assessor.scoring.settings import ScoringSettings
    from tests.support.service import fake_result

    warnings.warn(f"real scorer unavailable ({real_scorer_problem}); levels from a stand-in")
    plan = build_engines(ScoringSettings(engine="builtin"))

    def score(text, prompt=None, profile=None, settings=None, target_words=None):
        result = fake_result(text, profile)
        issues = tuple(run_grammar(plan, text, get_nlp()(text)).issues)
        return type(result)(**{**result.__dict__, "issues": issues})

    monkeypatch.setattr(scoring, "score", score)
    return "stand-in"


@pytest.fixture
def live(app_factory, scorer):
    """The app served on a free port by a real HTTP server, scoring in its
    embedded worker thread; yields (base_url, app)."""
    from werkzeug.serving import make_server

    app = app_factory()
    app.config["TESTING"] = False
    queue = app.extensions["assessor"]["queue"]
    queue.start()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page_factory(chromium):
    """New browser contexts (a 'device' each); every page collects console
    errors so a CSP violation or a script error fails the test."""
    contexts = []

    def new(viewport=PHONE, **options):
        context = chromium.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        # Expected 4xx answers (a refused form) log "Failed to load resource"; skip those.
        page.on("console", lambda m: m.type == "error" and not m.text.startswith(
            "Failed to load resource") and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        return page

    yield new
    for context in contexts:
        context.close()


def shoot(page, name: str) -> None:
    """Screenshots at phone and desktop size into bench/out/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)

