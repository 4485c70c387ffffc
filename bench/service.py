"""Service benchmark: submit latency and end-to-end scoring throughput in
embedded mode (or on RQ when REDIS_URL is set and workers run), real scorer.

Usage: python bench/service.py [--applicants 20] [--database-url URL]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessor.config import Config  # noqa: E402
from assessor.db.migrate import upgrade  # noqa: E402
from assessor.services.demo import load_demo, load_spec  # noqa: E402
from assessor.web import create_app  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    app = create_app(Config({"DATABASE_URL": url, "ASSESSOR_APPLICANT_RATE_LIMIT": "100000"}),
                     start_worker=False)
    db, queue = app.extensions["assessor"]["db"], app.extensions["assessor"]["queue"]
    with db.transaction() as s:
        info = load_demo(s)
    queue.run_pending()  # warm up: model, spaCy, engines (the demo's sample applicant)
    client, auth = app.test_client(), {"Authorization": f"Bearer {info.api_token}"}
    answers = load_spec()["sample_submission"]["answers"]
    tasks = [t["task_id"] for t in client.get(f"/api/v1/assessments/{info.assessment_id}",
                                                headers=auth).json["tasks"]]
    latencies = []
    for i in range(args.applicants):
        token = client.post(f"/api/v1/assessments/{info.assessment_id}/invitations",
                            headers=auth, json={"email": f"bench{i}@example.com"}).json["token"]
        head = {"X-Invitation-Token": token}
        client.post("/api/v1/applicant/attempt", headers=head, json={"consent": True})
        for task, text in zip(tasks, answers):
            start = time.perf_counter()
            response = client.post(f"/api/v1/applicant/answers/{task}/submit",
                                   headers={**head, "Idempotency-Key": f"{i}-{task}"},
                                   json={"text": text})
            latencies.append(time.perf_counter() - start)
            assert response.status_code == 202, response.json
    start = time.perf_counter()
    outcomes = queue.run_pending(include_delayed=True, limit=100000)
    elapsed = time.perf_counter() - start
    scored = sum(o.status == "done" for o in outcomes)
    listing = client.get(f"/api/v1/attempts?assessment_id={info.assessment_id}&per_page=200",
                         headers=auth)
    start = time.perf_counter()
    for _ in range(20):
        client.get(f"/api/v1/attempts?assessment_id={info.assessment_id}&per_page=50",
                   headers=auth)
    list_ms = (time.perf_counter() - start) / 20 * 1000
    latencies.sort()
    print(f"database: {url.split('@')[-1]}")
    print(f"submits: {len(latencies)}  median {statistics.median(latencies) * 1000:.1f} ms  "
          f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.1f} ms")
    print(f"scoring jobs: {scored}/{len(outcomes)} done in {elapsed:.1f} s  "
          f"({elapsed / max(scored, 1) * 1000:.0f} ms per answer, one worker)")
    print(f"attempts listed: {listing.json['total']}  GET /attempts (50/page) {list_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
