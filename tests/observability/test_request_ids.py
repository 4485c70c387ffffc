"""X-Request-ID in and out, and into the logs of the job it queued."""
from __future__ import annotations

import logging
import re

import pytest

from assessor.observability import bind_job, job_meta, request_id_var


@pytest.mark.parametrize("sent, echoed", [
    ("abc-123", "abc-123"),
    ("trace:4bf92f3577b34da6.a3ce929d0e0e4736", "trace:4bf92f3577b34da6.a3ce929d0e0e4736"),
    ("bad id with spaces", None),
    ("x" * 200, None),
    ("<script>", None),
])
def test_request_id_round_trip(client, sent, echoed):
    response = client.get("/healthz", headers={"X-Request-ID": sent})
    got = response.headers["X-Request-ID"]
    if echoed is None:
        # An unusable id is replaced, never echoed.
        assert re.fullmatch(r"[0-9a-f]{32}", got)
    else:
        assert got == echoed


def test_request_id_generated_when_absent_and_unique(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_request_id_on_error_responses(client):
    response = client.get("/no/such/page", headers={"X-Request-ID": "err-1"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "err-1"


def test_access_log_carries_request_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="assessor.access"):
        client.get("/api/v1/me", headers={"X-Request-ID": "log-me"})
    lines = [r for r in caplog.records if r.name == "assessor.access"]
    assert lines and lines[-1].request_id == "log-me" and lines[-1].status == 401


def test_request_id_is_not_left_behind(client):
    client.get("/healthz", headers={"X-Request-ID": "gone-after"})
    assert request_id_var.get() != "gone-after"


def test_job_meta_carries_the_request_id():
    token = request_id_var.set("queued-by-7")
    try:
        assert job_meta() == {"request_id": "queued-by-7"}
    finally:
        request_id_var.reset(token)
    assert job_meta() == {}


@pytest.mark.redis
def test_rq_job_keeps_the_request_id(app_factory):
    """The id stored with an RQ job is the one bind_job restores in the worker."""
    import uuid

    app = app_factory(REDIS_URL="redis://127.0.0.1:6379/0",
                      ASSESSOR_QUEUE=f"assessor-test-{uuid.uuid4().hex[:8]}")
    queue = app.extensions["assessor"]["queue"]
    try:
        queue.redis.ping()
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"Redis not reachable at 127.0.0.1:6379: {exc}")
    token = request_id_var.set("from-the-submit")
    try:
        queue.enqueue_score(4242)
    finally:
        request_id_var.reset(token)
    try:
        job = queue.queue.jobs[0]
        assert job.meta["request_id"] == "from-the-submit"
        from unittest import mock

        with mock.patch("rq.get_current_job", return_value=job):
            bind_job("score", 4242)
        assert request_id_var.get() == "from-the-submit"
    finally:
        queue.queue.delete(delete_jobs=True)
        request_id_var.set(None)
