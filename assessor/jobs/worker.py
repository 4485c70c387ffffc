"""The RQ side: job entry points (ids in) and ``assessor worker``.

RQ imports the functions below by name in the worker process; they build the
process's :class:`JobContext` from :class:`assessor.config.Config` once and
call the same job functions as the embedded queue.
"""
from __future__ import annotations

import gc
import logging
import os
import threading

from .. import observability
from ..config import Config
from ..db import Database
from ..errors import ConfigError
from .context import JobContext
from .queues import RQQueue, run_job
from .recovery import recover

log = logging.getLogger(__name__)
_ctx: JobContext | None = None
_ctx_pid: int | None = None
_lock = threading.Lock()


def worker_context(config: Config | None = None) -> JobContext:
    global _ctx, _ctx_pid
    with _lock:
        if _ctx is not None and _ctx_pid != os.getpid():
            # RQ forks a work horse per job: pooled connections inherited
            # from the parent must not be used (or closed) by the child.
            _ctx.db.engine.dispose(close=False)
            _ctx_pid = os.getpid()
        if _ctx is None:
            config = config or Config()
            if not config.DATABASE_URL:
                raise ConfigError("the worker needs DATABASE_URL (the web app's database)")
            ctx = JobContext(db=Database(config.DATABASE_URL), config=config)
            RQQueue(ctx)
            _ctx, _ctx_pid = ctx, os.getpid()
        return _ctx


def _run(kind: str, object_id: int) -> str:
    ctx = worker_context()
    outcome = run_job(ctx, kind, object_id)
    if outcome.retry_in is not None:
        again = {"score": ctx.queue.enqueue_score, "webhook": ctx.queue.enqueue_webhook,
                 "email": ctx.queue.enqueue_email}[kind]
        again(object_id, delay=outcome.retry_in)
    return outcome.status


def rq_score_answer(answer_id: int) -> str:
    return _run("score", answer_id)


def rq_deliver_webhook(delivery_id: int) -> str:
    return _run("webhook", delivery_id)


def rq_send_email(message_id: int) -> str:
    return _run("email", message_id)


def _recovery_loop(ctx: JobContext, stop: threading.Event) -> None:
    startup = True
    while not stop.is_set():
        try:
            recover(ctx, startup=startup)
            startup = False
        except Exception:  # noqa: BLE001 - database or Redis down: retry next interval
            log.exception("recovery pass failed")
        stop.wait(ctx.config.RECOVERY_INTERVAL if not startup else 5)


QUEUES = ("scoring", "webhooks")


def run_worker(config: Config, *, burst: bool = False, simple: bool = False,
               queues: tuple[str, ...] = QUEUES) -> bool:
    """Run an RQ worker plus a recovery thread on ``queues``, in that order
    of priority: ``scoring`` is ``config.RQ_QUEUE``, ``webhooks``
    ``config.RQ_WEBHOOK_QUEUE``."""
    if not queues or any(q not in QUEUES for q in queues):
        raise ConfigError(f"worker queues must be among {', '.join(QUEUES)}, not {queues}")
    if not config.REDIS_URL:
        raise ConfigError("REDIS_URL is not set: `assessor worker` needs Redis. Without it, "
                          "`assessor serve` scores answers in-process (embedded mode).")
    from rq import SimpleWorker, Worker

    observability.init_worker(config)
    ctx = worker_context(config)
    # Connect once up front so a wrong DATABASE_URL fails here, loudly.
    with ctx.db.engine.connect():
        pass
    # RQ's default worker forks a work horse per job: load the scorer in the
    # parent so every fork inherits it (8-25x faster than reloading per job).
    if "scoring" in queues:
        from ..scoring import warm_up
        warm_up(config.scoring_settings())
    # Everything loaded so far lives as long as the process: keep the
    # collector from walking it in every forked work horse, which would also
    # copy each page it touches (the word lists and detector models are large).
    gc.freeze()
    stop = threading.Event()
    thread = threading.Thread(target=_recovery_loop, args=(ctx, stop), daemon=True,
                              name="assessor-recovery")
    thread.start()
    cls = SimpleWorker if simple else Worker
    by_name = {"scoring": ctx.queue.queue, "webhooks": ctx.queue.webhook_queue}
    worker = cls([by_name[q] for q in queues], connection=ctx.queue.redis)
    try:
        return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        stop.set()
