"""The applicant pages through Flask's test client: page states, consent,
CSRF, the no-JavaScript form path, autosave JSON, time-up, feedback gating."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessor.db import models as m
from assessor.db.base import utcnow

from .conftest import ANSWER_WITH_ERRORS, ESSAY_ANSWER, attempt_of, shift_deadline


class Applicant:
    """Drives one invitation link through the test client."""

    def __init__(self, client, token):
        self.client, self.token, self.csrf = client, token, None

    def url(self, tail=""):
        return f"/take/{self.token}{tail}"

    def get(self, tail="", **kw):
        response = self.client.get(self.url(tail), **kw)
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
        if match:
            self.csrf = match.group(1)
        return response

    def post(self, tail, **data):
        return self.client.post(self.url(tail), data={"csrf_token": self.csrf, **data})

    def start(self):
        self.get()
        self.post("/consent", consent="yes")
        self.get("/instructions")
        return self.post("/start")

    def draft(self, task_id, text, events=None, csrf=True):
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return self.client.post(self.url("/draft"), json={"task_id": task_id, "text": text,
                                                          "events": events or []},
                                headers=headers)


@pytest.fixture
def who(employer):
    return employer(show_feedback=True, max_attempts=2, cooldown_days=7)


@pytest.fixture
def applicant(client, who):
    return Applicant(client, who.tokens[0])


def test_welcome_names_the_employer_and_asks_for_consent(applicant, db, who):
    page = applicant.get().get_data(as_text=True)
    with db.transaction() as s:
        org = s.get(m.Organisation, who.org_id).name
    assert org in page and "Your privacy" in page and "45 minutes" in page
    refused = applicant.post("/consent")
    assert refused.status_code == 422 and "tick the box" in refused.get_data(as_text=True)
    assert applicant.post("/start").status_code == 409  # no consent, no timer
    assert attempt_of(db, applicant.token) is None
    assert applicant.post("/consent", consent="yes").status_code == 302
    assert applicant.get().location.endswith("/instructions")


def test_forms_and_autosave_need_the_csrf_token(applicant, client):
    applicant.get()
    response = client.post(applicant.url("/consent"), data={"consent": "yes"})
    assert response.status_code == 400
    applicant.start()
    assert applicant.draft(1, "text", csrf=False).json["error"]["code"] == "csrf"


def test_security_headers_and_csp_on_pages(applicant):
    response = applicant.get()
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    # Nothing inline that the CSP would block.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and not re.search(r"\son[a-z]+=", html)
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html


def test_form_path_saves_and_moves_between_tasks(applicant, db, who):
    assert applicant.start().location.endswith("/task/1")
    page = applicant.get("/task/1").get_data(as_text=True)
    assert "Write 80–200 words." in page and 'role="timer"' in page
    moved = applicant.post("/task/1", text=ESSAY_ANSWER, action="next")
    assert moved.location.endswith("/task/2?saved=1")
    assert attempt_of(db, applicant.token).answers[0].draft_text == ESSAY_ANSWER
    assert applicant.post("/task/2", text="", action="back").location.endswith("/task/1?saved=1")
    assert applicant.post("/task/3", text="x", action="review").location.endswith("/review")
    # Returning to the bare link resumes where the applicant last saved.
    assert applicant.get().location.endswith("/resume")
    assert applicant.get("/resume").location.endswith("/task/3")
    applicant.post("/task/1", text=ESSAY_ANSWER[:40], action="save")
    assert applicant.get("/resume").location.endswith("/task/1")
    assert applicant.get("/task/9").status_code == 404


def test_step_pills_save_and_go_to_that_task(applicant, db):
    applicant.start()
    page = applicant.get("/task/1").get_data(as_text=True)
    assert 'value="goto-3"' in page and 'value="goto-1"' not in page  # the current one is no link
    moved = applicant.post("/task/1", text="Half written", action="goto-3")
    assert moved.location.endswith("/task/3?saved=1")
    assert attempt_of(db, applicant.token).answers[0].draft_text == "Half written"
    assert applicant.post("/task/3", text="", action="goto-99").location.endswith("/task/3?saved=1")


def test_autosave_json_stores_text_and_integrity_events(applicant, db, who):
    applicant.start()
    events = [{"type": "paste", "chars": 42, "at": "2026-01-01T00:00:00Z"},
              {"type": "tab_hidden"}, {"type": "typing_burst", "chars": 30, "ms": 4000},
              {"type": "task_time", "ms": 12000}]
    saved = applicant.draft(who.task_ids[0], "Hello there", events)
    assert saved.status_code == 200 and saved.json["words"] == 2 and saved.json["deadline"]
    attempt = attempt_of(db, applicant.token)
    assert attempt.answers[0].draft_text == "Hello there"
    assert [e["type"] for e in attempt.answers[0].integrity_events] == [e["type"] for e in events]
    assert {"paste", "focus_lost"} <= set(attempt.flags) and attempt.status == "started"
    bad = applicant.draft(who.task_ids[0], "x", [{"type": "keylogger"}])
    assert bad.status_code == 422


def test_autosave_after_the_grace_period_closes_the_attempt(applicant, db, who):
    applicant.start()
    applicant.draft(who.task_ids[0], ESSAY_ANSWER)
    shift_deadline(db, applicant.token, -30)  # inside the grace period: still saved
    assert applicant.draft(who.task_ids[0], ESSAY_ANSWER + " Last").status_code == 200
    shift_deadline(db, applicant.token, -120)
    late = applicant.draft(who.task_ids[0], "typed after the end")
    assert late.status_code == 409 and late.json["error"]["next"].endswith("/done")
    attempt = attempt_of(db, applicant.token)
    assert attempt.status == "submitted" and attempt.answers[0].text == ESSAY_ANSWER + " Last"
    assert "time ran out" in applicant.get("/done").get_data(as_text=True)


def test_task_page_after_deadline_goes_to_done(applicant, db, who):
    applicant.start()
    applicant.draft(who.task_ids[0], ESSAY_ANSWER)
    shift_deadline(db, applicant.token, -1)
    assert applicant.get("/task/1").location.endswith("/done")
    page = applicant.get("/done").get_data(as_text=True)
    assert "time ran out" in page
    assert "auto_submitted" in attempt_of(db, applicant.token).flags


def test_review_refuses_too_long_answers(applicant, db, who):
    applicant.start()
    applicant.draft(who.task_ids[1], "word " * 200)  # chat reply allows 120
    page = applicant.get("/review").get_data(as_text=True)
    assert "Too long" in page and "Not answered yet" in page
    refused = applicant.post("/submit", confirm="yes")
    assert refused.status_code == 422
    assert attempt_of(db, applicant.token).status == "started"


def test_submit_then_feedback_with_highlights(applicant, db, who, app, scorer):
    applicant.start()
    applicant.draft(who.task_ids[0], ANSWER_WITH_ERRORS)
    assert applicant.post("/submit", confirm="yes").location.endswith("/done")
    waiting = applicant.get("/feedback").get_data(as_text=True)
    assert "being rated" in waiting and 'http-equiv="refresh"' in waiting
    assert applicant.get("/status").json["scored"] is False
    app.extensions["assessor"]["queue"].run_pending()
    assert applicant.get("/status").json["scored"] is True
    page = applicant.get("/feedback").get_data(as_text=True)
    answer = attempt_of(db, applicant.token).answers[0]
    issues = answer.latest_score.result["issues"]
    assert issues, "the grammar engine should find the errors in this answer"
    for issue in issues[:3]:
        excerpt = ANSWER_WITH_ERRORS[issue["offset"]:issue["offset"] + issue["length"]]
        assert f"</span>{excerpt}</mark>" in page
    assert "Your level" in page and "Overall:" in page
    # The bare link now leads to the confirmation, not back to the test.
    assert applicant.get().location.endswith("/done")
    assert applicant.get("/task/1").location.endswith("/done")


def test_feedback_hidden_when_the_assessment_does_not_show_it(client, employer, db):
    who = employer(show_feedback=False)
    applicant = Applicant(client, who.tokens[0])
    applicant.start()
    applicant.draft(who.task_ids[0], ESSAY_ANSWER)
    applicant.post("/submit", confirm="yes")
    page = applicant.get("/feedback").get_data(as_text=True)
    assert "does not show results" in page and "Your level" not in page


@pytest.mark.parametrize("change, status, text", [
    ("revoked", 410, "withdrawn"), ("expired", 410, "has expired"),
    ("closed", 410, "is closed"), ("not_open", 403, "not open yet"),
])
def test_dead_links(client, who, db, change, status, text):
    with db.transaction() as s:
        invitation = s.scalar(select(m.Invitation).where(
            m.Invitation.assessment_id == who.assessment_id))
        now = utcnow()
        if change == "revoked":
            invitation.revoked_at = now
        elif change == "expired":
            invitation.expires_at = now - timedelta(hours=1)
        elif change == "closed":
            invitation.assessment.closes_at = now - timedelta(hours=1)
        else:
            invitation.assessment.opens_at = now + timedelta(days=2)
    for tail in ("", "/task/1", "/feedback", "/review"):
        response = client.get(f"/take/{who.tokens[0]}{tail}")
        assert response.status_code == status and text in response.get_data(as_text=True)


def test_unknown_link_is_a_readable_404(client):
    response = client.get("/take/not-a-token")
    assert response.status_code == 404 and "not valid" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_expired_attempt_with_nothing_written_says_link_used(applicant, db, app):
    from assessor.services import expire_overdue

    applicant.start()
    shift_deadline(db, applicant.token, -600)
    with db.transaction() as s:
        expire_overdue(s)
    response = applicant.get()
    assert response.status_code == 410 and "already been used" in response.get_data(as_text=True)


def test_progress_page_and_json(applicant, db, who, app, fake_score):
    applicant.start()
    applicant.draft(who.task_ids[0], ESSAY_ANSWER)
    applicant.post("/submit", confirm="yes")
    app.extensions["assessor"]["queue"].run_pending()
    page = applicant.client.get(f"/progress/{applicant.token}").get_data(as_text=True)
    assert "<svg" in page and "needed: B2" in page
    body = applicant.client.get(f"/progress/{applicant.token}.json").json
    assert len(body["attempts"]) == 1 and body["attempts"][0]["required_cefr"] == "B2"
    assert applicant.client.get("/progress/nope.json").status_code == 404


@pytest.mark.parametrize("words, title, retake", [
    (60, "Not yet: keep practising", "You can take the test again from"),
    (100, "You are close to the level for this role", None),
    (140, "Well done", None),
    (20, "A person will read your answers", None),  # the stand-in asks for review below A2
])
def test_decision_in_kind_words(client, employer, fake_score, app, words, title, retake):
    who = employer(show_feedback=True, max_attempts=2, cooldown_days=7)
    applicant = Applicant(client, who.tokens[0])
    applicant.start()
    applicant.draft(who.task_ids[0], " ".join(["word"] * words))
    applicant.post("/submit", confirm="yes")
    app.extensions["assessor"]["queue"].run_pending()
    page = applicant.get("/feedback").get_data(as_text=True)
    assert title in page
    if retake:
        available = (utcnow() + timedelta(days=7)).strftime("%-d %B %Y")
        assert f"{retake} {available}" in page and "What to practise" in page
    assert "Not yet" not in page or retake
    # Every decision says why (the stand-in's reason), and review says when they will hear.
    assert "length rule" in page
    assert ("When you will hear" in page) == (words == 20)


def test_a_refused_form_keeps_what_was_typed(applicant):
    """A lost session (CSRF refusal) must not lose the applicant's words."""
    applicant.start()
    response = applicant.client.post(applicant.url("/task/1"),
                                     data={"csrf_token": "stale", "text": "My precious words",
                                           "action": "next"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "My precious words</textarea>" in page and "Nothing was lost" in page


def test_training_centre_link_is_read_only(applicant, db, who, app, fake_score):
    applicant.start()
    applicant.draft(who.task_ids[0], ESSAY_ANSWER)
    applicant.post("/submit", confirm="yes")
    app.extensions["assessor"]["queue"].run_pending()
    page = applicant.client.get(f"/progress/{applicant.token}").get_data(as_text=True)
    shared = re.search(r'id="share-url" class="share-url" readonly value="([^"]+)"', page).group(1)
    path = shared.split("://", 1)[1].split("/", 1)[1]
    assert applicant.token not in shared
    view = applicant.client.get(f"/{path}")
    assert view.status_code == 200 and "<svg" in view.get_data(as_text=True)
    assert "share-url" not in view.get_data(as_text=True)
    assert len(applicant.client.get(f"/{path}.json").json["attempts"]) == 1
    # Tampered keys and withdrawn invitations show nothing.
    assert applicant.client.get(f"/{path}x").status_code == 404
    with db.transaction() as s:
        s.scalar(select(m.Invitation)).revoked_at = utcnow()
    assert applicant.client.get(f"/{path}").status_code == 404
