"""'score.ready' webhooks: signed, retried, recorded."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from assessor.services.security import verify
from tests.support.service import SAMPLE, applicant_headers as H


class Receiver:
    """A local HTTP endpoint that fails the first ``fail`` requests."""

    def __init__(self, fail: int = 0) -> None:
        self.fail, self.requests = fail, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((dict(self.headers), body))
                code = 500 if len(outer.requests) <= outer.fail else 204
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver(fail=2)
    yield r
    r.close()


def test_score_ready_is_delivered_signed_after_retries(client, tenant, queue, fake_score,
                                                       receiver):
    hook = client.post("/api/v1/webhooks", headers=tenant.auth(),
                       json={"url": receiver.url, "secret": "s3cret"})
    assert hook.status_code == 201 and hook.json["secret"] == "s3cret"
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    queue.run_pending(include_delayed=True)
    assert len(receiver.requests) == 3
    headers, body = receiver.requests[-1]
    assert verify("s3cret", int(headers["X-Assessor-Timestamp"]), body,
                  headers["X-Assessor-Signature"])
    assert not verify("other", int(headers["X-Assessor-Timestamp"]), body,
                      headers["X-Assessor-Signature"])
    payload = json.loads(body)
    assert payload["event"] == "score.ready" and len(payload["data"]["answers"]) == 2
    deliveries = client.get(f"/api/v1/webhooks/{hook.json['id']}/deliveries",
                            headers=tenant.auth()).json["items"]
    assert [(d["status"], d["attempts"]) for d in deliveries] == [("delivered", 3)]


def test_delivery_gives_up_and_records(app_factory, make_tenant, fake_score):
    app = app_factory(ASSESSOR_WEBHOOK_MAX_ATTEMPTS=2)
    client, queue = app.test_client(), app.extensions["assessor"]["queue"]
    tenant = make_tenant(invitations=1)
    hook = client.post("/api/v1/webhooks", headers=tenant.auth(),
                       json={"url": "http://127.0.0.1:9/closed"}).json
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    queue.run_pending(include_delayed=True)
    delivery = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries",
                          headers=tenant.auth()).json["items"][0]
    assert delivery["status"] == "failed" and delivery["attempts"] == 2
    assert "ConnectionError" in delivery["last_error"]


def test_only_admins_manage_webhooks(client, tenant):
    response = client.post("/api/v1/webhooks", headers=tenant.auth("recruiter"),
                           json={"url": "http://127.0.0.1:9/x"})
    assert response.status_code == 403


def test_deleting_a_webhook_cancels_its_pending_deliveries(client, tenant, queue, fake_score,
                                                           receiver):
    hook = client.post("/api/v1/webhooks", headers=tenant.auth(), json={"url": receiver.url}).json
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    queue.run_pending()   # scored; the delivery fails (500) and waits for its retry
    sent = len(receiver.requests)
    assert 1 <= sent < 3
    assert client.delete(f"/api/v1/webhooks/{hook['id']}", headers=tenant.auth()).status_code \
        == 204
    time.sleep(0.1)       # the retry is due
    queue.run_pending(include_delayed=True)
    assert len(receiver.requests) == sent, "a deleted webhook's delivery went out"
    db = client.application.extensions["assessor"]["db"]
    from assessor.db.models import WebhookDelivery

    with db.transaction() as s:
        assert [d.status for d in s.query(WebhookDelivery)] == ["cancelled"]
