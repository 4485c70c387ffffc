"""Scoring throughput against the number of RQ scoring workers, and the CPU
cost of one answer.

    python bench/throughput.py --answers 60 --workers 1 2 \
        [--database-url postgresql+psycopg://postgres@127.0.0.1/assessor_bench] \
        [--redis-url redis://127.0.0.1:6379/0] [--worker-mode simple|fork] [--out bench/out/throughput.json]

For each worker count: submit ``--answers`` answers through the real API
(real scorer, built-in grammar engine), which enqueues them on a fresh,
uniquely named RQ queue; then start that many ``assessor worker --burst``
processes and time how long they take to drain the queue. The database is
the real one named by ``--database-url`` (default: a temporary SQLite file).
Answers are the three demo answers (66-132 words, an email reply, a chat
reply and an essay), with sentences rotated so that few are identical.

Then, in this process, score the same texts one by one and report CPU
seconds per answer (``time.process_time``), which is the figure the hardware
estimate in docs/deployment.md is built on.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.config import Config  # noqa: E402
from assessor.db.migrate import upgrade  # noqa: E402
from assessor.services.demo import load_demo, load_spec  # noqa: E402
from assessor.web import create_app  # noqa: E402


def texts(count: int) -> list[str]:
    """``count`` distinct answers built from the shipped sample texts."""
    base = list(load_spec()["sample_submission"]["answers"])
    out = []
    for i in range(count):
        sentences = re.split(r"(?<=[.!?])\s+", base[i % len(base)].strip())
        k = (i // len(base)) % len(sentences)
        out.append(" ".join(sentences[k:] + sentences[:k]))
    return out


def submit(app, answers: list[str], tag: str) -> None:
    db = app.extensions["assessor"]["db"]
    with db.transaction() as s:
        info = load_demo(s)
    client, auth = app.test_client(), {"Authorization": f"Bearer {info.api_token}"}
    tasks = [t["task_id"] for t in client.get(f"/api/v1/assessments/{info.assessment_id}",
                                                headers=auth).json["tasks"]]
    for i in range(0, len(answers), len(tasks)):
        token = client.post(f"/api/v1/assessments/{info.assessment_id}/invitations", headers=auth,
                            json={"email": f"{tag}-{i}@example.com"}).json["token"]
        head = {"X-Invitation-Token": token}
        client.post("/api/v1/applicant/attempt", headers=head, json={"consent": True})
        for task, text in zip(tasks, answers[i:i + len(tasks)]):
            r = client.post(f"/api/v1/applicant/answers/{task}/submit", json={"text": text},
                            headers={**head, "Idempotency-Key": f"{tag}-{i}-{task}"})
            if r.status_code != 202:
                raise SystemExit(f"submit failed: {r.status_code} {r.json}")


def drain(env: dict, workers: int, mode: str) -> tuple[float, float]:
    """Wall seconds until every worker exited, and their CPU seconds (user+sys)."""
    args = [sys.executable, "-m", "assessor", "worker", "--burst"]
    if mode == "simple":
        args.append("--simple")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    procs = [subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for _ in range(workers)]
    codes = [p.wait(timeout=3600) for p in procs]
    elapsed = time.perf_counter() - start
    if any(codes):
        raise SystemExit(f"a worker exited with {codes}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def job_times(app) -> tuple[int, float]:
    """Scored answers and the span from the first to the last finished job
    (excludes worker start-up, which is the same for any queue length)."""
    from sqlalchemy import select

    from assessor.db.models import Job

    with app.extensions["assessor"]["db"].transaction() as s:
        rows = s.execute(select(Job.status, Job.finished_at).where(Job.kind == "score")).all()
    done = sorted(f for status, f in rows if status == "done" and f is not None)
    failed = [r for r in rows if r[0] != "done"]
    if failed:
        raise SystemExit(f"{len(failed)} jobs did not finish: {failed[:3]}")
    return len(done), (done[-1] - done[0]).total_seconds() if len(done) > 1 else 0.0


def wipe(app) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.conftest import wipe as wipe_tables

    wipe_tables(app.extensions["assessor"]["db"])


def run_workers(args, answers: list[str], workers: int) -> dict:
    queue = f"assessor-bench-{uuid.uuid4().hex[:10]}"
    env_cfg = {"DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
               "ASSESSOR_QUEUE": queue, "ASSESSOR_ENGINE": "builtin",
               "ASSESSOR_APPLICANT_RATE_LIMIT": "100000", "ASSESSOR_RECOVERY_INTERVAL": "3600",
               "ASSESSOR_LOG_LEVEL": "WARNING"}
    app = create_app(Config(env_cfg), start_worker=False, blueprints=True)
    wipe(app)
    submit(app, answers, queue)
    pending = app.extensions["assessor"]["queue"].ping()["pending"]
    env = {**os.environ, **env_cfg}
    load_before = os.getloadavg()[0]
    wall, cpu = drain(env, workers, args.worker_mode)
    scored, span = job_times(app)
    app.extensions["assessor"]["queue"].queue.delete(delete_jobs=True)
    wipe(app)
    row = {"workers": workers, "mode": args.worker_mode, "answers": scored, "queued": pending,
           "wall_seconds": round(wall, 1), "first_to_last_done_seconds": round(span, 1),
           "answers_per_second": round(scored / wall, 2),
           "steady_answers_per_second": round((scored - 1) / span, 2) if span else None,
           "worker_cpu_seconds": round(cpu, 1),
           "worker_cpu_ms_per_answer": round(cpu / scored * 1000, 1),
           # Other work on the machine skews every figure: say how busy it was.
           "load_average_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)]}
    print(json.dumps(row), flush=True)
    return row


def cpu_cost(answers: list[str]) -> dict:
    from assessor.scoring import Scorer, ScoringSettings

    scorer = Scorer(ScoringSettings(engine="builtin"))
    scorer.score(answers[0], profile="voice")  # loads spaCy, rule data, the level model
    cpu, wall, words = [], [], []
    for text in answers:
        c0, w0 = time.process_time(), time.perf_counter()
        scorer.score(text, profile="voice")
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        words.append(len(text.split()))
    row = {"answers": len(answers), "mean_words": round(statistics.mean(words)),
           "cpu_ms_mean": round(statistics.mean(cpu) * 1000, 1),
           "cpu_ms_p95": round(sorted(cpu)[int(len(cpu) * 0.95) - 1] * 1000, 1),
           "wall_ms_mean": round(statistics.mean(wall) * 1000, 1)}
    print(json.dumps({"cpu_cost": row}), flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--answers", type=int, default=60)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--worker-mode", choices=("simple", "fork"), default="simple")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.database_url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(args.database_url)
    answers = texts(args.answers)
    report = {"cores": os.cpu_count(), "database": args.database_url.split("@")[-1].split("/")[0],
              "runs": [run_workers(args, answers, n) for n in args.workers],
              "cpu_cost": cpu_cost(answers)}
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
