"""Liveness and readiness."""
from __future__ import annotations

import pytest


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_embedded(app_factory):
    app = app_factory()
    app.extensions["assessor"]["queue"].start()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    checks = response.json["checks"]
    assert checks["database"]["ok"] and checks["queue"]["mode"] == "embedded"
    assert checks["grammar_engine"]["engine"] == "builtin"


def test_readyz_reports_worker_down(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"]["worker_alive"] is False


@pytest.mark.redis
def test_readyz_with_unreachable_redis(app_factory):
    app = app_factory(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["queue"]["ok"] is False


def test_readyz_languagetool_down_with_fallback_is_ready(app_factory):
    app = app_factory(ASSESSOR_ENGINE="languagetool", LANGUAGETOOL_URL="http://127.0.0.1:9",
                      LANGUAGETOOL_TIMEOUT="1")
    app.extensions["assessor"]["queue"].start()
    engine = app.test_client().get("/readyz").json["checks"]["grammar_engine"]
    assert engine["languagetool"] == "down" and engine["ok"] is True
