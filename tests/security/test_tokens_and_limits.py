"""Tokens: entropy, expiry and single use; rate limits on sign-in and submit;
sign-in timing does not reveal which emails exist; request size limits."""
from __future__ import annotations

import math
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.support.dashboard import PASSWORD, csrf_of, sign_in
from tests.support.service import SAMPLE, applicant_headers


def _entropy_bits(token: str) -> float:
    return len(token) * math.log2(64)


def test_invitation_and_api_tokens_are_long_random_and_distinct(make_tenant):
    tenant = make_tenant(invitations=50)
    tokens = tenant.invitations + [tenant.admin, tenant.recruiter, tenant.viewer]
    assert len(set(tokens)) == len(tokens)
    for token in tokens:
        assert _entropy_bits(token.removeprefix("asr_")) >= 256
    # Characters spread over the URL-safe alphabet: no constant or counter parts.
    counts = Counter("".join(tenant.invitations))
    assert len(counts) > 55 and max(counts.values()) < 3 * len("".join(tenant.invitations)) / 64


def test_expired_invitation_is_refused(client, db, tenant):
    from assessor.db.base import utcnow
    from assessor.db.models import Invitation

    with db.transaction() as s:
        s.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    response = client.post("/api/v1/applicant/attempt", headers=applicant_headers(tenant.invitations[0]), json={"consent": True})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invitation_expired"


def test_invitation_is_single_use(client, tenant, fake_score):
    head = applicant_headers(tenant.invitations[0])
    first = client.post("/api/v1/applicant/attempt", headers=head, json={"consent": True})
    assert first.status_code == 201
    for task in tenant.task_ids:
        assert client.post(f"/api/v1/applicant/answers/{task}/submit", json={"text": SAMPLE},
                           headers=applicant_headers(tenant.invitations[0], f"k{task}")
                           ).status_code in (200, 202)
    client.post("/api/v1/applicant/attempt/finish", headers=head)
    # Starting again only returns the same, finished attempt: the link never opens a second one.
    again = client.post("/api/v1/applicant/attempt", headers=head, json={"consent": True})
    assert again.status_code in (200, 409)
    if again.status_code == 200:
        assert again.json == {**first.json, **again.json} or again.json.get("id") == first.json.get("id")
        assert again.json.get("status", "submitted") != "started"
    # A finished attempt takes no new answer under a fresh idempotency key.
    late = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                       json={"text": SAMPLE + " more"},
                       headers=applicant_headers(tenant.invitations[0], "late"))
    assert late.status_code == 409


def test_submit_is_rate_limited_per_invitation(app_factory, make_tenant, fake_score):
    app = app_factory(ASSESSOR_APPLICANT_RATE_LIMIT=5)
    tenant = make_tenant(invitations=1)
    client = app.test_client()
    head = applicant_headers(tenant.invitations[0])
    statuses = [client.put(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/draft",
                           headers=head, json={"text": "draft"}).status_code for _ in range(8)]
    assert 429 in statuses and statuses[0] != 429
    last = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                       headers=applicant_headers(tenant.invitations[0], "x"), json={"text": SAMPLE})
    assert last.status_code == 429 and last.json["error"]["code"] == "rate_limited"


def test_sign_in_is_rate_limited_even_with_the_right_password(dash_app, org):
    client = dash_app.test_client()
    for _ in range(5):
        assert sign_in(client, org.emails["admin"], "wrong password").status_code != 302
    response = sign_in(client, org.emails["admin"], PASSWORD)
    assert response.status_code == 429


def _sign_in_time(db, email: str, password: str) -> float:
    from assessor import services
    from assessor.services.errors import Unauthorized

    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        with db.transaction() as s:
            try:
                services.authenticate(s, email, password)
            except Unauthorized:
                pass
        best = min(best, time.perf_counter() - start)
    return best


def test_sign_in_time_does_not_reveal_whether_an_email_exists(db, org):
    known = _sign_in_time(db, org.emails["admin"], "wrong password")
    unknown = _sign_in_time(db, "nobody@nowhere.example", "wrong password")
    assert 0.5 < unknown / known < 2.0, (known, unknown)


def test_oversized_request_is_a_413_json_error(app_factory, tenant):
    app = app_factory(ASSESSOR_MAX_REQUEST_BYTES=10_000)
    client = app.test_client()
    for path, head in ((f"/api/v1/applicant/answers/{tenant.task_ids[0]}/draft",
                        applicant_headers(tenant.invitations[0])),
                       ("/api/v1/tasks", tenant.auth("admin"))):
        method = client.put if "draft" in path else client.post
        response = method(path, headers=head, json={"text": "x" * 20_000})
        assert response.status_code == 413, path
        assert response.json["error"]["code"] == "request_too_large"


def test_oversized_csv_upload_is_refused(dash_app, as_role, org):
    dash_app.config["MAX_CONTENT_LENGTH"] = 10_000
    admin = as_role("admin")
    token = csrf_of(admin.get("/dashboard/tasks").get_data(as_text=True))
    big = "email,name\n" + "a@example.com,A\n" * 2000
    response = admin.post(f"/dashboard/assessments/{org.assessment_id}/invitations/bulk",
                          data={"csrf_token": token, "csv": big})
    assert response.status_code == 413


def test_wrong_method_on_machine_endpoints_is_json_405(client):
    for path in ("/healthz", "/readyz", "/openapi.json"):
        for method in ("PUT", "POST", "DELETE"):
            response = client.open(path, method=method, headers={"Accept": "text/html"})
            assert response.status_code == 405, (method, path)
            assert response.json["error"]["code"] == "method_not_allowed"


@pytest.mark.redis
def test_with_redis_the_limit_is_shared_by_every_web_process(app_factory, make_tenant):
    import uuid

    from tests.conftest import REDIS_TEST_URL

    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_TEST_URL}: {exc}")
    queue = f"assessor-test-{uuid.uuid4().hex[:8]}"
    # Two apps stand for two gunicorn processes: each alone stays under the limit.
    apps = [app_factory(REDIS_URL=REDIS_TEST_URL, ASSESSOR_QUEUE=queue,
                        ASSESSOR_APPLICANT_RATE_LIMIT=6) for _ in range(2)]
    tenant = make_tenant(invitations=1)
    head = applicant_headers(tenant.invitations[0])
    if 60 - time.time() % 60 < 3:
        time.sleep(60 - time.time() % 60)  # the counter's window is the minute: start inside one
    statuses = [apps[n % 2].test_client().get("/api/v1/applicant", headers=head).status_code
                for n in range(10)]
    assert statuses[:6] == [200] * 6 and 429 in statuses[6:], statuses
