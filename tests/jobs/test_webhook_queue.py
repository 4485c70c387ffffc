"""Webhooks cannot stall scoring: capped per organisation, and delivered from
their own RQ queue, which workers take after answers or on their own."""
from __future__ import annotations

import pytest

from tests.conftest import REDIS_TEST_URL


def test_webhooks_are_capped_per_organisation(app_factory, make_tenant):
    client = app_factory(ASSESSOR_WEBHOOK_MAX_PER_ORG=2).test_client()
    tenant, other = make_tenant(), make_tenant()
    made = [client.post("/api/v1/webhooks", headers=tenant.auth(),
                        json={"url": f"http://127.0.0.1:9/{n}"}) for n in range(3)]
    assert [r.status_code for r in made] == [201, 201, 409]
    assert made[2].json["error"]["code"] == "webhook_limit"
    # The cap is per organisation, and a deleted webhook frees its place.
    assert client.post("/api/v1/webhooks", headers=other.auth(),
                       json={"url": "http://127.0.0.1:9/x"}).status_code == 201
    client.delete(f"/api/v1/webhooks/{made[0].json['id']}", headers=tenant.auth())
    assert client.post("/api/v1/webhooks", headers=tenant.auth(),
                       json={"url": "http://127.0.0.1:9/y"}).status_code == 201


def test_deliveries_wait_on_their_own_queue(app_factory, redis_queue):
    from rq import Queue

    app = app_factory(REDIS_URL=REDIS_TEST_URL, ASSESSOR_QUEUE=redis_queue)
    queue = app.extensions["assessor"]["ctx"].queue
    hooks = Queue(f"{redis_queue}-webhooks", connection=queue.redis)
    try:
        queue.enqueue_webhook(9191)
        queue.enqueue_score(9292)
        assert len(hooks) == 1 and len(Queue(redis_queue, connection=queue.redis)) == 1
        assert hooks.jobs[0].func_name == "assessor.jobs.worker.rq_deliver_webhook"
        assert queue.ping()["webhooks_pending"] == 1
    finally:
        hooks.delete(delete_jobs=True)


def test_a_worker_names_only_known_queues(db_url):
    from assessor.config import Config
    from assessor.errors import ConfigError
    from assessor.jobs.worker import run_worker

    config = Config({"DATABASE_URL": db_url, "REDIS_URL": REDIS_TEST_URL})
    with pytest.raises(ConfigError, match="worker queues"):
        run_worker(config, queues=("everything",))
