"""Authorisation matrix over every route: a viewer cannot write (JSON API and
dashboard), an applicant token reaches only its own attempt, and every HTML
form POST needs the session's CSRF token."""
from __future__ import annotations

import re

from tests.support.dashboard import csrf_of
from tests.support.service import SAMPLE, applicant_headers

WRITE = {"POST", "PUT", "PATCH", "DELETE"}


def _path(rule, token: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: token if m.group(1) in ("token", "key") else "1",
                  rule.rule)


def _writes(app, prefix: str, skip=(), token: str = "tok"):
    return sorted((method, _path(rule, token)) for rule in app.url_map.iter_rules()
                  for method in rule.methods & WRITE
                  if rule.rule.startswith(prefix) and not rule.rule.startswith(skip))


def test_viewer_token_cannot_write_anything_in_the_recruiter_api(app, client, tenant):
    routes = _writes(app, "/api/v1/", skip=("/api/v1/applicant",))
    assert len(routes) > 10
    for method, path in routes:
        response = client.open(path, method=method, headers=tenant.auth("viewer"), json={})
        assert response.status_code == 403, (method, path, response.status_code)
        assert response.json["error"]["code"] == "forbidden"


def test_viewer_cannot_post_any_dashboard_form(dash_app, as_role):
    viewer = as_role("viewer")
    token = csrf_of(viewer.get("/dashboard/tasks").get_data(as_text=True))
    routes = _writes(dash_app, "/dashboard/")
    assert len(routes) > 10
    for method, path in routes:
        response = viewer.open(path, method=method, data={"csrf_token": token})
        assert response.status_code in (403, 404), (method, path, response.status_code)
        # 404 only where the object is looked up first: nothing was written either way.


def test_every_html_form_post_needs_the_csrf_token(dash_app, as_role, started_token):
    admin = as_role("admin")
    # A live invitation token, so applicant routes reach the CSRF check.
    routes = [r for r in _writes(dash_app, "/", token=started_token)
              if not r[1].startswith("/api/")]
    assert any(p.startswith("/take/") for _, p in routes) and ("POST", "/login") in routes
    for method, path in routes:
        response = admin.open(path, method=method, data={"name": "x"})
        assert response.status_code == 400, (method, path, response.status_code)
        assert "csrf" in response.get_data(as_text=True).lower() or "session" in \
            response.get_data(as_text=True).lower(), path


def test_applicant_token_reaches_only_its_own_attempt(client, make_tenant, fake_score):
    mine, theirs = make_tenant(invitations=1), make_tenant(invitations=1)
    a, b = mine.invitations[0], theirs.invitations[0]
    assert client.post("/api/v1/applicant/attempt", headers=applicant_headers(a), json={"consent": True}).status_code == 201
    assert client.post("/api/v1/applicant/attempt", headers=applicant_headers(b), json={"consent": True}).status_code == 201
    # Token A names B's task: refused, and B's attempt keeps no answer of A's.
    response = client.post(f"/api/v1/applicant/answers/{theirs.task_ids[0]}/submit",
                           headers=applicant_headers(a, "k1"), json={"text": SAMPLE})
    assert response.status_code in (404, 422)
    status_b = client.get("/api/v1/applicant/status", headers=applicant_headers(b)).json
    assert all(ans.get("submitted_at") is None for ans in status_b.get("answers", []))
    # An applicant token is no recruiter credential and vice versa.
    assert client.get("/api/v1/attempts", headers={"Authorization": f"Bearer {a}"}).status_code == 401
    assert client.get("/api/v1/applicant/status",
                      headers=applicant_headers(mine.admin)).status_code == 401


def test_recruiter_token_reaches_only_its_organisation(client, make_tenant):
    mine, theirs = make_tenant(), make_tenant()
    for path in (f"/api/v1/assessments/{theirs.assessment_id}",
                 f"/api/v1/tasks/{theirs.task_ids[0]}",
                 f"/api/v1/assessments/{theirs.assessment_id}/invitations"):
        assert client.get(path, headers=mine.auth("admin")).status_code == 404, path
        assert client.get(path, headers=theirs.auth("viewer")).status_code == 200, path
