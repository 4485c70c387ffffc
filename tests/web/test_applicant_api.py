"""The applicant's JSON API: tasks, attempt, drafts, idempotent submit, feedback."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessor.db import models as m
from tests.support.service import SAMPLE, applicant_headers as H


def _start(client, token):
    return client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})


def test_overview_lists_tasks_and_no_attempt(client, tenant):
    body = client.get("/api/v1/applicant", headers=H(tenant.invitations[0])).json
    assert [t["task_id"] for t in body["tasks"]] == tenant.task_ids
    assert body["attempt"] is None
    # The prompts only once the clock runs.
    assert [t["prompt"] for t in body["tasks"]] == [None, None]
    _start(client, tenant.invitations[0])
    body = client.get("/api/v1/applicant", headers=H(tenant.invitations[0])).json
    assert body["tasks"][0]["prompt"] == "Write a email_reply."


def test_token_in_query_string_works(client, tenant):
    response = client.get(f"/api/v1/applicant?token={tenant.invitations[0]}")
    assert response.status_code == 200


@pytest.mark.parametrize("token, code", [
    (None, "unauthorized"), ("not-a-token", "invalid_invitation"), ("", "unauthorized")])
def test_bad_tokens_are_401(client, tenant, token, code):
    headers = {} if token is None else {"X-Invitation-Token": token}
    response = client.get("/api/v1/applicant", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == code


def test_start_is_idempotent_and_single_use(client, tenant):
    first = _start(client, tenant.invitations[0])
    again = _start(client, tenant.invitations[0])
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"]


def test_draft_then_submit_then_score(client, tenant, queue, fake_score):
    token = tenant.invitations[0]
    _start(client, token)
    task = tenant.task_ids[0]
    saved = client.put(f"/api/v1/applicant/answers/{task}/draft", headers=H(token),
                       json={"text": "first words", "events": [{"type": "focus"}]})
    assert saved.status_code == 200 and saved.json["saved_at"]
    overview = client.get("/api/v1/applicant", headers=H(token)).json
    assert overview["tasks"][0]["draft_text"] == "first words"
    sent = client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token, "k1"),
                       json={"text": SAMPLE})
    assert sent.status_code == 202 and sent.json["replayed"] is False
    queue.run_pending()
    status = client.get("/api/v1/applicant/status", headers=H(token)).json
    scoring = {a["task_id"]: a["scoring"]["status"] for a in status["answers"]}
    assert scoring == {task: "done", tenant.task_ids[1]: "not_submitted"}
    assert fake_score[0]["prompt"] == "Write a email_reply."
    assert fake_score[0]["profile"].name == "voice"


def test_retried_submit_is_not_scored_twice(client, tenant, queue, fake_score, db):
    token, task = tenant.invitations[0], tenant.task_ids[0]
    _start(client, token)
    url = f"/api/v1/applicant/answers/{task}/submit"
    first = client.post(url, headers=H(token, "same-key"), json={"text": SAMPLE})
    retry = client.post(url, headers=H(token, "same-key"), json={"text": SAMPLE})
    assert (first.status_code, retry.status_code) == (202, 200)
    assert retry.json["replayed"] is True and retry.json["answer_id"] == first.json["answer_id"]
    queue.run_pending()
    queue.enqueue_score(first.json["answer_id"])  # a duplicate enqueue, as after a crash
    queue.run_pending()
    assert len(fake_score) == 1
    with db.transaction() as s:
        assert s.scalar(select(func.count(m.Score.id))) == 1


def test_second_submit_with_other_key_conflicts(client, tenant):
    token, task = tenant.invitations[0], tenant.task_ids[0]
    _start(client, token)
    url = f"/api/v1/applicant/answers/{task}/submit"
    client.post(url, headers=H(token, "a"), json={"text": SAMPLE})
    response = client.post(url, headers=H(token, "b"), json={"text": SAMPLE + " more"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_submitted"


@pytest.mark.parametrize("body, status", [
    ({"text": ""}, 422), ({"text": "   "}, 422), ({"text": 5}, 422), ({}, 422),
    ({"text": "word " * 400}, 422), ({"text": SAMPLE, "events": "x"}, 422),
    ({"text": SAMPLE, "events": [{"type": "teleport"}]}, 422)])
def test_bad_submissions_are_rejected(client, tenant, body, status):
    token = tenant.invitations[0]
    _start(client, token)
    response = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                           headers=H(token), json=body)
    assert response.status_code == status
    assert set(response.json["error"]) == {"code", "message"}


def test_unknown_task_is_404_and_unstarted_is_409(client, tenant):
    token = tenant.invitations[0]
    early = client.put(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/draft",
                       headers=H(token), json={"text": "x"})
    assert early.status_code == 409
    _start(client, token)
    response = client.put("/api/v1/applicant/answers/999999/draft", headers=H(token),
                          json={"text": "x"})
    assert response.status_code == 404


def test_paste_is_flagged_when_not_allowed(client, tenant, db):
    token = tenant.invitations[0]
    attempt_id = _start(client, token).json["id"]
    client.put(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/draft", headers=H(token),
               json={"text": "x", "events": [{"type": "paste", "chars": 300}]})
    with db.transaction() as s:
        assert "paste" in s.get(m.Attempt, attempt_id).flags


def test_feedback_forbidden_unless_assessment_allows(client, make_tenant, queue, fake_score):
    closed, open_ = make_tenant(show_feedback=False), make_tenant(show_feedback=True)
    for t in (closed, open_):
        token = t.invitations[0]
        _start(client, token)
        for task in t.task_ids:
            client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                        json={"text": SAMPLE})
    before = client.get("/api/v1/applicant/feedback", headers=H(open_.invitations[0]))
    assert before.status_code == 409
    queue.run_pending()
    denied = client.get("/api/v1/applicant/feedback", headers=H(closed.invitations[0]))
    allowed = client.get("/api/v1/applicant/feedback", headers=H(open_.invitations[0]))
    assert denied.status_code == 403 and denied.json["error"]["code"] == "no_feedback"
    assert allowed.status_code == 200
    assert allowed.json["cefr"] and "decision" not in allowed.json


def test_finish_submits_open_drafts(client, tenant, queue, fake_score):
    token = tenant.invitations[0]
    _start(client, token)
    client.put(f"/api/v1/applicant/answers/{tenant.task_ids[1]}/draft", headers=H(token),
               json={"text": SAMPLE})
    finished = client.post("/api/v1/applicant/attempt/finish", headers=H(token))
    assert finished.json["status"] == "submitted"
    queue.run_pending()
    assert client.get("/api/v1/applicant/status", headers=H(token)).json["status"] == "scored"


def test_revoked_invitation_is_refused(client, tenant):
    listing = client.get(f"/api/v1/assessments/{tenant.assessment_id}/invitations",
                         headers=tenant.auth()).json
    client.post(f"/api/v1/invitations/{listing['items'][0]['id']}/revoke", headers=tenant.auth())
    assert client.get("/api/v1/applicant", headers=H(tenant.invitations[0])).status_code == 401


def test_rate_limit_gives_429(app_factory, make_tenant):
    app = app_factory(ASSESSOR_APPLICANT_RATE_LIMIT=3)
    client = app.test_client()
    tenant = make_tenant()
    codes = [client.get("/api/v1/applicant", headers=H(tenant.invitations[1])).status_code
             for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


@pytest.mark.parametrize("window, code", [
    ({"opens_at": "2999-01-01T00:00:00Z"}, "not_open"),
    ({"closes_at": "2000-01-01T00:00:00Z"}, "closed"),
])
def test_start_outside_the_open_window(client, make_tenant, window, code):
    tenant = make_tenant(invitations=1)
    client.patch(f"/api/v1/assessments/{tenant.assessment_id}", headers=tenant.auth(),
                 json=window)
    response = _start(client, tenant.invitations[0])
    assert response.status_code == 409 and response.json["error"]["code"] == code


def test_submit_survives_redis_down(app_factory, make_tenant, db):
    """The answer is committed before the enqueue; a failed enqueue leaves a
    queued job row that recovery finds."""
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    client, tenant = app.test_client(), make_tenant(invitations=1)
    token = tenant.invitations[0]
    _start(client, token)
    response = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                           headers=H(token), json={"text": SAMPLE})
    assert response.status_code == 202
    with db.transaction() as s:
        job = s.scalar(select(m.Job).where(m.Job.answer_id == response.json["answer_id"]))
        assert job.status == "queued"
