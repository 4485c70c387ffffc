"""gunicorn settings for the assessor web process.

    gunicorn -c deploy/gunicorn.conf.py 'assessor.web:create_app()'

Override any of these without editing the file with gunicorn's own
``GUNICORN_CMD_ARGS`` (e.g. ``GUNICORN_CMD_ARGS="--workers 4 --threads 8"``).

Sizing: web requests are short (pages, JSON, database reads and writes);
scoring does not run here when ``REDIS_URL`` is set, it runs in ``assessor
worker``. So the web tier is I/O-bound: a few processes with several threads
each. Rule of thumb: ``WEB_CONCURRENCY`` = CPU cores of the container (at least 2,
so one slow request never blocks all), ``threads`` = 4; each process holds
~150 MB (Flask, SQLAlchemy, the spaCy model is loaded only if the process
scores). Each thread can hold one database connection: keep
workers x threads x web replicas under PostgreSQL's max_connections (100 by
default) minus the scoring workers.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

# Under gunicorn the app is in production unless told otherwise: it then
# refuses to start without SECRET_KEY. Set before the workers build the app.
os.environ.setdefault("ASSESSOR_ENV", "production")

from assessor.config import Config  # noqa: E402

_config = Config()

bind = "0.0.0.0:8000"
worker_class = "gthread"
# WEB_CONCURRENCY (default 2), not the core count: in a container that is
# the host's, and 64 processes of 150 MB each would not fit.
workers = _config.WEB_CONCURRENCY
threads = 4
# A request that takes a minute is stuck (scoring is not done in requests).
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then so a slow leak cannot grow for ever.
max_requests = 5000
max_requests_jitter = 500
# Access lines come from the app (JSON, with the request id): none from gunicorn.
accesslog = None
errorlog = "-"
# Each process builds its own app, database pool and Redis connection after
# the fork: sharing pooled connections across a fork corrupts them.
preload_app = False
# X-Forwarded-Proto is trusted only from gunicorn's default (127.0.0.1); behind
# a proxy on another host add its address: --forwarded-allow-ips in
# GUNICORN_CMD_ARGS. Trusting "*" would let any client claim https.


def on_starting(server) -> None:
    """Start with an empty multiprocess metrics folder: files of a previous
    run would add stale samples to every scrape."""
    folder = _config.PROMETHEUS_MULTIPROC_DIR
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        # The contents, not the folder: it is often a tmpfs mount point.
        for item in path.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()


def child_exit(server, worker) -> None:
    """Drop a dead process's live gauges from the aggregated metrics."""
    if _config.PROMETHEUS_MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, _config.PROMETHEUS_MULTIPROC_DIR)
