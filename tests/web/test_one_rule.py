"""Rules that used to have two copies which disagreed; each now has one, and
these tests pin the one chosen (docs/architecture.md lists them)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from assessor.db import models as m
from assessor.db.base import utcnow
from assessor.jobs import recover
from tests.support.service import SAMPLE, applicant_headers as H

LONG = "word " * 300  # the tenant's tasks allow 200 words (+10 % and 5 of slack)


def _start(client, token):
    response = client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _draft(client, token, task_id, text):
    response = client.put(f"/api/v1/applicant/answers/{task_id}/draft", headers=H(token),
                          json={"text": text})
    assert response.status_code == 200, response.json


def _close_at_time_limit(app, db, attempt_id):
    with db.transaction() as s:
        s.get(m.Attempt, attempt_id).deadline = utcnow() - timedelta(hours=1)
    recover(app.extensions["assessor"]["ctx"])


def test_api_start_needs_consent_like_the_pages(client, db, tenant):
    token = tenant.invitations[0]
    refused = client.post("/api/v1/applicant/attempt", headers=H(token))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "consent_required"
    assert client.post("/api/v1/applicant/attempt", headers=H(token),
                       json={"consent": False}).status_code == 409
    assert client.get("/api/v1/applicant", headers=H(token)).json["attempt"] is None
    started = client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    assert started.status_code == 201
    # Recorded where the pages record it, and a repeat start needs nothing more.
    with db.transaction() as s:
        consents = s.scalars(select(m.AuditLog).where(
            m.AuditLog.action == "applicant.consent")).all()
        assert len(consents) == 1 and consents[0].details["notice_version"] == "1"
    assert client.post("/api/v1/applicant/attempt", headers=H(token)).status_code == 200


def test_api_finish_refuses_a_draft_over_the_word_limit_like_the_review_page(client, db, tenant):
    token = tenant.invitations[0]
    attempt_id = _start(client, token)
    _draft(client, token, tenant.task_ids[0], SAMPLE)
    _draft(client, token, tenant.task_ids[1], LONG)
    refused = client.post("/api/v1/applicant/attempt/finish", headers=H(token))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "too_long"
    with db.transaction() as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == "started"
        assert all(a.submitted_at is None for a in attempt.answers)


def test_an_applicants_own_finish_is_not_flagged_auto_submitted(client, db, tenant):
    token = tenant.invitations[0]
    attempt_id = _start(client, token)
    _draft(client, token, tenant.task_ids[0], SAMPLE)
    assert client.post("/api/v1/applicant/attempt/finish", headers=H(token)).status_code == 200
    with db.transaction() as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == "submitted"
        assert "auto_submitted" not in attempt.flags


def test_time_limit_close_keeps_an_overlong_draft_and_flags_it(app, client, db, tenant):
    token = tenant.invitations[0]
    attempt_id = _start(client, token)
    _draft(client, token, tenant.task_ids[0], LONG)
    _close_at_time_limit(app, db, attempt_id)
    with db.transaction() as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == "submitted"
        assert attempt.answers[0].text == LONG  # written work is never lost
        assert {"auto_submitted", "over_word_limit"} <= set(attempt.flags)


def test_time_limit_close_marks_near_duplicates_like_a_submit(app, client, db, tenant):
    first, second = tenant.invitations
    _start(client, first)
    submitted = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                            headers=H(first), json={"text": SAMPLE})
    assert submitted.status_code == 202
    copier = _start(client, second)
    _draft(client, second, tenant.task_ids[0], SAMPLE)
    _close_at_time_limit(app, db, copier)
    with db.transaction() as s:
        flags = {a.id: set(a.flags) for a in s.scalars(select(m.Attempt))}
        assert all("near_duplicate" in f for f in flags.values()), flags


def test_api_refuses_a_duplicate_client_account_like_the_dashboard(client, tenant):
    created = client.post("/api/v1/client-accounts", headers=tenant.auth(),
                          json={"name": "Acme Telecom"})
    assert created.status_code == 201
    again = client.post("/api/v1/client-accounts", headers=tenant.auth(),
                        json={"name": " Acme Telecom "})
    assert again.status_code == 409 and again.json["error"]["code"] == "client_exists"


def test_api_filters_on_every_flag_the_dashboard_offers(client, db, tenant):
    attempt_id = _start(client, tenant.invitations[0])
    with db.transaction() as s:
        s.get(m.Attempt, attempt_id).flags = ["inhuman_typing"]
    found = client.get("/api/v1/attempts?flag=inhuman_typing", headers=tenant.auth())
    assert found.status_code == 200 and [a["id"] for a in found.json["items"]] == [attempt_id]
    assert client.get("/api/v1/attempts?flag=over_word_limit",
                      headers=tenant.auth()).json["items"] == []
