"""Faults around the scoring pipeline: Redis stopped and restarted (a private
redis-server, never the shared one), the grammar engine down or slow, and
the database dropping every connection. In each, every submitted answer ends
up scored exactly once, or visibly queued for retry until it is.

A worker killed mid-job is covered in tests/jobs/test_rq_worker.py and a
failing commit in tests/web/test_errors.py; they are not repeated here.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select

from assessor.db import models as m
from tests.support.lt_replay import LTReplay, load_samples
from tests.support.service import SAMPLE, applicant_headers as H

WORKER_MAIN = os.path.join(os.path.dirname(__file__), "..", "jobs", "rq_worker_main.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scores(db, answer_id) -> list:
    with db.transaction() as s:
        return s.scalars(select(m.Score).where(m.Score.answer_id == answer_id)).all()


def _job(db, answer_id):
    with db.transaction() as s:
        return s.scalar(select(m.Job).where(m.Job.answer_id == answer_id))


def _wait_scored(db, answer_ids, timeout=90.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if all(_scores(db, a) for a in answer_ids):
            return
        time.sleep(0.2)
    raise AssertionError(f"not scored in {timeout}s: "
                         f"{[(a, _job(db, a).status) for a in answer_ids if not _scores(db, a)]}")


def _submit(client, token, task_id, key) -> int:
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    response = client.post(f"/api/v1/applicant/answers/{task_id}/submit", headers=H(token, key),
                           json={"text": SAMPLE + f" ({key})"})
    assert response.status_code == 202, response.json
    return response.json["answer_id"]


class PrivateRedis:
    """A throwaway redis-server on a free port, without persistence: a
    restart loses every queued job, the worst case for the service."""

    def __init__(self, workdir) -> None:
        self.exe = shutil.which("redis-server")
        self.port, self.workdir, self.proc = _free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def private_redis(tmp_path):
    pytest.importorskip("redis")
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_procs(db_url):
    procs = []

    def start(redis_url: str, queue: str):
        env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url,
               "ASSESSOR_QUEUE": queue, "ASSESSOR_JOB_LEASE": "3",
               "ASSESSOR_RECOVERY_INTERVAL": "1", "ASSESSOR_JOB_BACKOFF": "0.5",
               "ASSESSOR_TEST_FAKE_SCORE": "1"}
        proc = subprocess.Popen([sys.executable, WORKER_MAIN], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


@pytest.mark.redis
@pytest.mark.slow
def test_redis_stopped_and_restarted(app_factory, tenant, private_redis, worker_procs):
    queue_name = f"assessor-fault-{uuid.uuid4().hex[:8]}"
    app = app_factory(REDIS_URL=private_redis.url, ASSESSOR_QUEUE=queue_name)
    client, db = app.test_client(), app.extensions["assessor"]["db"]
    worker_procs(private_redis.url, queue_name)
    before = _submit(client, tenant.invitations[0], tenant.task_ids[0], "before")
    _wait_scored(db, [before])

    private_redis.stop()
    # Redis down: the answer is still accepted and kept as a queued job.
    during = _submit(client, tenant.invitations[1], tenant.task_ids[0], "during")
    assert _job(db, during).status == "queued"
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["queue"]["ok"] is False

    private_redis.start()  # empty: whatever was queued in Redis is gone
    worker_procs(private_redis.url, queue_name)  # its start-up recovery re-enqueues
    _wait_scored(db, [during])
    assert [len(_scores(db, a)) for a in (before, during)] == [1, 1]


def _lt_app(app_factory, lt, timeout="1"):
    return app_factory(ASSESSOR_ENGINE="languagetool", LANGUAGETOOL_URL=lt.url,
                       LANGUAGETOOL_TIMEOUT=timeout, ASSESSOR_ENGINE_FALLBACK="0",
                       ASSESSOR_JOB_MAX_ATTEMPTS=5)


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["500", "slow", "drop", "garbage"])
def test_grammar_engine_down_or_slow_then_back(app_factory, tenant, fault, monkeypatch):
    import functools

    import assessor.scoring.scorer as scorer_module

    # The engine's circuit breaker waits 30 s before trying LanguageTool
    # again; a short pause keeps the test quick with the same behaviour.
    monkeypatch.setattr(scorer_module, "build_engines",
                        functools.partial(scorer_module.build_engines, cooldown=0.2))
    sample = next(s for s in load_samples() if len(s.text.split()) >= 30)
    with LTReplay.from_fixtures() as lt:
        app = _lt_app(app_factory, lt)
        client, db, queue = app.test_client(), app.extensions["assessor"]["db"], \
            app.extensions["assessor"]["queue"]
        token = tenant.invitations[0]
        client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
        answer_id = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                                headers=H(token, "k"), json={"text": sample.text}).json["answer_id"]
        lt.set_mode(fault, delay=3)
        outcome = queue.run_pending()[0]
        # The model ships with the package: a ModelError is a broken model, not a skip.
        assert "ModelError" not in (outcome.detail or ""), outcome.detail
        # Visible: retried with the error recorded, no score, nothing lost.
        job = _job(db, answer_id)
        assert outcome.status == "retry" and job.status == "queued" and job.last_error
        assert _scores(db, answer_id) == []
        pending = client.get(f"/api/v1/answers/{answer_id}/score", headers=tenant.auth())
        assert pending.status_code == 202
        lt.set_mode("ok")
        time.sleep(0.3)
        outcomes = queue.run_pending(include_delayed=True)
        assert [o.status for o in outcomes] == ["done"], [o.detail for o in outcomes]
        scores = _scores(db, answer_id)
        assert len(scores) == 1 and scores[0].engine.startswith("languagetool")


@pytest.mark.postgres
def test_database_drops_every_connection(app, client, tenant, db, queue, fake_score):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("connection kill is a PostgreSQL fault (SQLite has no server)")
    token = tenant.invitations[0]
    first = _submit(client, token, tenant.task_ids[0], "first")

    def kill_all() -> int:
        from tests.conftest import _pg_admin

        admin, _ = _pg_admin()
        with admin:
            return len(admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (db.engine.url.database,)).fetchall())

    assert kill_all() >= 1, "the app held no connection to kill"
    # The pool's dead connections are replaced (pre-ping): no request fails.
    second = _submit(client, token, tenant.task_ids[1], "second")
    kill_all()
    outcomes = queue.run_pending(include_delayed=True)
    assert {o.status for o in outcomes} == {"done"}
    kill_all()
    attempt = client.get("/api/v1/applicant/status", headers=H(token))
    assert attempt.status_code == 200
    assert [len(_scores(db, a)) for a in (first, second)] == [1, 1]
    # A repeated submit with the same key after the outage is not a duplicate.
    again = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[1]}/submit",
                        headers=H(token, "second"), json={"text": SAMPLE + " (second)"})
    assert again.status_code in (200, 202) and again.json["answer_id"] == second
    with db.transaction() as s:
        assert len(s.scalars(select(m.Answer).where(m.Answer.submitted_at.is_not(None))).all()) == 2
