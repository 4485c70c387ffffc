"""A real ``assessor worker`` writes JSON lines that carry the request id of
the submit that queued the answer."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REDIS_TEST_URL
from tests.support.service import SAMPLE

pytestmark = pytest.mark.redis
MAIN = Path(__file__).resolve().parents[1] / "jobs" / "rq_worker_main.py"


def test_worker_json_logs_carry_the_request_id(app_factory, db_url, redis_queue, tenant):
    app = app_factory(REDIS_URL=REDIS_TEST_URL, ASSESSOR_QUEUE=redis_queue)
    client, token = app.test_client(), tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers={"X-Invitation-Token": token}, json={"consent": True})
    response = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                           json={"text": SAMPLE},
                           headers={"X-Invitation-Token": token, "Idempotency-Key": "k1",
                                    "X-Request-ID": "submit-abc-1"})
    assert response.status_code == 202, response.json
    answer_id = response.json["answer_id"]
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": REDIS_TEST_URL,
           "ASSESSOR_QUEUE": redis_queue, "ASSESSOR_TEST_FAKE_SCORE": "1",
           "ASSESSOR_LOG_FORMAT": "json", "ASSESSOR_RECOVERY_INTERVAL": "3600"}
    done = subprocess.run([sys.executable, str(MAIN), "--burst", "--simple"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert lines, done.stderr[-2000:]
    tagged = [e for e in lines if e.get("request_id") == "submit-abc-1"]
    assert tagged, lines[-5:]
    assert all(e["job"] == f"score:{answer_id}" for e in tagged)
    assert any("Job OK" in e["message"] or "completed" in e["message"] for e in tagged)
