"""Work left behind by a crash is picked up again; nothing stays unscored."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from assessor.db import models as m
from assessor.db.base import utcnow
from assessor.jobs import recover
from tests.support.service import SAMPLE, applicant_headers as H


def _submit(client, tenant, index=0):
    token = tenant.invitations[index]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    return client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                       headers=H(token), json={"text": SAMPLE}).json["answer_id"]


def _scored(db, answer_id) -> bool:
    with db.transaction() as s:
        return s.scalar(select(m.Score.id).where(m.Score.answer_id == answer_id)) is not None


def test_startup_recovery_scores_answers_whose_enqueue_was_lost(app_factory, tenant, fake_score):
    crashed = app_factory()
    answer_id = _submit(crashed.test_client(), tenant)
    # The process died: its in-memory queue is gone. A new process starts.
    restarted = app_factory()
    queue = restarted.extensions["assessor"]["queue"]
    queue.start()
    assert queue.wait_idle(30)
    assert _scored(restarted.extensions["assessor"]["db"], answer_id)


def test_running_job_with_expired_lease_is_requeued(app, client, tenant, db, queue, fake_score):
    answer_id = _submit(client, tenant)
    queue._heap.clear()  # the enqueue died with the worker
    with db.transaction() as s:  # a worker claimed it, then was killed
        s.execute(update(m.Job).values(status="running", attempts=1,
                                       lease_until=utcnow() - timedelta(seconds=1)))
    found = recover(app.extensions["assessor"]["ctx"])
    assert found["answers"] == [answer_id]
    queue.run_pending()
    assert _scored(db, answer_id)


def test_live_lease_is_left_alone(app, client, tenant, db, queue):
    _submit(client, tenant)
    with db.transaction() as s:
        s.execute(update(m.Job).values(status="running",
                                       lease_until=utcnow() + timedelta(minutes=5)))
    assert recover(app.extensions["assessor"]["ctx"])["answers"] == []


def test_answer_without_job_row_gets_one(app, client, tenant, db, queue, fake_score):
    answer_id = _submit(client, tenant)
    queue._heap.clear()
    with db.transaction() as s:
        s.execute(m.Job.__table__.delete())
    found = recover(app.extensions["assessor"]["ctx"], startup=True)
    assert found["answers"] == [answer_id]
    queue.run_pending()
    assert _scored(db, answer_id)


def test_overdue_attempt_is_closed_with_drafts_submitted(app, client, tenant, db, queue,
                                                         fake_score):
    token = tenant.invitations[0]
    attempt_id = client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True}).json["id"]
    client.put(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/draft", headers=H(token),
               json={"text": SAMPLE})
    with db.transaction() as s:
        s.get(m.Attempt, attempt_id).deadline = utcnow() - timedelta(hours=1)
    found = recover(app.extensions["assessor"]["ctx"])
    assert len(found["answers"]) == 1
    queue.run_pending()
    with db.transaction() as s:
        attempt = s.get(m.Attempt, attempt_id)
        assert attempt.status == "scored" and "auto_submitted" in attempt.flags
    late = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[1]}/submit",
                       headers=H(token), json={"text": SAMPLE})
    assert late.status_code == 409


def test_attempt_with_nothing_written_expires(app, client, tenant, db):
    attempt_id = client.post("/api/v1/applicant/attempt", headers=H(tenant.invitations[0]), json={"consent": True}).json["id"]
    with db.transaction() as s:
        s.get(m.Attempt, attempt_id).deadline = utcnow() - timedelta(hours=1)
    recover(app.extensions["assessor"]["ctx"])
    with db.transaction() as s:
        assert s.get(m.Attempt, attempt_id).status == "expired"
