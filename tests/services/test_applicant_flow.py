"""The applicant journey's service functions: link states, consent, resume,
finish (submit-all), server-side time-up, retakes and progress."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from assessor.db import models as m
from assessor.db.base import utcnow
from assessor.jobs.dispatch import commit_and_enqueue
from assessor.services import applicant as flow
from assessor.services import attempts, invite, save_draft
from assessor.services.errors import Conflict
from tests.support.service import SAMPLE


def _invitation(s, token):
    return flow.open_link(s, token).invitation


def _begin(s, token):
    invitation = _invitation(s, token)
    attempts.record_consent(s, invitation)
    return attempts.start_attempt(s, invitation)[0]


def _change(s, tenant, state):
    invitation = s.scalar(select(m.Invitation).where(
        m.Invitation.assessment_id == tenant.assessment_id).order_by(m.Invitation.id))
    assessment = invitation.assessment
    now = utcnow()
    if state == "revoked":
        invitation.revoked_at = now
    elif state == "expired":
        invitation.expires_at = now - timedelta(minutes=1)
    elif state == "closed":
        assessment.closes_at = now - timedelta(minutes=1)
    elif state == "not_open":
        assessment.opens_at = now + timedelta(days=1)
    s.flush()


@pytest.mark.parametrize("state", ["welcome", "revoked", "expired", "closed", "not_open"])
def test_states_of_an_unstarted_link(db, tenant, state):
    with db.transaction() as s:
        _change(s, tenant, state)
        assert flow.open_link(s, tenant.invitations[0]).state == state


@pytest.mark.parametrize("token", [None, "", "x" * 300, "no-such-token"])
def test_unknown_links(db, tenant, token):
    with db.transaction() as s:
        assert flow.open_link(s, token).state == "unknown"


def test_start_needs_consent_and_consent_is_audited_once(db, tenant):
    with db.transaction() as s:
        invitation = _invitation(s, tenant.invitations[0])
        with pytest.raises(Conflict) as exc:
            attempts.start_attempt(s, invitation)
        assert exc.value.code == "consent_required"
        attempts.record_consent(s, invitation)
        attempts.record_consent(s, invitation)
        entries = s.scalars(select(m.AuditLog).where(m.AuditLog.action == "applicant.consent")).all()
        assert len(entries) == 1 and entries[0].details["notice_version"] == attempts.NOTICE_VERSION
        attempt, _ = attempts.start_attempt(s, invitation)
        assert flow.open_link(s, tenant.invitations[0]).state == "in_progress"
        assert attempt.deadline is None or attempt.deadline > utcnow()


@pytest.mark.parametrize("drafts, expected", [
    # Where the applicant last saved, even half-written: reopening the link
    # must not land on an empty next task.
    ({}, 0), ({0: "words"}, 0), ({0: "a", 1: "b"}, 1), ({1: "only the second"}, 1),
    ({0: "   "}, 0), ({1: "b", 0: "back to the first"}, 0),
])
def test_resume_position(db, tenant, drafts, expected):
    with db.transaction() as s:
        attempt = _begin(s, tenant.invitations[0])
        for index, text in drafts.items():
            save_draft(s, attempt, tenant.task_ids[index], text)
        assert flow.resume_position(attempt, tenant.task_ids) == expected


@pytest.mark.parametrize("task, limit, expected", [
    (8, 1, 1), (8, None, 8), (None, 30, None), (5, 30, 5)])
def test_suggested_time_never_exceeds_the_time_limit(task, limit, expected):
    assert flow.suggested_minutes(task, limit) == expected


def test_submit_all_submits_written_answers_and_closes(db, tenant, queue, fake_score):
    with db.transaction() as s:
        attempt = _begin(s, tenant.invitations[0])
        save_draft(s, attempt, tenant.task_ids[0], SAMPLE)
        work = attempts.finish(s, attempt)
        assert len(work.score) == 1
        assert attempt.status == "submitted"
        # An explicit submit is not a time-out.
        assert "auto_submitted" not in attempt.flags
        assert flow.open_link(s, tenant.invitations[0]).state == "submitted"


def test_submit_all_refuses_an_answer_over_the_limit_and_submits_nothing(db, tenant):
    with db.transaction() as s:
        attempt = _begin(s, tenant.invitations[0])
        save_draft(s, attempt, tenant.task_ids[0], SAMPLE)
        save_draft(s, attempt, tenant.task_ids[1], "word " * 300)
        checks = {c.task_id: c for c in flow.review_checks(attempt)}
        assert checks[tenant.task_ids[1]].too_long and not checks[tenant.task_ids[0]].too_long
        with pytest.raises(Conflict) as exc:
            attempts.finish(s, attempt)
        assert exc.value.code == "too_long"
        assert all(a.submitted_at is None for a in attempt.answers)


@pytest.mark.parametrize("offset_s, closed", [(60, False), (-1, True), (-3600, True)])
def test_close_if_time_up(db, make_tenant, offset_s, closed):
    tenant = make_tenant(time_limit_minutes=30)
    with db.transaction() as s:
        attempt = _begin(s, tenant.invitations[0])
        save_draft(s, attempt, tenant.task_ids[0], SAMPLE)
        attempt.deadline = utcnow() + timedelta(seconds=offset_s)
        assert flow.open_link(s, tenant.invitations[0]).state == ("time_up" if closed
                                                                   else "in_progress")
        assert (attempts.close_if_time_up(s, attempt) is not None) is closed
        if closed:
            assert attempt.status == "submitted" and "auto_submitted" in attempt.flags
            assert attempt.answers[0].text == SAMPLE


@pytest.mark.parametrize("max_attempts, cooldown, remaining, days", [
    (1, 0, 0, None), (3, 0, 2, 0), (3, 14, 2, 14)])
def test_retake_info(db, make_tenant, max_attempts, cooldown, remaining, days):
    tenant = make_tenant(max_attempts=max_attempts, cooldown_days=cooldown)
    with db.transaction() as s:
        attempt = _begin(s, tenant.invitations[0])
        info = flow.retake_info(s, attempt)
        assert info.remaining == remaining and info.max_attempts == max_attempts
        if days is None:
            assert info.available_from is None
        else:
            expected = attempt.started_at + timedelta(days=days)
            assert abs((info.available_from - max(expected, utcnow())).total_seconds()) < 5


def test_progress_lists_scored_attempts_with_the_bar(db, make_tenant, queue, fake_score):
    tenant = make_tenant(max_attempts=3, invitations=1)
    with db.transaction() as s:
        attempt = _begin(s, tenant.invitations[0])
        save_draft(s, attempt, tenant.task_ids[0], "Short answer with some words in it.")
        commit_and_enqueue(s, queue, attempts.finish(s, attempt))
    queue.run_pending()
    with db.transaction() as s:
        first = _invitation(s, tenant.invitations[0])
        admin = s.scalar(select(m.User).where(m.User.org_id == tenant.org_id,
                                              m.User.role == "admin"))
        _, token = invite(s, admin, first.assessment, first.candidate.email)
        attempt = _begin(s, token)
        save_draft(s, attempt, tenant.task_ids[0], SAMPLE)
        commit_and_enqueue(s, queue, attempts.finish(s, attempt))
    queue.run_pending()
    with db.transaction() as s:
        rows = flow.progress(s, _invitation(s, token))
        assert len(rows) == 2
        assert [r["current"] for r in rows] == [False, True]
        assert rows[0]["score"] < rows[1]["score"]  # the stand-in rates longer answers higher
        assert rows[1]["required_cefr"] == "B2" and rows[1]["required_score"] == 50.0
        assert rows[1]["traits"]["grammar_cefr"] is not None
