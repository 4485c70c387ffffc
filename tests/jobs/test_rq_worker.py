"""Scoring on the real Redis queue with real ``assessor worker`` processes,
including a worker killed in the middle of a job."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from assessor.db import models as m
from tests.conftest import REDIS_TEST_URL
from tests.support.service import SAMPLE, applicant_headers as H

pytestmark = pytest.mark.redis
MAIN = Path(__file__).with_name("rq_worker_main.py")


@pytest.fixture
def workers(db_url, redis_queue):
    procs = []

    def start(sleep: float = 0, lease: float = 3):
        env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": REDIS_TEST_URL,
               "ASSESSOR_QUEUE": redis_queue, "ASSESSOR_JOB_LEASE": str(lease),
               "ASSESSOR_RECOVERY_INTERVAL": "1", "ASSESSOR_JOB_BACKOFF": "0.5",
               "ASSESSOR_TEST_FAKE_SCORE": "1", "ASSESSOR_TEST_SCORE_SLEEP": str(sleep)}
        proc = subprocess.Popen([sys.executable, str(MAIN)], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # RQ's warm shutdown
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


@pytest.fixture
def rq_app(app_factory, redis_queue):
    return app_factory(REDIS_URL=REDIS_TEST_URL, ASSESSOR_QUEUE=redis_queue,
                       ASSESSOR_JOB_LEASE=3)


def _submit(client, tenant):
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    response = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                           headers=H(token, "k"), json={"text": SAMPLE})
    assert response.status_code == 202
    return response.json["answer_id"]


# A worker loads spaCy and every model before it takes a job; on a fresh
# machine under load that alone has taken over a minute. The wait ends as
# soon as the job gets there, so a generous bound costs nothing.
def _wait(db, answer_id, status, timeout=180.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with db.transaction() as s:
            job = s.scalar(select(m.Job).where(m.Job.answer_id == answer_id))
            scores = s.scalars(select(m.Score).where(m.Score.answer_id == answer_id)).all()
            if job.status == status:
                return job, scores
        time.sleep(0.1)
    raise AssertionError(f"job of answer {answer_id} never reached {status!r} (is {job.status})")


def test_worker_scores_a_submitted_answer(rq_app, tenant, workers):
    client, db = rq_app.test_client(), rq_app.extensions["assessor"]["db"]
    answer_id = _submit(client, tenant)
    ready = client.get("/readyz").json["checks"]["queue"]
    assert ready["mode"] == "rq" and ready["ok"] and ready["pending"] == 1
    workers()
    job, scores = _wait(db, answer_id, "done")
    assert len(scores) == 1 and job.attempts == 1


def test_worker_killed_mid_job_answer_still_scored(rq_app, tenant, workers):
    client, db = rq_app.test_client(), rq_app.extensions["assessor"]["db"]
    answer_id = _submit(client, tenant)
    slow = workers(sleep=60)
    _wait(db, answer_id, "running")
    os.killpg(slow.pid, signal.SIGKILL)  # worker and its work horse, mid-job
    slow.wait(10)
    workers()  # a fresh worker: recovery finds the expired lease and re-enqueues
    job, scores = _wait(db, answer_id, "done")
    assert len(scores) == 1 and job.attempts == 2


def test_worker_without_redis_url_is_a_clear_error(db_url):
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = db_url
    done = subprocess.run([sys.executable, "-m", "assessor", "worker"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "REDIS_URL is not set" in done.stderr


def test_enqueueing_an_answer_already_waiting_adds_no_copy(rq_app, redis_queue):
    from rq import Queue
    from rq.job import Job

    queue = rq_app.extensions["assessor"]["ctx"].queue
    for _ in range(3):  # three recovery passes over a backlog
        queue.enqueue_score(4242)
    queue.enqueue_score(4343)
    rq = Queue(redis_queue, connection=queue.redis)
    assert len(rq) == 2
    # Once the waiting job has started, a new enqueue (a retry) is a new job.
    first = Job.fetch(rq.job_ids[0], connection=queue.redis)
    first.set_status("started")
    queue.enqueue_score(4242)
    assert len(rq) == 3


def test_a_scheduled_retry_does_not_block_recovery(rq_app, redis_queue):
    # If the worker holding RQ's scheduler lock died, a scheduled retry waits
    # for the lock to expire; recovery must still be able to enqueue it now.
    from rq import Queue

    queue = rq_app.extensions["assessor"]["ctx"].queue
    queue.enqueue_score(5151, delay=30)
    queue.enqueue_score(5151)
    queue.enqueue_score(5151)
    rq = Queue(redis_queue, connection=queue.redis)
    assert len(rq.scheduled_job_registry) == 1 and len(rq) == 1
