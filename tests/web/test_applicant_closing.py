"""When an attempt stops taking answers: after "Finish", once the assessment
is closed or archived, once an untimed attempt's invitation has expired; and
one character limit, the scorer's, at the door."""
from __future__ import annotations

from datetime import timedelta

import pytest

from assessor.db import models as m
from assessor.db.base import utcnow
from tests.support.service import SAMPLE, applicant_headers as H


def _started(client, tenant):
    token = tenant.invitations[0]
    assert client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True}).status_code == 201
    return token


def _draft(client, token, task_id, text="a draft"):
    return client.put(f"/api/v1/applicant/answers/{task_id}/draft", headers=H(token),
                      json={"text": text})


def _submit(client, token, task_id, text=SAMPLE):
    return client.post(f"/api/v1/applicant/answers/{task_id}/submit", headers=H(token),
                       json={"text": text})


def test_finish_is_final(client, db, tenant, fake_score):
    token = _started(client, tenant)
    first, blank = tenant.task_ids
    assert _submit(client, token, first).status_code == 202
    assert client.post("/api/v1/applicant/attempt/finish", headers=H(token)).json["status"] \
        == "submitted"
    late = _submit(client, token, blank)
    assert late.status_code == 409 and late.json["error"]["code"] == "attempt_submitted"
    assert _draft(client, token, blank).status_code == 409
    with db.transaction() as s:
        answer = s.query(m.Answer).filter_by(task_id=blank).one()
        assert (answer.submitted_at, answer.text) == (None, None)


@pytest.mark.parametrize("change", [
    {"archived": True},
    {"closes_at": utcnow() - timedelta(minutes=5)},
], ids=["archived", "closed"])
def test_a_closed_assessment_takes_no_more_answers(client, db, tenant, change):
    token = _started(client, tenant)
    with db.transaction() as s:
        assessment = s.get(m.Assessment, tenant.assessment_id)
        for key, value in change.items():
            setattr(assessment, key, value)
    for response in (_draft(client, token, tenant.task_ids[0]),
                     _submit(client, token, tenant.task_ids[1])):
        assert response.status_code == 409 and response.json["error"]["code"] == "closed"


def test_an_untimed_attempt_stops_when_its_invitation_expires(client, db, tenant):
    token = _started(client, tenant)
    assert _draft(client, token, tenant.task_ids[0], "kept as it was").status_code == 200
    with db.transaction() as s:
        for invitation in s.query(m.Invitation).all():
            invitation.expires_at = utcnow() - timedelta(minutes=5)
    assert _submit(client, token, tenant.task_ids[1]).status_code == 409
    # Recovery closes it like a deadline: the draft is submitted as it stood.
    from assessor.services import expire_overdue

    with db.transaction() as s:
        assert len(expire_overdue(s).score) == 1
    with db.transaction() as s:
        attempt = s.query(m.Attempt).one()
        assert attempt.status == "submitted" and "auto_submitted" in attempt.flags


def test_the_door_refuses_what_the_scorer_would_refuse(client, tenant, fake_score):
    from assessor.scoring.settings import ScoringSettings

    limit = ScoringSettings().max_chars
    token = _started(client, tenant)
    long_text = ("word " * (limit // 5 + 10))[: limit + 1]
    for response in (_draft(client, token, tenant.task_ids[0], long_text),
                     _submit(client, token, tenant.task_ids[1], long_text)):
        assert response.status_code == 422 and str(limit) in response.json["error"]["message"]
    spec = client.get("/openapi.json").json["components"]["schemas"]
    assert spec["SubmitInput"]["properties"]["text"]["maxLength"] == limit
    assert spec["DraftInput"]["properties"]["text"]["maxLength"] == limit


def test_a_nul_character_is_refused_on_every_database(client, tenant):
    token = _started(client, tenant)
    response = _draft(client, token, tenant.task_ids[0], "a\x00b")
    assert response.status_code == 422, response.json

