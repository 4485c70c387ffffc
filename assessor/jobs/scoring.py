"""The scoring job: one answer id in, a stored score out. Safe to re-run.

The same :func:`score_answer` runs in the embedded worker thread and in RQ
workers. A run first *claims* the job row with one conditional UPDATE, so two
workers given the same answer never both score it, and a worker that died
mid-job only holds its claim until the lease runs out.
"""
from __future__ import annotations

import logging
import time
import traceback
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import observability, scoring
from ..db.base import utcnow
from ..db.models import Answer, Job, Score
from ..errors import InputError
from ..services.assessments import profile_for
from ..services.outbox import queue_results_notice
from ..services.reviews import summarise
from .context import JobContext, Outcome, backoff
from .webhooks import create_deliveries

log = logging.getLogger(__name__)


def current_model_version(ctx: JobContext) -> str | None:
    """The version the scorer would stamp now; ``None`` when it cannot tell."""
    try:
        from ..scoring.levelmodel import load_model

        return load_model(ctx.config.scoring_settings().model_path).version
    except Exception:  # noqa: BLE001 - any failure just means "unknown": a stored score then counts
        return None


def _already_scored(session, answer_id: int, version: str | None) -> bool:
    query = select(Score.id).where(Score.answer_id == answer_id)
    if version is not None:
        query = query.where(Score.model_version == version)
    return session.scalar(query.limit(1)) is not None


def target_words(answer: Answer) -> int | None:
    """The length the task asked for: the middle of its word limits, as set
    for this assessment (a chat reply of 20–80 words is judged against 50)."""
    item = next((i for i in answer.attempt.assessment.items if i.task_id == answer.task_id), None)
    low, high = item.word_limits if item else (answer.task.min_words, answer.task.max_words)
    if not high:
        return None
    return max(1, min(5000, round(((low or 0) + high) / 2)))


def _claim(ctx: JobContext, answer_id: int) -> tuple[str, dict | None]:
    """Mark the job running and read what scoring needs; ('skip', None) when
    there is nothing to do."""
    now = utcnow()
    lease = now + timedelta(seconds=ctx.config.JOB_LEASE_SECONDS)
    with ctx.db.transaction() as session:
        answer = session.get(Answer, answer_id)
        if answer is None or answer.submitted_at is None:
            return "missing", None
        if _already_scored(session, answer_id, current_model_version(ctx)):
            session.execute(update(Job).where(Job.kind == "score", Job.answer_id == answer_id,
                                              Job.status != "done")
                            .values(status="done", finished_at=now, lease_until=None))
            return "skip", None
        claimed = session.execute(
            update(Job).where(
                Job.kind == "score", Job.answer_id == answer_id,
                or_(Job.status == "queued", and_(Job.status == "running", Job.lease_until < now)),
                or_(Job.run_after.is_(None), Job.run_after <= now + timedelta(seconds=1)))
            .values(status="running", attempts=Job.attempts + 1, started_at=now,
                    lease_until=lease, updated_at=now)).rowcount
        if not claimed:
            return "busy", None
        job = session.scalar(select(Job).where(Job.kind == "score", Job.answer_id == answer_id))
        return "run", {"text": answer.text, "prompt": answer.task.prompt,
                       "profile": profile_for(answer.attempt.assessment), "attempts": job.attempts,
                       "target_words": target_words(answer)}


def score_answer(ctx: JobContext, answer_id: int) -> Outcome:
    """Score one submitted answer and store the result (the job function)."""
    try:
        state, work = _claim(ctx, answer_id)
    except Exception as exc:  # noqa: BLE001 - database down: nothing was claimed, try again later
        log.warning("claiming answer %s failed: %s", answer_id, exc)
        return Outcome("retry", retry_in=ctx.config.JOB_BACKOFF_SECONDS, detail=_describe(exc))
    if state != "run":
        return Outcome(state)
    started = time.perf_counter()
    try:
        result = scoring.score(work["text"], prompt=work["prompt"], profile=work["profile"],
                               settings=ctx.config.scoring_settings(), target_words=work["target_words"])
    except InputError as exc:
        # The text itself cannot be scored: retrying will not help.
        return _fail(ctx, answer_id, f"{exc.code}: {exc}", retry=False, attempts=work["attempts"])
    except Exception as exc:  # noqa: BLE001 - engine, model or unexpected faults: retry with backoff
        log.warning("scoring answer %s failed: %s", answer_id, exc)
        return _fail(ctx, answer_id, _describe(exc), retry=True, attempts=work["attempts"])
    observability.observe_scoring(result.to_dict(), time.perf_counter() - started)
    try:
        deliveries, emails = _store(ctx, answer_id, result.to_dict())
    except Exception as exc:  # noqa: BLE001 - database faults: retry with backoff
        log.warning("storing the score of answer %s failed: %s", answer_id, exc)
        return _fail(ctx, answer_id, _describe(exc), retry=True, attempts=work["attempts"])
    if ctx.queue is not None:
        for delivery_id in deliveries:
            ctx.queue.enqueue_webhook(delivery_id)
        if ctx.config.SMTP_HOST:
            for message_id in emails:
                ctx.queue.enqueue_email(message_id)
    return Outcome("done")


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]


def _store(ctx: JobContext, answer_id: int, data: dict) -> tuple[list[int], list[int]]:
    """Store the score; returns the webhook deliveries and emails to enqueue."""
    now = utcnow()
    decision = data.get("decision") or {}
    with ctx.db.transaction() as session:
        answer = session.get(Answer, answer_id)
        answer.scores.append(Score(
            answer_id=answer_id, model_version=str(data.get("model_version") or "unknown"),
            engine=str(data.get("engine") or ""), status=data.get("status", "scored"),
            cefr=data.get("cefr"), score=data.get("score"),
            grammar_cefr=(data.get("grammar") or {}).get("cefr"),
            vocabulary_cefr=(data.get("vocabulary") or {}).get("cefr"),
            decision=decision.get("outcome"), needs_review=bool(decision.get("needs_review")),
            result=data))
        try:
            session.flush()
        except IntegrityError:
            # Another run stored this version first: that score stands.
            session.rollback()
            _finish(ctx, answer_id, "done", None)
            return [], []
        session.execute(update(Job).where(Job.kind == "score", Job.answer_id == answer_id)
                        .values(status="done", finished_at=now, lease_until=None,
                                last_error=None, updated_at=now))
        deliveries, emails = [], []
        if summarise(answer.attempt):
            deliveries = create_deliveries(session, answer.attempt, "score.ready")
            notice = queue_results_notice(session, answer.attempt, ctx.config.PUBLIC_URL)
            emails = [notice.id] if notice is not None else []
        session.flush()
        return [d.id for d in deliveries], emails


def _finish(ctx: JobContext, answer_id: int, status: str, error: str | None) -> None:
    now = utcnow()
    with ctx.db.transaction() as session:
        session.execute(update(Job).where(Job.kind == "score", Job.answer_id == answer_id)
                        .values(status=status, finished_at=now, lease_until=None,
                                last_error=error, updated_at=now))


def _fail(ctx: JobContext, answer_id: int, error: str, *, retry: bool, attempts: int) -> Outcome:
    """Record the failure on the job row; schedule a retry while attempts remain."""
    now = utcnow()
    retry = retry and attempts < ctx.config.JOB_MAX_ATTEMPTS
    delay = backoff(ctx.config.JOB_BACKOFF_SECONDS, attempts) if retry else None
    values = dict(last_error=error, lease_until=None, updated_at=now)
    if retry:
        values.update(status="queued", run_after=now + timedelta(seconds=delay))
    else:
        values.update(status="failed", finished_at=now)
    try:
        with ctx.db.transaction() as session:
            session.execute(update(Job).where(Job.kind == "score", Job.answer_id == answer_id)
                            .values(**values))
            if not retry:
                _flag_failed(session, answer_id)
    except Exception:  # noqa: BLE001 - the database is down too: the lease expires and recovery retries
        log.exception("could not record the failure of answer %s", answer_id)
        delay = backoff(ctx.config.JOB_BACKOFF_SECONDS, attempts)
        retry = True
    return Outcome("retry" if retry else "failed", retry_in=delay, detail=error)


def _flag_failed(session, answer_id: int) -> None:
    """A failed answer puts its attempt in front of a human."""
    attempt = session.get(Answer, answer_id).attempt
    attempt.needs_review = True
    if "scoring_failed" not in (attempt.flags or []):
        attempt.flags = [*(attempt.flags or []), "scoring_failed"]
