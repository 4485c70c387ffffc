"""The worker side: the request id travels with a job, and a worker
process serves its own ``/metrics`` (its samples are not in the web's)."""
from __future__ import annotations

import logging

from .logs import configure_logging, job_var, request_id_var

log = logging.getLogger(__name__)


def job_meta() -> dict:
    """RQ ``meta`` for a job queued now: the id of the request that queued it."""
    request_id = request_id_var.get()
    return {"request_id": request_id} if request_id else {}


def bind_job(kind: str, object_id: int) -> None:
    """Name the running job in log lines and restore its request's id
    (from RQ's job meta; the embedded queue keeps none, so it starts empty)."""
    job_var.set(f"{kind}:{object_id}")
    request_id = None
    try:
        from rq import get_current_job

        job = get_current_job()
        if job is not None:
            request_id = (job.meta or {}).get("request_id")
    except Exception:  # noqa: BLE001 - no RQ job context: the id stays unknown
        log.debug("no RQ job context", exc_info=True)
    request_id_var.set(request_id)


def init_worker(config) -> None:
    """Logging in the configured format, and a metrics server on
    ``METRICS_PORT`` (0 = none) for Prometheus to scrape the worker."""
    configure_logging(config.LOG_FORMAT, config.LOG_LEVEL)
    if not config.METRICS_PORT:
        return
    from prometheus_client import start_http_server

    from .metrics import registry_for_scrape

    registry = registry_for_scrape(config.PROMETHEUS_MULTIPROC_DIR)
    start_http_server(config.METRICS_PORT, addr=config.METRICS_ADDR, registry=registry)
    log.info("worker metrics on %s:%s/metrics", config.METRICS_ADDR, config.METRICS_PORT)
