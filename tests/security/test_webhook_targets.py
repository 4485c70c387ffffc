"""Webhook URLs may not target loopback, link-local (cloud metadata) or
private networks unless ASSESSOR_WEBHOOK_ALLOW_PRIVATE is set."""
from __future__ import annotations

import pytest

from assessor.services.netguard import private_address
from tests.support.network import FakeDNS, loopback_only


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    # No name lookup or connection leaves the machine, whatever the guard decides.
    loopback_only(monkeypatch)
    FakeDNS({}).install(monkeypatch)


@pytest.mark.parametrize(("host", "blocked"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("10.1.2.3", True), ("172.16.0.9", True), ("192.168.1.1", True),
    ("169.254.169.254", True), ("0.0.0.0", True), ("100.64.0.1", True), ("fd00::1", True),
    ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("no-such-host.invalid", False),
])
def test_private_address(host, blocked):
    assert (private_address(host) is not None) is blocked


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/hook", "http://localhost/hook",
                                 "https://169.254.169.254/latest/meta-data",
                                 "http://[::1]/x", "http://10.0.0.5/x"])
def test_internal_webhook_url_is_refused(app_factory, make_tenant, url):
    client = app_factory(ASSESSOR_WEBHOOK_ALLOW_PRIVATE=0).test_client()
    tenant = make_tenant()
    response = client.post("/api/v1/webhooks", headers=tenant.auth(), json={"url": url})
    assert response.status_code == 422 and "public address" in response.json["error"]["message"]


def test_public_webhook_url_is_accepted(app_factory, make_tenant):
    client = app_factory(ASSESSOR_WEBHOOK_ALLOW_PRIVATE=0).test_client()
    tenant = make_tenant()
    response = client.post("/api/v1/webhooks", headers=tenant.auth(),
                           json={"url": "https://8.8.8.8/hook"})
    assert response.status_code == 201


def test_delivery_to_an_internal_address_is_refused_and_recorded(app_factory, make_tenant,
                                                                  fake_score):
    from assessor.db.models import Webhook, WebhookDelivery
    from tests.support.service import SAMPLE, applicant_headers as H

    app = app_factory(ASSESSOR_WEBHOOK_ALLOW_PRIVATE=0, ASSESSOR_WEBHOOK_MAX_ATTEMPTS=1)
    client, db, queue = app.test_client(), app.extensions["assessor"]["db"], \
        app.extensions["assessor"]["queue"]
    tenant = make_tenant(invitations=1)
    hook = client.post("/api/v1/webhooks", headers=tenant.auth(),
                       json={"url": "https://8.8.8.8/hook"}).json
    # The name later points inside (as DNS rebinding would): delivery refuses.
    with db.transaction() as s:
        s.get(Webhook, hook["id"]).url = "http://127.0.0.1:9/hook"
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token, str(task)),
                    json={"text": SAMPLE})
    client.post("/api/v1/applicant/attempt/finish", headers=H(token))
    queue.run_pending(include_delayed=True)
    with db.transaction() as s:
        deliveries = s.query(WebhookDelivery).all()
        assert deliveries, "no delivery was created"
        assert all("not public" in (d.last_error or "") for d in deliveries)
