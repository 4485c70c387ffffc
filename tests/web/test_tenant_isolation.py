"""Every recruiter endpoint is scoped to the caller's organisation: another
organisation's ids are 404, and its rows never appear in lists."""
from __future__ import annotations

import json

import pytest

from assessor.web.openapi import OPERATIONS
from tests.support.service import SAMPLE, applicant_headers as H

MARK = "zz-secret-of-org-a"
RECRUITER_OPS = [o for o in OPERATIONS if o["tag"] == "Recruiter"]

# A body that would be accepted if the object were the caller's own, so a
# refusal can only come from the ownership check.
BODIES = {
    ("patch", "/api/v1/assessments/{assessment_id}"): {"title": "taken over"},
    ("post", "/api/v1/assessments/{assessment_id}/invitations"): {"email": "x@example.com"},
    ("post", "/api/v1/assessments/{assessment_id}/invitations/bulk"): "email\nx@example.com\n",
    ("post", "/api/v1/attempts/{attempt_id}/reviews"): {"note": "looks fine"},
    ("patch", "/api/v1/candidates/{candidate_id}"): {"status": "rejected"},
    ("post", "/api/v1/candidates/{candidate_id}/notes"): {"text": "note"},
    ("post", "/api/v1/tasks"): {"kind": "essay", "title": "B task", "prompt": "Write."},
    ("post", "/api/v1/role-profiles"): {"name": "b-profile", "label": "B",
                                        "min_overall": "B1", "min_grammar": "B1",
                                        "min_vocabulary": "B1"},
    ("post", "/api/v1/client-accounts"): {"name": "B client"},
    # Another organisation's task must not be usable in one's own assessment.
    ("post", "/api/v1/assessments"): lambda ids: {"title": "B", "tasks": [ids["task_id"]]},
    ("post", "/api/v1/webhooks"): {"url": "http://127.0.0.1:9/hook"},
}


@pytest.fixture
def two_orgs(client, make_tenant, queue, fake_score, db):
    a, b = make_tenant(title=MARK), make_tenant()
    token = a.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in a.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    queue.run_pending()
    client.post(f"/api/v1/assessments/{a.assessment_id}/invitations", headers=a.auth(),
                json={"email": "marked@example.com", "name": MARK})
    hook = client.post("/api/v1/webhooks", headers=a.auth(),
                       json={"url": f"http://127.0.0.1:9/{MARK}"}).json
    client.post("/api/v1/client-accounts", headers=a.auth(), json={"name": MARK})
    client.post("/api/v1/role-profiles", headers=a.auth(), json={
        **BODIES[("post", "/api/v1/role-profiles")], "name": MARK})
    attempt = client.get("/api/v1/attempts", headers=a.auth()).json["items"][0]
    detail = client.get(f"/api/v1/attempts/{attempt['id']}", headers=a.auth()).json
    invitation = client.get(f"/api/v1/assessments/{a.assessment_id}/invitations",
                            headers=a.auth()).json["items"][0]
    ids = {"assessment_id": a.assessment_id, "task_id": a.task_ids[0],
           "attempt_id": attempt["id"], "answer_id": detail["answers"][0]["id"],
           "candidate_id": attempt["candidate_id"], "invitation_id": invitation["id"],
           "webhook_id": hook["id"]}
    return a, b, ids


def _call(client, op, path, headers, ids):
    body = BODIES.get((op["method"], op["path"]))
    body = body(ids) if callable(body) else body
    if op["content_type"] == "text/csv":
        return client.open(path, method=op["method"].upper(), headers=headers, data=body,
                           content_type="text/csv")
    return client.open(path, method=op["method"].upper(), headers=headers, json=body)


@pytest.mark.parametrize("op", RECRUITER_OPS, ids=lambda o: f"{o['method']} {o['path']}")
def test_other_organisation_cannot_reach_it(client, two_orgs, op):
    a, b, ids = two_orgs
    path = op["path"].format(**{k: ids[k] for k in ids if "{" + k + "}" in op["path"]})
    response = _call(client, op, path, b.auth("admin"), ids)
    if "{" in op["path"] or callable(BODIES.get((op["method"], op["path"]))):
        assert response.status_code == 404, response.json
        assert response.json["error"]["code"] == "not_found"
    else:
        assert response.status_code < 300, response.json
        assert MARK not in json.dumps(response.json)
    # And the owner can: the 404 above is not a broken endpoint.
    own = _call(client, op, path, a.auth("admin"), ids)
    assert own.status_code < 500


def test_attempt_filter_by_other_orgs_assessment_is_empty(client, two_orgs):
    a, b, ids = two_orgs
    response = client.get(f"/api/v1/attempts?assessment_id={ids['assessment_id']}",
                          headers=b.auth())
    assert response.json["total"] == 0


def test_invitation_reaches_only_its_own_tasks(client, two_orgs):
    a, b, _ = two_orgs
    token = b.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    response = client.post(f"/api/v1/applicant/answers/{a.task_ids[0]}/submit",
                           headers=H(token), json={"text": SAMPLE})
    assert response.status_code == 404
