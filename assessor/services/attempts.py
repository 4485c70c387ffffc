"""The applicant's side: start an attempt, save drafts, submit answers.

Submitting commits the answer and a queued job row in one transaction
*before* anything is enqueued, so a crash can lose at most the enqueue, which
recovery (:func:`assessor.jobs.recovery.recover`) redoes.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import Answer, Assessment, AssessmentTask, Attempt, Invitation, Job
from ..scoring.settings import ScoringSettings
from ..scoring.text import word_count
from .audit import audit
from .errors import Conflict, Forbidden, InputError, NotFound
from .fingerprint import NEAR_DUPLICATE_BITS, distance, simhash
from .integrity import flags_for
from .reviews import summarise

#: Network delay tolerated after the deadline before answers are refused.
GRACE = timedelta(seconds=60)
MAX_EVENTS = 2000
#: The scorer's limit, so that nothing is accepted that it would refuse
#: (an answer accepted at the door but never scored gets no feedback).
MAX_ANSWER_CHARS = ScoringSettings.max_chars
EVENT_TYPES = ("paste", "focus", "blur", "tab_hidden", "tab_visible", "typing_burst", "copy", "cut",
               "task_time")  # task_time: ms the task page was visible (time on task)


def _actor(invitation: Invitation) -> str:
    return f"applicant:invitation:{invitation.id}"


def start_attempt(session: Session, invitation: Invitation,
                  now: datetime | None = None) -> tuple[Attempt, bool]:
    """The invitation's attempt, started now if it was not; returns (attempt, created)."""
    now = now or utcnow()
    attempt = session.scalar(select(Attempt).where(Attempt.invitation_id == invitation.id))
    if attempt is not None:
        return attempt, False
    assessment = invitation.assessment
    if assessment.archived:
        raise Conflict("this assessment is closed", "closed")
    if assessment.opens_at and now < assessment.opens_at:
        raise Conflict(f"this assessment opens at {assessment.opens_at.isoformat()}", "not_open")
    if assessment.closes_at and now >= assessment.closes_at:
        raise Conflict("this assessment is closed", "closed")
    limit = assessment.time_limit_minutes or sum(
        i.task.time_limit_minutes or 0 for i in assessment.items) or None
    attempt = Attempt(invitation_id=invitation.id, assessment_id=assessment.id,
                      candidate_id=invitation.candidate_id, started_at=now,
                      deadline=now + timedelta(minutes=limit) if limit else None, flags=[])
    invitation.used_at = now
    session.add(attempt)
    session.flush()
    for item in assessment.items:
        session.add(Answer(attempt_id=attempt.id, task_id=item.task_id, integrity_events=[]))
    session.flush()
    audit(session, _actor(invitation), "attempt.start", org_id=assessment.org_id, target=attempt)
    return attempt, True


def attempt_for(session: Session, invitation: Invitation) -> Attempt:
    attempt = session.scalar(select(Attempt).where(Attempt.invitation_id == invitation.id))
    if attempt is None:
        raise Conflict("the attempt has not been started", "not_started")
    return attempt


def _answer(session: Session, attempt: Attempt, task_id: Any) -> Answer:
    try:
        task_id = int(task_id)
    except (TypeError, ValueError):
        raise NotFound(f"task {task_id} is not part of this assessment") from None
    answer = session.scalar(select(Answer).where(Answer.attempt_id == attempt.id,
                                                 Answer.task_id == task_id))
    if answer is None:
        raise NotFound(f"task {task_id} is not part of this assessment")
    return answer


def _clean_events(events: Any) -> list[dict[str, Any]]:
    if events is None:
        return []
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise InputError(f"events must be a list of at most {MAX_EVENTS} objects")
    cleaned = []
    for event in events:
        if not isinstance(event, dict) or event.get("type") not in EVENT_TYPES:
            raise InputError(f"each event needs a type among {', '.join(EVENT_TYPES)}")
        cleaned.append({k: event[k] for k in ("type", "at", "chars", "ms", "keys", "blocked")
                        if k in event and isinstance(event[k], (str, int, float))})
    return cleaned


def _closed(attempt: Attempt, now: datetime) -> str | None:
    """Why an attempt that is still open on its own may no longer take
    answers: the assessment was archived or closed, or (for an attempt with
    no time limit, which nothing else would end) the invitation expired."""
    assessment = attempt.assessment
    if assessment.archived:
        return "this assessment has been archived"
    if assessment.closes_at and now > assessment.closes_at + GRACE:
        return "this assessment has closed"
    if attempt.deadline is None and now > attempt.invitation.expires_at + GRACE:
        return "this invitation has expired"
    return None


def _check_open(attempt: Attempt, now: datetime) -> None:
    # Only "started": once finished (submitted), blank tasks stay blank.
    if attempt.status != "started":
        raise Conflict(f"the attempt is {attempt.status}", f"attempt_{attempt.status}")
    if attempt.deadline and now > attempt.deadline + GRACE:
        raise Conflict("the time limit has passed", "time_over")
    reason = _closed(attempt, now)
    if reason:
        raise Conflict(reason, "closed")


def _check_text(text: Any, limit_chars: int = MAX_ANSWER_CHARS) -> str:
    if not isinstance(text, str):
        raise InputError("text must be a string")
    if len(text) > limit_chars:
        raise InputError(f"text is longer than {limit_chars} characters")
    return text


def save_draft(session: Session, attempt: Attempt, task_id: Any, text: Any, events: Any = None,
               now: datetime | None = None, max_chars: int = MAX_ANSWER_CHARS) -> Answer:
    now = now or utcnow()
    _check_open(attempt, now)
    answer = _answer(session, attempt, task_id)
    if answer.submitted_at is not None:
        raise Conflict("this answer has been submitted", "already_submitted")
    answer.draft_text = _check_text(text, max_chars)
    answer.saved_at = now
    _add_events(attempt, answer, _clean_events(events))
    return answer


def _add_events(attempt: Attempt, answer: Answer, events: list[dict[str, Any]]) -> None:
    if not events:
        return
    answer.integrity_events = (answer.integrity_events or []) + events
    # The rules live in services/integrity.py: a blocked paste is not a paste.
    for flag in flags_for(events, attempt.assessment.allow_paste):
        _flag(attempt, flag)


def _flag(attempt: Attempt, flag: str) -> None:
    if flag not in (attempt.flags or []):
        attempt.flags = [*(attempt.flags or []), flag]


def _check_words(session: Session, attempt: Attempt, answer: Answer, text: str) -> int:
    item = session.scalar(select(AssessmentTask).where(
        AssessmentTask.assessment_id == attempt.assessment_id,
        AssessmentTask.task_id == answer.task_id))
    words = word_count(text)
    # Browsers count words a little differently; 10 % slack avoids refusing
    # an answer the page showed as within the limit.
    if words > item.word_limits[1] * 1.1 + 5:
        raise InputError(f"the answer has {words} words; the limit is {item.word_limits[1]}")
    return words


def submit_answer(session: Session, attempt: Attempt, task_id: Any, text: Any,
                  idempotency_key: str | None = None, events: Any = None,
                  now: datetime | None = None, queue=None,
                  max_chars: int = MAX_ANSWER_CHARS) -> tuple[Answer, bool]:
    """Submit one answer; returns (answer, created).

    A retry with the same ``idempotency_key`` returns the stored answer and
    schedules nothing. With ``queue`` the session is committed and the scoring
    job enqueued; without it the caller must commit, then enqueue.
    """
    now = now or utcnow()
    answer = _answer(session, attempt, task_id)
    if answer.submitted_at is not None:
        if idempotency_key and idempotency_key == answer.idempotency_key:
            return answer, False
        raise Conflict("this answer has already been submitted", "already_submitted")
    _check_open(attempt, now)
    text = _check_text(text, max_chars)
    if not text.strip():
        raise InputError("the answer is empty")
    words = _check_words(session, attempt, answer, text)
    answer.text, answer.submitted_at, answer.word_count = text, now, words
    answer.idempotency_key = (idempotency_key or "")[:200] or None
    answer.draft_text, answer.saved_at = text, now
    answer.fingerprint = simhash(text)
    _add_events(attempt, answer, _clean_events(events))
    _mark_duplicates(session, attempt, answer)
    if all(a.submitted_at is not None for a in attempt.answers):
        attempt.status, attempt.submitted_at = "submitted", now
    enqueue_scoring_row(session, answer)
    audit(session, _actor(attempt.invitation), "answer.submit", org_id=attempt.assessment.org_id,
          # Not the idempotency key: the client chose it and it may hold an email.
          target=answer, details={"words": words})
    if queue is not None:
        session.commit()
        queue.enqueue_score(answer.id)
    return answer, True


def enqueue_scoring_row(session: Session, answer: Answer) -> Job:
    """The job status row of the answer's scoring, (re)set to queued."""
    job = session.scalar(select(Job).where(Job.kind == "score", Job.answer_id == answer.id))
    if job is None:
        job = Job(kind="score", answer_id=answer.id, attempts=0)
        session.add(job)
    job.status, job.run_after, job.lease_until, job.last_error = "queued", None, None, None
    session.flush()
    return job


def _mark_duplicates(session: Session, attempt: Attempt, answer: Answer) -> None:
    if answer.fingerprint is None:
        return
    others = session.execute(
        select(Answer.fingerprint, Attempt).join(Attempt, Answer.attempt_id == Attempt.id)
        .where(Answer.task_id == answer.task_id, Answer.fingerprint.is_not(None),
               Attempt.candidate_id != attempt.candidate_id, Answer.id != answer.id)
        .order_by(Answer.id.desc()).limit(5000)).all()
    for fingerprint, other in others:
        if distance(fingerprint, answer.fingerprint) <= NEAR_DUPLICATE_BITS:
            _flag(attempt, "near_duplicate")
            _flag(other, "near_duplicate")


def _close(session: Session, attempt: Attempt, now: datetime, action: str) -> list[int]:
    """Submit the drafts still open as they stand and close the attempt;
    returns the ids of answers to score."""
    enqueue = []
    for answer in attempt.answers:
        if answer.submitted_at is None and (answer.draft_text or "").strip():
            answer.text, answer.submitted_at = answer.draft_text, now
            answer.word_count = word_count(answer.draft_text)
            answer.fingerprint = simhash(answer.draft_text)
            enqueue_scoring_row(session, answer)
            enqueue.append(answer.id)
            _flag(attempt, "auto_submitted")
    submitted = any(a.submitted_at is not None for a in attempt.answers)
    attempt.status = "submitted" if submitted else "expired"
    attempt.submitted_at = now if submitted else None
    audit(session, "system" if action == "attempt.expire" else _actor(attempt.invitation), action,
          org_id=attempt.assessment.org_id, target=attempt, details={"auto_submitted": enqueue})
    if submitted and not enqueue:
        _summarise_closed(session, attempt)
    return enqueue


def _summarise_closed(session: Session, attempt: Attempt) -> None:
    # Every answer may be scored already (the worker was quicker than the
    # applicant), so no later score will summarise the attempt: do it now.
    # Its webhook deliveries go out with the next recovery pass.
    from ..jobs.webhooks import create_deliveries

    if summarise(attempt):
        create_deliveries(session, attempt, "score.ready")


def _enqueue_after_commit(session: Session, queue, answer_ids: list[int]) -> None:
    if queue is not None:
        session.commit()
        for answer_id in answer_ids:
            queue.enqueue_score(answer_id)


def finish_attempt(session: Session, attempt: Attempt, now: datetime | None = None,
                   queue=None) -> Attempt:
    """The applicant is done: drafts not yet submitted are submitted as they stand."""
    now = now or utcnow()
    if attempt.status != "started":
        return attempt
    _enqueue_after_commit(session, queue, _close(session, attempt, now, "attempt.finish"))
    return attempt


def expire_overdue(session: Session, now: datetime | None = None, queue=None) -> list[int]:
    """Close attempts past their deadline, of an archived or closed
    assessment, or without a time limit on an expired invitation, the same
    way as :func:`finish_attempt` (nothing written is lost); attempts with
    nothing written become ``expired``. Returns the ids of the answers this
    submitted."""
    now = now or utcnow()
    late = now - GRACE
    overdue = session.scalars(
        select(Attempt).join(Assessment, Attempt.assessment_id == Assessment.id)
        .join(Invitation, Attempt.invitation_id == Invitation.id)
        .where(Attempt.status == "started", or_(
            and_(Attempt.deadline.is_not(None), Attempt.deadline < late),
            Assessment.archived.is_(True), Assessment.closes_at < late,
            and_(Attempt.deadline.is_(None), Invitation.expires_at < late)))).all()
    enqueue: list[int] = []
    for attempt in overdue:
        enqueue += _close(session, attempt, now, "attempt.expire")
    _enqueue_after_commit(session, queue, enqueue)
    return enqueue


def check_feedback_allowed(attempt: Attempt) -> None:
    if not attempt.assessment.show_feedback:
        raise Forbidden("this assessment does not show feedback to applicants", "no_feedback")
    if attempt.status != "scored":
        raise Conflict("the answers have not all been scored yet", "not_scored")
