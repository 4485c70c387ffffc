"""Every read and transition of the ``jobs`` table, in one place.

A job row is the status of one answer's scoring: queued -> running -> done,
or back to queued with ``run_after`` (a retry), or failed. The request that
accepts an answer writes the row before its commit (through
:func:`assessor.jobs.dispatch.commit_and_enqueue`); the scoring job claims
it with one conditional UPDATE; recovery reads it to find lost work; the
API and the dashboard read it to show the scoring state.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db.models import Answer, Job, Score

KIND = "score"


def _row(session: Session, answer_id: int) -> Job | None:
    return session.scalar(select(Job).where(Job.kind == KIND, Job.answer_id == answer_id))


def mark_queued(session: Session, answer_ids: Iterable[int], *, fresh: bool = False) -> None:
    """(Re)set the answers' rows to queued, creating them; ``fresh`` restores
    the whole retry budget (a recruiter asked for a rescore)."""
    for answer_id in answer_ids:
        job = _row(session, answer_id)
        if job is None:
            job = Job(kind=KIND, answer_id=answer_id, attempts=0)
            session.add(job)
        job.status, job.run_after, job.lease_until, job.last_error = "queued", None, None, None
        if fresh:
            job.attempts = 0
    session.flush()


def claim(session: Session, answer_id: int, now: datetime, lease: datetime) -> int | None:
    """Take the row for this worker (queued, or running with an expired
    lease); returns the attempt number, or None when another run has it.
    An answer committed without a row (an older caller, or a test) gets one."""
    if _row(session, answer_id) is None:
        try:
            with session.begin_nested():
                session.add(Job(kind=KIND, answer_id=answer_id, attempts=0, status="queued"))
        except IntegrityError:
            pass  # another worker created it first; the claim below decides
    claimed = session.execute(
        update(Job).where(
            Job.kind == KIND, Job.answer_id == answer_id,
            or_(Job.status == "queued", and_(Job.status == "running", Job.lease_until < now)),
            or_(Job.run_after.is_(None), Job.run_after <= now + timedelta(seconds=1)))
        .values(status="running", attempts=Job.attempts + 1, started_at=now,
                lease_until=lease, updated_at=now)).rowcount
    if not claimed:
        return None
    return session.scalar(select(Job.attempts).where(Job.kind == KIND, Job.answer_id == answer_id))


def mark_done(session: Session, answer_id: int, now: datetime, *, only_open: bool = False) -> None:
    query = update(Job).where(Job.kind == KIND, Job.answer_id == answer_id)
    if only_open:
        query = query.where(Job.status != "done")
    session.execute(query.values(status="done", finished_at=now, lease_until=None,
                                 last_error=None, updated_at=now))


def mark_failed(session: Session, answer_id: int, now: datetime, error: str,
                retry_at: datetime | None) -> None:
    """A failed run: back to queued until ``retry_at``, or failed for good."""
    values: dict[str, Any] = dict(last_error=error, lease_until=None, updated_at=now)
    if retry_at is not None:
        values.update(status="queued", run_after=retry_at)
    else:
        values.update(status="failed", finished_at=now)
    session.execute(update(Job).where(Job.kind == KIND, Job.answer_id == answer_id)
                    .values(**values))


def for_answers(session: Session, answer_ids: list[int]) -> dict[int, Job]:
    """The scoring row of each answer that has one (to show its state)."""
    if not answer_ids:
        return {}
    rows = session.scalars(select(Job).where(Job.kind == KIND, Job.answer_id.in_(answer_ids)))
    return {j.answer_id: j for j in rows}


def any_failed(session: Session, answer_ids: list[int]) -> bool:
    return bool(answer_ids) and session.scalar(select(Job.id).where(
        Job.kind == KIND, Job.status == "failed", Job.answer_id.in_(answer_ids))
        .limit(1)) is not None


def orphans(session: Session) -> list[int]:
    """Submitted answers with neither a score nor a row: their request
    committed and then lost the enqueue (or wrote no row at all)."""
    return list(session.scalars(
        select(Answer.id).outerjoin(Job, and_(Job.answer_id == Answer.id, Job.kind == KIND))
        .where(Answer.submitted_at.is_not(None), Job.id.is_(None),
               ~select(Score.id).where(Score.answer_id == Answer.id).exists())))


def stalled(session: Session, now: datetime, due: datetime, exclude: list[int]) -> list[int]:
    """Queued rows waiting since before ``due`` and running rows whose lease
    ran out (their worker died)."""
    return list(session.scalars(select(Job.answer_id).where(Job.kind == KIND, or_(
        and_(Job.status == "queued", or_(and_(Job.run_after.is_(None), Job.updated_at <= due),
                                         Job.run_after <= due)),
        and_(Job.status == "running", Job.lease_until < now)))
        .where(Job.answer_id.not_in(exclude))))
