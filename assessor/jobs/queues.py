"""The two queues that run the same job functions.

* :class:`EmbeddedQueue` (no ``REDIS_URL``): a daemon thread in the web
  process, with a timer heap for retries and a periodic recovery pass.
* :class:`RQQueue` (``REDIS_URL`` set): jobs go to Redis and ``assessor
  worker`` runs them (see :mod:`assessor.jobs.worker`).
"""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from datetime import timedelta

from .. import observability
from ..errors import ConfigError
from .context import JobContext, Outcome
from .recovery import recover
from .scoring import score_answer
from .email import send_email
from .webhooks import deliver_webhook

log = logging.getLogger(__name__)
JOBS = {"score": score_answer, "webhook": deliver_webhook, "email": send_email}


def run_job(ctx: JobContext, kind: str, object_id: int) -> Outcome:
    observability.bind_job(kind, object_id)
    try:
        outcome = JOBS[kind](ctx, object_id)
        observability.observe_job(kind, outcome)
        return outcome
    except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker; the row shows it
        log.exception("%s job for %s crashed", kind, object_id)
        return Outcome("retry", retry_in=ctx.config.JOB_BACKOFF_SECONDS, detail=repr(exc))


class EmbeddedQueue:
    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        ctx.queue = self
        self._heap: list[tuple[float, int, str, int]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = 0
        self._stop = False
        self._thread: threading.Thread | None = None
        self._next_recovery = 0.0

    # -- producer side -----------------------------------------------------
    def _push(self, kind: str, object_id: int, delay: float) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + (delay or 0), next(self._seq), kind,
                                        int(object_id)))
            self._cond.notify_all()

    def enqueue_score(self, answer_id: int, delay: float = 0) -> None:
        self._push("score", answer_id, delay)

    def enqueue_webhook(self, delivery_id: int, delay: float = 0) -> None:
        self._push("webhook", delivery_id, delay)

    def enqueue_email(self, message_id: int, delay: float = 0) -> None:
        self._push("email", message_id, delay)

    def ping(self) -> dict:
        alive = self._thread is not None and self._thread.is_alive()
        return {"mode": "embedded", "worker_alive": alive, "ok": alive, "pending": len(self._heap)}

    # -- worker side -------------------------------------------------------
    def start(self) -> "EmbeddedQueue":
        if self._thread is None or not self._thread.is_alive():
            self._stop = False
            self._thread = threading.Thread(target=self._loop, name="assessor-worker", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _next(self) -> tuple[str, int] | None:
        with self._cond:
            while not self._stop:
                now = time.monotonic()
                if now >= self._next_recovery:
                    self._busy += 1
                    return ("recover", 0)
                if self._heap and self._heap[0][0] <= now:
                    _, _, kind, object_id = heapq.heappop(self._heap)
                    self._busy += 1
                    return kind, object_id
                wait = self._next_recovery - now
                if self._heap:
                    wait = min(wait, self._heap[0][0] - now)
                self._cond.wait(max(wait, 0.01))
            return None

    def _loop(self) -> None:
        startup = True
        while (item := self._next()) is not None:
            kind, object_id = item
            try:
                if kind == "recover":
                    self._recover(startup)
                    startup = False
                    continue
                outcome = run_job(self.ctx, kind, object_id)
                if outcome.retry_in is not None:
                    self._push(kind, object_id, outcome.retry_in)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _recover(self, startup: bool) -> None:
        self._next_recovery = time.monotonic() + self.ctx.config.RECOVERY_INTERVAL
        try:
            recover(self.ctx, startup=startup)
        except Exception:  # noqa: BLE001 - e.g. database down: try again next interval
            log.exception("recovery pass failed")
            if startup:
                self._next_recovery = time.monotonic() + min(5, self.ctx.config.RECOVERY_INTERVAL)

    def run_pending(self, include_delayed: bool = False, limit: int = 1000) -> list[Outcome]:
        """Run queued jobs in the calling thread (tests and one-off commands;
        not while the worker thread runs). Retries go back on the heap."""
        outcomes = []
        for _ in range(limit):
            with self._cond:
                if not self._heap or (not include_delayed
                                      and self._heap[0][0] > time.monotonic()):
                    break
                _, _, kind, object_id = heapq.heappop(self._heap)
            outcome = run_job(self.ctx, kind, object_id)
            outcomes.append(outcome)
            if outcome.retry_in is not None:
                self._push(kind, object_id, outcome.retry_in)
        return outcomes

    def wait_idle(self, timeout: float = 30) -> bool:
        """Block until no job is due or running (tests, the demo loader)."""
        end = time.monotonic() + timeout
        with self._cond:
            while time.monotonic() < end:
                due = self._heap and self._heap[0][0] <= time.monotonic()
                if not due and not self._busy and self._next_recovery > time.monotonic():
                    return True
                self._cond.wait(0.05)
        return False


class RQQueue:
    def __init__(self, ctx: JobContext) -> None:
        try:
            import redis
            from rq import Queue
        except ImportError as exc:
            raise ConfigError(f"REDIS_URL is set but rq/redis are missing: {exc}") from exc
        if not ctx.config.REDIS_URL:
            raise ConfigError("REDIS_URL is not set; the RQ queue needs Redis")
        self.ctx = ctx
        ctx.queue = self
        self._redis_error = redis.RedisError
        self.redis = redis.Redis.from_url(ctx.config.REDIS_URL, socket_timeout=5,
                                          socket_connect_timeout=3)
        self.queue = Queue(ctx.config.RQ_QUEUE, connection=self.redis)
        # Deliveries apart: a backlog of them never delays an answer's score.
        self.webhook_queue = Queue(ctx.config.RQ_WEBHOOK_QUEUE, connection=self.redis)

    def _waiting(self, marker: str) -> bool:
        """Whether the last job enqueued for this object is waiting in the queue.

        Recovery re-enqueues queued rows that look overdue; under a backlog
        they are overdue only because the queue is long, and without this
        check every pass added another copy of each.
        """
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        job_id = self.redis.get(marker)
        if not job_id:
            return False
        try:
            status = Job.fetch(job_id.decode(), connection=self.redis).get_status(refresh=False)
        except NoSuchJobError:
            return False
        # A scheduled retry does not count: if the worker that held RQ's
        # scheduler lock died, it waits for the lock to expire, and recovery
        # only re-enqueues a retry once it is overdue anyway.
        return str(getattr(status, "value", status)) in ("queued", "deferred")

    def _enqueue(self, func: str, object_id: int, delay: float, queue=None) -> None:
        queue = queue or self.queue
        kwargs = dict(job_timeout=int(self.ctx.config.JOB_LEASE_SECONDS), result_ttl=3600,
                      failure_ttl=7 * 86400, meta=observability.job_meta())
        marker = f"assessor:pending:{queue.name}:{func.rsplit('.', 1)[-1]}:{int(object_id)}"
        try:
            if self._waiting(marker):
                return
            if delay and delay > 0:
                job = queue.enqueue_in(timedelta(seconds=delay), func, int(object_id), **kwargs)
            else:
                job = queue.enqueue(func, int(object_id), **kwargs)
            self.redis.set(marker, job.id, ex=7 * 86400)
        except self._redis_error as exc:
            # The work is already committed with a queued job row; the
            # recovery pass of the next worker (re)start or interval enqueues it.
            log.error("could not enqueue %s(%s) on Redis, left to recovery: %s",
                      func, object_id, exc)

    def enqueue_score(self, answer_id: int, delay: float = 0) -> None:
        self._enqueue("assessor.jobs.worker.rq_score_answer", answer_id, delay)

    def enqueue_webhook(self, delivery_id: int, delay: float = 0) -> None:
        self._enqueue("assessor.jobs.worker.rq_deliver_webhook", delivery_id, delay,
                      self.webhook_queue)

    def enqueue_email(self, message_id: int, delay: float = 0) -> None:
        # Email shares the queue of outgoing traffic: never in front of answers.
        self._enqueue("assessor.jobs.worker.rq_send_email", message_id, delay,
                      self.webhook_queue)

    def ping(self) -> dict:
        from rq import Worker

        self.redis.ping()
        # No worker is not "not ready": answers are stored and wait in Redis.
        return {"mode": "rq", "queue": self.queue.name, "ok": True, "pending": len(self.queue),
                "webhooks_pending": len(self.webhook_queue),
                "workers": Worker.count(connection=self.redis, queue=self.queue)}


def make_queue(ctx: JobContext):
    return RQQueue(ctx) if ctx.config.REDIS_URL else EmbeddedQueue(ctx)
