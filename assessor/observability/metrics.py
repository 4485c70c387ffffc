"""Prometheus metrics of the web processes and the scoring workers.

Metric objects live in the default registry of :mod:`prometheus_client`.
Under gunicorn (several processes) or with forking RQ work horses, set
``PROMETHEUS_MULTIPROC_DIR`` to an empty, writable folder before the process
starts: prometheus_client then writes every sample to files there and a
scrape adds up all processes (:func:`registry_for_scrape`).
"""
from __future__ import annotations

import logging
from typing import Callable, Iterable

from prometheus_client import (CollectorRegistry, Counter, Histogram, REGISTRY,
                               generate_latest)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

# Request latencies span a cached page (ms) to a slow export (s).
_HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
# Scoring: ~0.1 s (built-in, short answer) to the LanguageTool timeout and more.
_SCORING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60)

REQUEST_SECONDS = Histogram(
    "assessor_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["endpoint", "method", "status"], buckets=_HTTP_BUCKETS)
SCORING_SECONDS = Histogram(
    "assessor_scoring_duration_seconds", "Time to score one answer, by the grammar engine used.",
    ["engine"], buckets=_SCORING_BUCKETS)
ENGINE_FALLBACKS = Counter(
    "assessor_engine_fallbacks_total",
    "Answers scored by the built-in engine because LanguageTool failed (engine_fallback warning).")
JOBS = Counter("assessor_jobs_total", "Background job runs by kind and outcome.",
               ["kind", "outcome"])
JOB_FAILURES = Counter(
    "assessor_job_failures_total",
    "Job runs that failed; final=true when no retry is left (the answer is flagged).",
    ["kind", "final"])

# The code of assessor.scoring.engines.select.FALLBACK_WARNING, repeated so
# that importing the metrics does not import spaCy into the web process.
FALLBACK_WARNING = "engine_fallback"
log = logging.getLogger(__name__)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint, method, str(status)).observe(seconds)


def observe_scoring(result: dict, seconds: float) -> None:
    """Record one scored answer from its result dict (``Result.to_dict()``)."""
    SCORING_SECONDS.labels(str(result.get("engine") or "unknown")).observe(seconds)
    codes = {w.get("code") for w in result.get("warnings") or () if isinstance(w, dict)}
    if FALLBACK_WARNING in codes:
        ENGINE_FALLBACKS.inc()


def observe_job(kind: str, outcome) -> None:
    """Count one job run (``outcome`` is an :class:`assessor.jobs.Outcome`)."""
    JOBS.labels(kind, outcome.status).inc()
    if outcome.status == "failed":
        JOB_FAILURES.labels(kind, "true").inc()
    elif outcome.status == "retry":
        JOB_FAILURES.labels(kind, "false").inc()


class QueueDepthCollector:
    """``assessor_queue_depth``, read from the queue at scrape time, so it is
    right whichever process enqueued (a gauge set on enqueue would not be)."""

    def __init__(self, ping: Callable[[], dict]) -> None:
        self._ping = ping

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("assessor_queue_depth",
                                   "Jobs waiting in the scoring queue (RQ queue or embedded heap).",
                                   labels=["queue", "mode"])
        # A scrape must not fail because Redis is down: /readyz reports that,
        # and a missing sample shows the gap in the graphs.
        try:
            info = self._ping()
        except Exception:  # noqa: BLE001 - reported as an absent sample, and logged
            log.warning("queue depth: queue unreachable", exc_info=True)
            return [family]
        family.add_metric([str(info.get("queue", "embedded")), str(info.get("mode", ""))],
                          float(info.get("pending") or 0))
        return [family]


class _Forward:
    """Puts the default registry's samples into a scrape registry."""

    def collect(self):
        return REGISTRY.collect()


def registry_for_scrape(multiproc_dir: str | None,
                        extra: Iterable[object] = ()) -> CollectorRegistry:
    registry = CollectorRegistry()
    if multiproc_dir:
        MultiProcessCollector(registry, path=multiproc_dir)
    else:
        registry.register(_Forward())
    for collector in extra:
        registry.register(collector)
    return registry


def exposition(multiproc_dir: str | None, extra: Iterable[object] = ()) -> bytes:
    return generate_latest(registry_for_scrape(multiproc_dir, extra))
