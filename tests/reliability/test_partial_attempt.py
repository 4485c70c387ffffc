"""An applicant slower than the scoring worker: their first answers are
scored while they still write the others. The attempt must stay open (no
409 on the next draft or submit, no answer lost) and be summarised once,
when it closes, whether the last score or the closing comes last."""
from __future__ import annotations

import pytest

from tests.support.service import SAMPLE, applicant_headers as H


def _submit(client, token, task, key):
    response = client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token, key),
                           json={"text": SAMPLE + " " + key})
    assert response.status_code == 202, response.json
    return response


@pytest.mark.parametrize("close", ["submit_all", "finish_after_scores"])
def test_scoring_the_first_answer_keeps_the_attempt_open(client, tenant, queue, fake_score,
                                                         close):
    token = tenant.invitations[0]
    first, second = tenant.task_ids
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    _submit(client, token, first, "a")
    queue.run_pending()  # the worker is quicker than the applicant
    draft = client.put(f"/api/v1/applicant/answers/{second}/draft", headers=H(token),
                       json={"text": "still writing"})
    assert draft.status_code == 200, draft.json
    status = client.get("/api/v1/applicant/status", headers=H(token)).json
    assert status["status"] == "started"
    if close == "submit_all":
        _submit(client, token, second, "b")
        queue.run_pending()
    else:
        assert client.post("/api/v1/applicant/attempt/finish",
                           headers=H(token)).status_code == 200
        queue.run_pending()  # the open draft was auto-submitted and is scored now
    attempt = client.get("/api/v1/attempts", headers=tenant.auth()).json["items"][0]
    assert attempt["status"] == "scored" and attempt["cefr"] is not None
    detail = client.get(f"/api/v1/attempts/{attempt['id']}", headers=tenant.auth()).json
    assert [a["submitted_at"] is not None for a in detail["answers"]] == [True, True]


def test_finishing_after_every_answer_is_scored_summarises(client, tenant, queue, fake_score):
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    _submit(client, token, tenant.task_ids[0], "a")
    queue.run_pending()
    # The second task is left empty: finishing has nothing new to score.
    assert client.post("/api/v1/applicant/attempt/finish", headers=H(token)).status_code == 200
    attempt = client.get("/api/v1/attempts", headers=tenant.auth()).json["items"][0]
    assert attempt["status"] == "scored" and attempt["cefr"] is not None
