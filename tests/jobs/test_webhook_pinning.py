"""Deliveries connect to the address the guard checked, and a URL read
differently by two parsers never reaches a local port.

Name lookups are answered by FakeDNS; the connection layer is replaced by
one that records the address asked for and connects to a receiver on
127.0.0.1 instead; any other socket connection fails (loopback_only).
"""
from __future__ import annotations

import socket

import pytest

from assessor.db.models import Webhook, WebhookDelivery
from tests.jobs.test_webhooks import Receiver
from tests.support.network import FakeDNS, loopback_only
from tests.support.service import SAMPLE, applicant_headers as H


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def guarded(app_factory, make_tenant, fake_score, monkeypatch):
    loopback_only(monkeypatch)
    app = app_factory(ASSESSOR_WEBHOOK_ALLOW_PRIVATE=0, ASSESSOR_WEBHOOK_MAX_ATTEMPTS=1)
    return app, make_tenant(invitations=1)


def _score_one(app, tenant) -> None:
    client, queue = app.test_client(), app.extensions["assessor"]["queue"]
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    client.post("/api/v1/applicant/attempt/finish", headers=H(token))
    queue.run_pending(include_delayed=True)


def _deliveries(app) -> list[WebhookDelivery]:
    with app.extensions["assessor"]["db"].transaction() as s:
        return s.query(WebhookDelivery).all()


def test_a_rebinding_name_is_connected_at_the_checked_address(guarded, receiver, monkeypatch):
    app, tenant = guarded
    # Public at creation and at the delivery's check, loopback afterwards.
    dns = FakeDNS({"hooks.example.test": [["93.184.216.34"], ["93.184.216.34"],
                                          ["127.0.0.1"]]}).install(monkeypatch)
    asked = []

    def connect(address, *args, **kwargs):
        asked.append(address)
        return socket.create_connection(("127.0.0.1", receiver.server.server_port), 5)

    monkeypatch.setattr("assessor.services.netguard.urllib3_connection.create_connection",
                        connect)
    response = app.test_client().post("/api/v1/webhooks", headers=tenant.auth(),
                                      json={"url": "http://hooks.example.test/hook"})
    assert response.status_code == 201
    _score_one(app, tenant)
    assert asked == [("93.184.216.34", 80)]
    assert len(dns.lookups) == 2, "the delivery must resolve once and connect to that answer"
    assert [h["Host"] for h, _ in receiver.requests] == ["hooks.example.test"]
    assert [d.status for d in _deliveries(app)] == ["delivered"]


def test_a_backslash_url_is_refused_at_creation(guarded, receiver, monkeypatch):
    app, tenant = guarded
    FakeDNS({}).install(monkeypatch)
    url = f"http://127.0.0.1:{receiver.server.server_port}\\@example.invalid/x"
    response = app.test_client().post("/api/v1/webhooks", headers=tenant.auth(),
                                      json={"url": url})
    assert response.status_code == 422
    assert receiver.requests == []


def test_a_backslash_url_already_stored_is_refused_at_delivery(guarded, receiver, monkeypatch):
    app, tenant = guarded
    FakeDNS({}).install(monkeypatch)
    with app.extensions["assessor"]["db"].transaction() as s:
        s.add(Webhook(org_id=tenant.org_id, secret="s", events=["score.ready"], active=True,
                      url=f"http://127.0.0.1:{receiver.server.server_port}\\@example.invalid/x"))
    _score_one(app, tenant)
    deliveries = _deliveries(app)
    assert deliveries and all(d.status == "failed" and "backslash" in d.last_error
                              for d in deliveries)
    assert receiver.requests == []
