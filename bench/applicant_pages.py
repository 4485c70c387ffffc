"""Page weight and server time of the applicant pages (what a cheap phone on
a slow connection pays). Uses a throw-away SQLite database and the demo data.

    python -m bench.applicant_pages [--requests 200]
"""
from __future__ import annotations

import argparse
import gzip
import logging
import re
import statistics
import tempfile
import time
from pathlib import Path


def _app(folder: Path):
    from assessor.config import Config
    from assessor.db.migrate import upgrade
    from assessor.web import create_app

    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    config = Config({"DATABASE_URL": url, "SECRET_KEY": "bench", "ASSESSOR_ENGINE": "builtin",
                     "ASSESSOR_APPLICANT_RATE_LIMIT": "100000"})
    return create_app(config, start_worker=False, instance_path=str(folder / "instance"))


def _timed(call, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code < 400, response.status_code
    times.sort()
    return statistics.mean(times), times[int(len(times) * 0.95) - 1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args(argv)
    from assessor.services.demo import load_demo

    # One log line per request would be most of what this measures.
    logging.getLogger("assessor.access").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(Path(tmp))
        with app.extensions["assessor"]["db"].transaction() as s:
            token = load_demo(s).invitations[0][1]
        client = app.test_client()
        base = f"/take/{token}"
        pages = {"welcome": client.get(base)}
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', pages["welcome"].get_data(as_text=True))[1]
        client.post(f"{base}/consent", data={"csrf_token": csrf, "consent": "yes"})
        pages["instructions"] = client.get(f"{base}/instructions")
        client.post(f"{base}/start", data={"csrf_token": csrf})
        pages["task"] = client.get(f"{base}/task/1")
        task_id = int(re.search(r'data-task-id="(\d+)"', pages["task"].get_data(as_text=True))[1])
        pages["review"] = client.get(f"{base}/review")
        assets = {name: client.get(f"/static/{name}") for name in ("site.css", "applicant.js")}
        print(f"{'resource':<14}{'bytes':>8}{'gzip':>8}")
        for name, response in {**pages, **assets}.items():
            body = response.get_data()
            print(f"{name:<14}{len(body):>8}{len(gzip.compress(body)):>8}")
        text = "Dear customer, thank you for your message. " * 20
        draft = lambda: client.post(f"{base}/draft", json={"task_id": task_id, "text": text,  # noqa: E731
                                                          "events": [{"type": "task_time", "ms": 5000}]},
                                    headers={"X-CSRF-Token": csrf})
        page = lambda: client.get(f"{base}/task/1")  # noqa: E731
        print(f"\n{'request':<22}{'mean ms':>9}{'p95 ms':>9}   (n={args.requests}, SQLite, in-process)")
        for name, call in (("GET task page", page), ("POST autosave draft", draft)):
            mean, p95 = _timed(call, args.requests)
            print(f"{name:<22}{mean:>9.1f}{p95:>9.1f}")


if __name__ == "__main__":
    main()
