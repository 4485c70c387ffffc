"""Invitation email through the outbox, against real SMTP servers on 127.0.0.1."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from assessor.db.models import OutboxMessage
from assessor.jobs.email import send_email
from tests.support.smtp import Dropper, Recorder, SMTPServer, closed_port

pytest.importorskip("aiosmtpd")


def smtp_env(port: int) -> dict:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none",
            "SMTP_FROM": "hiring@assessor.example", "ASSESSOR_EMAIL_BACKOFF": "0.01",
            "ASSESSOR_EMAIL_MAX_ATTEMPTS": "3", "SMTP_TIMEOUT": "3",
            # Reminders have tests of their own below.
            "ASSESSOR_REMINDER_DAYS": "0"}


@pytest.fixture
def recorder():
    handler = Recorder(refuse=("nobody@example.com",))
    server = SMTPServer(handler)
    yield server
    server.stop()


def _invite(client, tenant, email="ana@example.com", name="Ana Reyes"):
    response = client.post(f"/api/v1/assessments/{tenant.assessment_id}/invitations",
                           headers=tenant.auth(), json={"email": email, "name": name})
    assert response.status_code == 201, response.json
    return response.json


def _invitation(client, tenant, invitation_id):
    rows = client.get(f"/api/v1/assessments/{tenant.assessment_id}/invitations?per_page=200",
                      headers=tenant.auth()).json["items"]
    return next(r for r in rows if r["id"] == invitation_id)


def test_invitation_is_mailed_once_with_the_employers_name_and_link(app_factory, make_tenant,
                                                                    recorder):
    app = app_factory(**smtp_env(recorder.port))
    client, ctx = app.test_client(), app.extensions["assessor"]["ctx"]
    tenant = make_tenant(name="Acme BPO")
    created = _invite(client, tenant)
    assert created["email_delivery"]["status"] == "pending"
    app.extensions["assessor"]["queue"].run_pending(include_delayed=True)
    assert len(recorder.handler.messages) == 1
    rcpt, msg = recorder.handler.messages[0]
    assert rcpt == ["ana@example.com"] and msg["From"] == "hiring@assessor.example"
    assert msg["Subject"] == "Acme BPO invites you to an English writing assessment"
    assert created["url"] in msg.get_content() and "Hello Ana Reyes" in msg.get_content()
    state = _invitation(client, tenant, created["id"])["email_delivery"]
    assert state["status"] == "sent" and state["sent_at"] and state["last_error"] is None
    # A second job for the same message (a retry racing recovery) sends nothing.
    assert send_email(ctx, state["id"]).status == "skip"
    assert len(recorder.handler.messages) == 1
    with ctx.db.transaction() as s:
        body = s.get(OutboxMessage, state["id"]).body
    assert created["token"] not in body  # the link leaves the database once sent


def test_a_refused_address_fails_at_once_and_shows_why(app_factory, make_tenant, recorder):
    app = app_factory(**smtp_env(recorder.port))
    client = app.test_client()
    tenant = make_tenant()
    created = _invite(client, tenant, email="nobody@example.com")
    app.extensions["assessor"]["queue"].run_pending(include_delayed=True)
    state = _invitation(client, tenant, created["id"])["email_delivery"]
    assert state["status"] == "failed" and state["attempts"] == 1
    assert "550" in state["last_error"] and "mailbox unavailable" in state["last_error"]
    assert recorder.handler.messages == []


@pytest.mark.parametrize("server", ["temporary", "drops", "down"])
def test_transient_failures_are_retried_with_backoff_then_fail(app_factory, make_tenant, server):
    if server == "temporary":
        srv = SMTPServer(Recorder(fail_with="451 4.3.0 try again later"))
    elif server == "drops":
        srv = Dropper()
    else:
        srv = None
    try:
        app = app_factory(**smtp_env(srv.port if srv else closed_port()))
        client, queue = app.test_client(), app.extensions["assessor"]["queue"]
        tenant = make_tenant()
        created = _invite(client, tenant)
        outcomes = queue.run_pending(include_delayed=True)
        assert [o.status for o in outcomes] == ["retry", "retry", "failed"]
        assert outcomes[0].retry_in < outcomes[1].retry_in  # exponential backoff
        state = _invitation(client, tenant, created["id"])["email_delivery"]
        assert state["status"] == "failed" and state["attempts"] == 3
        expected = {"temporary": "451", "drops": "SMTPServerDisconnected",
                    "down": "ConnectionRefusedError"}[server]
        assert expected in state["last_error"]
        if server == "drops":
            assert srv.connections == 3
    finally:
        if srv:
            srv.stop()


def test_a_server_back_up_gets_the_message_on_the_retry(app_factory, make_tenant):
    handler = Recorder(fail_with="421 4.3.2 service not available")
    server = SMTPServer(handler)
    try:
        app = app_factory(**smtp_env(server.port))
        client, queue = app.test_client(), app.extensions["assessor"]["queue"]
        tenant = make_tenant()
        created = _invite(client, tenant)
        assert [o.status for o in queue.run_pending()] == ["retry"]
        handler.fail_with = None
        assert [o.status for o in queue.run_pending(include_delayed=True)] == ["done"]
        assert len(handler.messages) == 1
        state = _invitation(client, tenant, created["id"])["email_delivery"]
        assert state["status"] == "sent" and state["attempts"] == 2
    finally:
        server.stop()


def test_bulk_invitations_queue_one_message_per_created_row(app_factory, make_tenant, recorder):
    app = app_factory(**smtp_env(recorder.port))
    client = app.test_client()
    tenant = make_tenant(invitations=0)
    rows = "email,name\nb1@example.com,B One\nnot-an-email,X\nb2@example.com,B Two\n"
    response = client.post(f"/api/v1/assessments/{tenant.assessment_id}/invitations/bulk",
                           headers=tenant.auth(),
                           data={"file": (io.BytesIO(rows.encode()), "p.csv")},
                           content_type="multipart/form-data")
    assert response.json["summary"] == {"created": 2, "errors": 1}
    app.extensions["assessor"]["queue"].run_pending(include_delayed=True)
    assert sorted(r for r, _ in recorder.handler.messages) == [["b1@example.com"],
                                                               ["b2@example.com"]]


def test_a_refused_invitation_queues_no_message(app_factory, make_tenant, recorder):
    app = app_factory(**smtp_env(recorder.port))
    client, db = app.test_client(), app.extensions["assessor"]["db"]
    tenant = make_tenant(invitations=0)
    _invite(client, tenant, email="same@example.com")
    archived = client.patch(f"/api/v1/assessments/{tenant.assessment_id}",
                            headers=tenant.auth(), json={"archived": True})
    assert archived.status_code == 200, archived.json
    with db.transaction() as s:
        before = s.scalar(select(func.count(OutboxMessage.id)))
    refused = client.post(f"/api/v1/assessments/{tenant.assessment_id}/invitations",
                          headers=tenant.auth(), json={"email": "other@example.com"})
    with db.transaction() as s:
        after = s.scalar(select(func.count(OutboxMessage.id)))
    assert refused.status_code == 409 and before == after == 1


def test_without_smtp_the_messages_wait_in_the_outbox(app, make_tenant, queue):
    tenant = make_tenant(invitations=0)
    client = app.test_client()
    created = _invite(client, tenant)
    queue.run_pending(include_delayed=True)
    state = _invitation(client, tenant, created["id"])["email_delivery"]
    assert state["status"] == "pending" and state["attempts"] == 0


def test_an_organisations_own_template_is_used(app_factory, make_tenant, recorder):
    from assessor.services.outbox import set_template

    app = app_factory(**smtp_env(recorder.port))
    db = app.extensions["assessor"]["db"]
    tenant = make_tenant(name="Northwind Contact", invitations=0)
    with db.transaction() as s:
        set_template(s, tenant.org_id, "invitation", "Your $employer test\nBcc: x@evil.example",
                     "Dear $name, start here: $link ($nmae stays as typed)")
    created = _invite(app.test_client(), tenant)
    app.extensions["assessor"]["queue"].run_pending(include_delayed=True)
    (_, msg), = recorder.handler.messages
    assert msg["Subject"] == "Your Northwind Contact test Bcc: x@evil.example"
    assert msg["Bcc"] is None
    assert msg.get_content().strip() == f"Dear Ana Reyes, start here: {created['url']} " \
                                        "($nmae stays as typed)"


def test_erasing_the_candidate_removes_their_mail(app, make_tenant):
    client, db = app.test_client(), app.extensions["assessor"]["db"]
    tenant = make_tenant(invitations=0)
    created = _invite(client, tenant, email="erase.me@example.com")
    erased = client.delete(f"/api/v1/candidates/{created['candidate_id']}", headers=tenant.auth())
    assert erased.status_code == 200, erased.json
    with db.transaction() as s:
        assert s.scalars(select(OutboxMessage.to_addr)).all() == []


def test_recovery_returns_a_dead_workers_claim_and_resends(app_factory, make_tenant, recorder):
    from datetime import timedelta

    from sqlalchemy import update

    from assessor.db.base import utcnow
    from assessor.jobs.recovery import recover

    app = app_factory(**smtp_env(recorder.port))
    ctx, queue = app.extensions["assessor"]["ctx"], app.extensions["assessor"]["queue"]
    tenant = make_tenant(invitations=0)
    created = _invite(app.test_client(), tenant)
    message_id = created["email_delivery"]["id"]
    # As if a worker claimed it and died: 'sending' with its lease run out.
    with ctx.db.transaction() as s:
        s.execute(update(OutboxMessage).values(status="sending", attempts=1,
                                               next_attempt_at=utcnow() - timedelta(seconds=5)))
    assert send_email(ctx, message_id).status == "skip"  # held by the claim
    assert recover(ctx)["emails"] == [message_id]
    queue.run_pending(include_delayed=True)
    assert len(recorder.handler.messages) == 1
    with ctx.db.transaction() as s:
        assert s.get(OutboxMessage, message_id).status == "sent"


def _make_due(db, kind: str) -> int:
    from datetime import timedelta

    from sqlalchemy import update

    from assessor.db.base import utcnow

    with db.transaction() as s:
        message_id = s.scalar(select(OutboxMessage.id).where(OutboxMessage.kind == kind))
        s.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                  .values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    return message_id


def test_a_reminder_is_scheduled_before_expiry_and_sent_when_due(app_factory, make_tenant,
                                                                  recorder):
    app = app_factory(**{**smtp_env(recorder.port), "ASSESSOR_REMINDER_DAYS": "2"})
    client, ctx = app.test_client(), app.extensions["assessor"]["ctx"]
    tenant = make_tenant(name="Acme BPO", invitations=0)
    created = client.post(f"/api/v1/assessments/{tenant.assessment_id}/invitations",
                          headers=tenant.auth(),
                          json={"email": "late@example.com", "expires_in_days": 5}).json
    app.extensions["assessor"]["queue"].run_pending(include_delayed=True)
    assert len(recorder.handler.messages) == 1  # the reminder is not due yet
    with ctx.db.transaction() as s:
        reminder = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).one()
        assert reminder.status == "pending"
        lead = s.get(m_invitation(), created["id"]).expires_at - reminder.next_attempt_at
    assert lead.days == 2
    assert send_email(ctx, _make_due(ctx.db, "reminder")).status == "done"
    (_, msg) = recorder.handler.messages[-1]
    assert msg["Subject"].startswith("Reminder: your Acme BPO writing assessment link expires")
    assert created["url"] in msg.get_content()
    # The invitation's own email state is still the invitation's, not the reminder's.
    assert _invitation(client, tenant, created["id"])["email_delivery"]["id"] != reminder.id


def test_a_reminder_for_a_used_link_is_cancelled_not_sent(app_factory, make_tenant, recorder):
    app = app_factory(**{**smtp_env(recorder.port), "ASSESSOR_REMINDER_DAYS": "2"})
    client, ctx = app.test_client(), app.extensions["assessor"]["ctx"]
    tenant = make_tenant(invitations=0)
    created = _invite(client, tenant)
    app.extensions["assessor"]["queue"].run_pending(include_delayed=True)
    started = client.post("/api/v1/applicant/attempt",
                          headers={"X-Invitation-Token": created["token"]}, json={"consent": True})
    assert started.status_code in (200, 201), started.json
    message_id = _make_due(ctx.db, "reminder")
    assert send_email(ctx, message_id).status == "skip"
    assert len(recorder.handler.messages) == 1
    with ctx.db.transaction() as s:
        row = s.get(OutboxMessage, message_id)
        assert row.status == "cancelled" and created["token"] not in row.body


def test_no_reminder_when_turned_off(app_factory, make_tenant):
    app = app_factory(ASSESSOR_REMINDER_DAYS="0")
    tenant = make_tenant(invitations=0)
    _invite(app.test_client(), tenant)
    with app.extensions["assessor"]["db"].transaction() as s:
        assert s.scalars(select(OutboxMessage.kind)).all() == ["invitation"]


def m_invitation():
    from assessor.db.models import Invitation

    return Invitation


def test_the_inviting_recruiter_is_told_when_results_are_ready(app_factory, make_tenant,
                                                               recorder, fake_score):
    from tests.support.service import SAMPLE, applicant_headers as H

    app = app_factory(**smtp_env(recorder.port))
    client, queue = app.test_client(), app.extensions["assessor"]["queue"]
    tenant = make_tenant(name="Acme BPO", invitations=0)
    created = _invite(client, tenant, email="cand@example.com", name="Cand Idate")
    token = created["token"]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    queue.run_pending(include_delayed=True)
    notices = [(r, msg) for r, msg in recorder.handler.messages
               if msg["Subject"].startswith("Results ready")]
    assert len(notices) == 1
    (rcpt, msg), = notices
    assert rcpt[0].startswith("admin") and "Cand Idate" in msg["Subject"]
    assert "/dashboard/attempts/" in msg.get_content() and "cand@example.com" in msg.get_content()
