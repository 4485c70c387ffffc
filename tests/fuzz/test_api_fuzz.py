"""Schemathesis against /openapi.json, in process: whatever a client sends
that the schema allows (and much that it does not), the API never answers
with a server error. Examples per operation are bounded so the run stays
within a few minutes on two cores.

The schema must exist when pytest collects, so this module builds its own
app on a temporary SQLite database instead of the per-test ``app`` fixture.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.conftest import make_config
from tests.support.service import SAMPLE

MAX_EXAMPLES = 25
_DIR = Path(tempfile.mkdtemp(prefix="assessor-fuzz-"))


def _build_app():
    from assessor.db.migrate import upgrade
    from assessor.web import create_app

    url = f"sqlite:///{_DIR / 'fuzz.db'}"
    upgrade(url)
    app = create_app(make_config(url), start_worker=False, instance_path=str(_DIR / "instance"))
    app.config["TESTING"] = True
    return app


APP = _build_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def credentials():
    """A recruiter admin token and an applicant whose attempt is open with a
    draft saved, so every operation gets past authentication."""
    from assessor import services

    db = APP.extensions["assessor"]["db"]
    with db.transaction() as s:
        org = services.create_org(s, "Fuzz org")
        admin = services.create_user(s, org, "admin@fuzz.example", role="admin")
        token = services.create_api_token(s, admin)[1]
        tasks = [services.create_task(s, admin, {"kind": "essay", "title": "T", "prompt": "Write.",
                                                 "min_words": 5, "max_words": 200})]
        assessment = services.create_assessment(s, admin, {"title": "A", "tasks": [tasks[0].id],
                                                           "role_profile": "voice"})
        invitation = services.invite(s, admin, assessment, "fuzz@example.com", "Fuzz")[1]
        task_id = tasks[0].id
    client = APP.test_client()
    head = {"X-Invitation-Token": invitation}
    assert client.post("/api/v1/applicant/attempt", headers=head, json={"consent": True}).status_code == 201
    client.put(f"/api/v1/applicant/answers/{task_id}/draft", headers=head, json={"text": SAMPLE})
    yield {"Authorization": f"Bearer {token}", **head}
    db.dispose()
    shutil.rmtree(_DIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, credentials):
    response = case.call(headers=credentials)
    where = (case.method, case.formatted_path, response.status_code)
    # A 5xx the schema documents (readiness answering "not ready" with
    # its own body) is an answer, not a crash.
    documented_5xx = response.status_code >= 500 and \
        str(response.status_code) in case.operation.definition.raw.get("responses", {})
    assert response.status_code < 500 or documented_5xx, (*where, response.text[:300])
    if response.status_code >= 400:
        # Every refusal is JSON, never an HTML page.
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith("application/json"), (*where, content_type)
        assert documented_5xx or "error" in response.json(), where
