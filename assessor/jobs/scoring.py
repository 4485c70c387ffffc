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

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import observability, scoring
from ..db.base import utcnow
from ..db.models import Answer, Score
from ..errors import InputError
from ..services.assessments import profile_for
from ..services.lifecycle import add_flag
from ..services.outbox import queue_results_notice
from ..services.reviews import summarise
from ..services.webhooks import create_deliveries
from ..services.work import Work
from . import dispatch, rows
from .context import JobContext, Outcome, backoff

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
            rows.mark_done(session, answer_id, now, only_open=True)
            return "skip", None
        attempts = rows.claim(session, answer_id, now, lease)
        if attempts is None:
            return "busy", None
        return "run", {"text": answer.text, "prompt": answer.task.prompt,
                       "profile": profile_for(answer.attempt.assessment), "attempts": attempts,
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
        follow_up = _store(ctx, answer_id, result.to_dict())
    except Exception as exc:  # noqa: BLE001 - database faults: retry with backoff
        log.warning("storing the score of answer %s failed: %s", answer_id, exc)
        return _fail(ctx, answer_id, _describe(exc), retry=True, attempts=work["attempts"])
    dispatch.enqueue(ctx.queue, follow_up, smtp=bool(ctx.config.SMTP_HOST))
    return Outcome("done")


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]


def _store(ctx: JobContext, answer_id: int, data: dict) -> Work:
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
            with ctx.db.transaction() as again:
                rows.mark_done(again, answer_id, now)
            return Work()
        rows.mark_done(session, answer_id, now)
        follow_up = Work()
        if summarise(answer.attempt):
            follow_up.webhooks = create_deliveries(session, answer.attempt, "score.ready")
            notice = queue_results_notice(session, answer.attempt, ctx.config.PUBLIC_URL)
            follow_up.emails = [notice.id] if notice is not None else []
        session.flush()
        return follow_up


def _fail(ctx: JobContext, answer_id: int, error: str, *, retry: bool, attempts: int) -> Outcome:
    """Record the failure on the job row; schedule a retry while attempts remain."""
    now = utcnow()
    retry = retry and attempts < ctx.config.JOB_MAX_ATTEMPTS
    delay = backoff(ctx.config.JOB_BACKOFF_SECONDS, attempts) if retry else None
    try:
        with ctx.db.transaction() as session:
            rows.mark_failed(session, answer_id, now, error,
                             now + timedelta(seconds=delay) if retry else None)
            if not retry:
                # A failed answer puts its attempt in front of a human.
                attempt = session.get(Answer, answer_id).attempt
                attempt.needs_review = True
                add_flag(attempt, "scoring_failed")
    except Exception:  # noqa: BLE001 - the database is down too: the lease expires and recovery retries
        log.exception("could not record the failure of answer %s", answer_id)
        delay = backoff(ctx.config.JOB_BACKOFF_SECONDS, attempts)
        retry = True
    return Outcome("retry" if retry else "failed", retry_in=delay, detail=error)
