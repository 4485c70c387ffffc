"""Load benchmark: a screening day on the production setup, bounded, 127.0.0.1 only.

Starts gunicorn with the app factory, a PostgreSQL database created for the
run (dropped after), a private redis-server with a unique queue name and N
``assessor worker`` processes. Then ``--applicants`` simulated applicants
run at once (one thread each): open the invitation, start, save drafts,
submit every answer with an Idempotency-Key, finish. Reports the submit
latency (p50/p95/p99), errors, how fast the scoring backlog drains compared
with ``assessor batch`` on the same answers, and answers lost (every accepted
answer must end scored, exactly once).

Usage: python bench/load.py [--applicants 200] [--workers 2] [--web-workers 2]
           [--drafts 3] [--drain-timeout 2400] [--json bench/out/load.json]
Needs PostgreSQL on 127.0.0.1:5432 (user postgres or root, database "test")
and redis-server on the PATH.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not up yet; the deadline decides
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


def pg_admin():
    import psycopg

    for user in ("postgres", "root"):
        try:
            return psycopg.connect(host=HOST, user=user, dbname="test", autocommit=True,
                                   connect_timeout=3), user
        except psycopg.Error as exc:
            last = exc
    raise SystemExit(f"PostgreSQL is not reachable on {HOST}:5432: {last}")


class Stack:
    """The processes of one run; ``close`` stops them all and drops the database."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.procs, self.db_name, self.admin = workdir, [], None, None
        self.queue = f"assessor-load-{uuid.uuid4().hex[:8]}"

    def database(self) -> str:
        from assessor.db.migrate import upgrade

        self.admin, user = pg_admin()
        self.db_name = f"assessor_load_{uuid.uuid4().hex[:8]}"
        self.admin.execute(f'CREATE DATABASE "{self.db_name}"')
        url = f"postgresql+psycopg://{user}@{HOST}/{self.db_name}"
        upgrade(url)
        return url

    def spawn(self, args: list[str], env: dict[str, str], log: str) -> subprocess.Popen:
        out = open(self.workdir / log, "w")
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=ROOT)
        self.procs.append(proc)
        return proc

    def redis(self) -> str:
        import redis

        port = free_port()
        self.spawn([shutil.which("redis-server") or "redis-server", "--port", str(port),
                    "--bind", HOST, "--save", "", "--appendonly", "no", "--dir",
                    str(self.workdir)], dict(os.environ), "redis.log")
        url = f"redis://{HOST}:{port}/0"
        wait_until(lambda: redis.Redis.from_url(url).ping(), 15, "redis-server")
        return url

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        if self.admin is not None and self.db_name:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            self.admin.close()


def service_env(db_url: str, redis_url: str, queue: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url,
            "ASSESSOR_QUEUE": queue, "SECRET_KEY": uuid.uuid4().hex,
            "ASSESSOR_RECOVERY_INTERVAL": "30", "PYTHONPATH": str(ROOT)}


def setup_tenant(db_url: str, applicants: int) -> dict:
    """The demo employer (three tasks) and one invitation per applicant."""
    from assessor import services
    from assessor.config import Config
    from assessor.db.models import Assessment, User
    from assessor.services.demo import load_demo, load_spec
    from assessor.web import create_app

    app = create_app(Config({"DATABASE_URL": db_url}), start_worker=False, blueprints=False)
    db = app.extensions["assessor"]["db"]
    with db.transaction() as s:
        info = load_demo(s)
    with db.transaction() as s:
        assessment = s.get(Assessment, info.assessment_id)
        admin = s.query(User).filter_by(org_id=assessment.org_id, role="admin").first()
        tokens = [services.invite(s, admin, assessment, f"load{i}@example.com", f"Load {i}")[1]
                  for i in range(applicants)]
        tasks = [item.task_id for item in assessment.items]
    db.dispose()
    return {"tokens": tokens, "tasks": tasks,
            "answers": load_spec()["sample_submission"]["answers"]}


def answer_text(base: str, applicant: int) -> str:
    # Different per applicant, so no answer is a copy of another's.
    return f"{base} My reference number is {applicant * 7919 % 100000}."


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.accepted: dict[int, str] = {}
        self.first_submit = self.last_submit = None

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1

    def submitted(self, started: float, answer_id: int, text: str) -> None:
        now = time.perf_counter()
        with self.lock:
            self.latencies.append(now - started)
            self.accepted[answer_id] = text
            self.first_submit = min(self.first_submit or started, started)
            self.last_submit = max(self.last_submit or now, now)


def call(results: Results, what: str, method: str, url: str, ok=(200, 201, 202), **kw):
    """One request, retried on 429/503 as a browser script would (bounded)."""
    for attempt in range(5):
        try:
            response = requests.request(method, url, timeout=REQUEST_TIMEOUT, **kw)
        except requests.RequestException as exc:
            results.error(f"{what}: {type(exc).__name__}")
            time.sleep(1 + attempt)
            continue
        if response.status_code in ok:
            return response
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "-"
        results.error(f"{what}: HTTP {response.status_code} {code}")
        if response.status_code not in (429, 503):
            return None
        time.sleep(1 + attempt)
    return None


def applicant(base: str, tenant: dict, n: int, drafts: int, results: Results) -> None:
    token = tenant["tokens"][n]
    head = {"X-Invitation-Token": token}
    api = f"{base}/api/v1/applicant"
    if not call(results, "open", "GET", api, headers=head):
        return
    if not call(results, "start", "POST", f"{api}/attempt", headers=head, json={"consent": True}):
        return
    for task, text in zip(tenant["tasks"], tenant["answers"]):
        text = answer_text(text, n)
        for d in range(1, drafts + 1):
            call(results, "draft", "PUT", f"{api}/answers/{task}/draft", headers=head,
                 json={"text": text[: len(text) * d // (drafts + 1)]})
        started = time.perf_counter()
        key = {"Idempotency-Key": f"load-{n}-{task}"}
        response = call(results, "submit", "POST", f"{api}/answers/{task}/submit",
                        headers={**head, **key}, json={"text": text})
        if response is not None:
            results.submitted(started, response.json()["answer_id"], text)
    call(results, "finish", "POST", f"{api}/attempt/finish", headers=head)


def scoring_state(db_url: str, answer_ids: list[int]) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    ids = ",".join(str(i) for i in answer_ids) or "0"
    with engine.connect() as conn:
        scored = conn.execute(text(f"SELECT answer_id, COUNT(*) FROM scores WHERE answer_id IN "
                                   f"({ids}) GROUP BY answer_id")).all()
        failed = conn.scalar(text(f"SELECT COUNT(*) FROM jobs WHERE kind = 'score' AND status = "
                                  f"'failed' AND answer_id IN ({ids})"))
        stored = conn.scalar(text(f"SELECT COUNT(*) FROM answers WHERE id IN ({ids}) "
                                  "AND submitted_at IS NOT NULL"))
    engine.dispose()
    return {"stored": stored, "scored": len(scored), "failed": failed,
            "scored_twice": sum(1 for _, c in scored if c > 1)}


def drain(db_url: str, answer_ids: list[int], timeout: float) -> tuple[float, dict]:
    start = time.perf_counter()
    while True:
        state = scoring_state(db_url, answer_ids)
        if state["scored"] + state["failed"] >= len(answer_ids) or \
                time.perf_counter() - start > timeout:
            return time.perf_counter(), state
        time.sleep(2)


def run_batch(texts: list[str], jobs: int, workdir: Path) -> float:
    source, out = workdir / "batch.csv", workdir / "batch-scores.csv"
    with open(source, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows(enumerate(texts))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assessor", "batch", str(source), "-o", str(out),
                    "--jobs", str(jobs), "--no-progress"], check=True, cwd=ROOT, timeout=7200,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else 0.0


def start_services(stack: Stack, args) -> tuple[str, str, dict]:
    db_url, redis_url = stack.database(), stack.redis()
    env = service_env(db_url, redis_url, stack.queue)
    port = free_port()
    stack.spawn([sys.executable, "-m", "gunicorn", "-w", str(args.web_workers), "--threads",
                 str(args.threads), "-b", f"{HOST}:{port}", "--timeout", "120",
                 "assessor.web:create_app()"], env, "gunicorn.log")
    base = f"http://{HOST}:{port}"
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=2).ok, 120, "gunicorn")
    for n in range(args.workers):
        stack.spawn([sys.executable, "-m", "assessor", "worker"], env, f"worker{n}.log")
    return db_url, base, env


def rq_jobs_run(redis_url: str, queue: str) -> int:
    """Scoring and webhook jobs RQ ran (finished or failed): more than the
    answers means copies were enqueued."""
    import redis
    from rq import Queue

    q = Queue(queue, connection=redis.Redis.from_url(redis_url))
    return q.finished_job_registry.count + q.failed_job_registry.count


def run(args, stack: Stack) -> dict:
    db_url, base, env = start_services(stack, args)
    tenant = setup_tenant(db_url, args.applicants)
    results = Results()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.applicants) as pool:
        for n in range(args.applicants):
            pool.submit(applicant, base, tenant, n, args.drafts, results)
    load_seconds = time.perf_counter() - started
    backlog = scoring_state(db_url, list(results.accepted))
    done_at, state = drain(db_url, list(results.accepted), args.drain_timeout)
    jobs_run = rq_jobs_run(env["REDIS_URL"], stack.queue)
    expected = args.applicants * len(tenant["tasks"])
    batch_seconds = run_batch(list(results.accepted.values()), args.workers, stack.workdir)
    scoring_seconds = done_at - results.first_submit if results.first_submit else 0.0
    return {
        "applicants": args.applicants, "answers_expected": expected,
        "answers_accepted": len(results.accepted), "workers": args.workers,
        "web_workers": args.web_workers, "threads": args.threads, "drafts": args.drafts,
        "load_seconds": round(load_seconds, 1),
        "submit_ms": {q: round(percentile(results.latencies, p) * 1000, 1)
                      for q, p in (("p50", .5), ("p95", .95), ("p99", .99))},
        "errors": results.errors,
        "backlog_after_load": len(results.accepted) - backlog["scored"],
        "drain_after_load_seconds": round(done_at - (results.last_submit or done_at), 1),
        "queue_answers_per_second": round(state["scored"] / max(scoring_seconds, 1e-9), 2),
        "batch_seconds": round(batch_seconds, 1),
        "batch_answers_per_second": round(len(results.accepted) / max(batch_seconds, 1e-9), 2),
        "stored": state["stored"], "scored": state["scored"], "failed": state["failed"],
        "scored_twice": state["scored_twice"], "rq_jobs_run": jobs_run,
        "not_accepted": expected - len(results.accepted),
        # Accepted by the service but neither scored nor visibly failed.
        "lost": len(results.accepted) - state["scored"] - state["failed"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--drafts", type=int, default=3)
    parser.add_argument("--drain-timeout", type=float, default=2400)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    stack = Stack(Path(tempfile.mkdtemp(prefix="assessor-load-")))
    try:
        report = run(args, stack)
    finally:
        stack.close()
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"logs: {stack.workdir}", file=sys.stderr)
    ok = report["lost"] == 0 and report["failed"] == 0 and report["not_accepted"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
