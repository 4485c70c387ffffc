"""The applicant's attempt, from start to the last submitted answer.

There is one way to submit an answer (:func:`_submit`), used by a single
submit, by "finish" (the API) and "submit all" (the review page), and by the
automatic submission when time runs out or the assessment closes, so every
path checks the same things and marks near-duplicates the same way. Nothing
here commits or enqueues: each write returns a :class:`.work.Work` that the
caller commits and hands to ``assessor.jobs.dispatch``.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..db.base import utcnow
from ..db.models import Answer, AssessmentTask, Attempt, AuditLog, Invitation
from ..scoring.settings import ScoringSettings
from ..scoring.text import word_count
from .audit import audit
from .errors import Conflict, Forbidden, InputError, NotFound
from .fingerprint import NEAR_DUPLICATE_BITS, distance, simhash
from .integrity import flags_for
from .lifecycle import (GRACE, add_flag, check_open, closing_reason, move, not_startable,
                        over_word_limit, time_up)
from .reviews import summarise
from .webhooks import create_deliveries
from .work import Work

__all__ = ["GRACE", "start_attempt", "attempt_for", "attempt_or_none", "save_draft",
           "submit_answer", "finish", "close_if_time_up", "expire_overdue",
           "check_feedback_allowed", "has_consented", "record_consent"]

MAX_EVENTS = 2000
#: The scorer's limit, so that nothing is accepted that it would refuse
#: (an answer accepted at the door but never scored gets no feedback).
MAX_ANSWER_CHARS = ScoringSettings.max_chars
EVENT_TYPES = ("paste", "focus", "blur", "tab_hidden", "tab_visible", "typing_burst", "copy", "cut",
               "task_time")  # task_time: ms the task page was visible (time on task)
#: Bumped when the privacy notice changes, so the audit log says which one was accepted.
NOTICE_VERSION = "1"


def _actor(invitation: Invitation) -> str:
    return f"applicant:invitation:{invitation.id}"


def has_consented(session: Session, invitation: Invitation) -> bool:
    return session.scalar(select(AuditLog.id).where(
        AuditLog.action == "applicant.consent", AuditLog.target_type == "invitations",
        AuditLog.target_id == invitation.id).limit(1)) is not None


def record_consent(session: Session, invitation: Invitation) -> None:
    """Consent to the privacy notice, kept in the append-only audit log."""
    if not has_consented(session, invitation):
        audit(session, _actor(invitation), "applicant.consent",
              org_id=invitation.assessment.org_id, target=invitation,
              details={"notice_version": NOTICE_VERSION})
        session.flush()


def start_attempt(session: Session, invitation: Invitation, now: datetime | None = None, *,
                  consent: bool = False) -> tuple[Attempt, bool]:
    """The invitation's attempt, started now if it was not; returns (attempt,
    created). Starting needs the applicant's consent to the privacy notice,
    given before (the pages' welcome step) or with this call (``consent``)."""
    now = now or utcnow()
    attempt = attempt_or_none(session, invitation)
    if attempt is not None:
        return attempt, False
    refusal = not_startable(invitation, now)
    if refusal:
        raise Conflict(refusal[1], refusal[0])
    if consent:
        record_consent(session, invitation)
    elif not has_consented(session, invitation):
        raise Conflict("please accept the privacy notice first (send consent: true)",
                       "consent_required")
    assessment = invitation.assessment
    limit = assessment.time_limit_minutes or sum(
        i.task.time_limit_minutes or 0 for i in assessment.items) or None
    attempt = Attempt(invitation_id=invitation.id, assessment_id=assessment.id,
                      candidate_id=invitation.candidate_id, started_at=now, status="started",
                      deadline=now + timedelta(minutes=limit) if limit else None, flags=[])
    invitation.used_at = now
    session.add(attempt)
    session.flush()
    for item in assessment.items:
        session.add(Answer(attempt_id=attempt.id, task_id=item.task_id, integrity_events=[]))
    session.flush()
    audit(session, _actor(invitation), "attempt.start", org_id=assessment.org_id, target=attempt)
    return attempt, True


def attempt_or_none(session: Session, invitation: Invitation) -> Attempt | None:
    return session.scalar(select(Attempt).where(Attempt.invitation_id == invitation.id))


def attempt_for(session: Session, invitation: Invitation) -> Attempt:
    attempt = attempt_or_none(session, invitation)
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


def _add_events(attempt: Attempt, answer: Answer, events: list[dict[str, Any]]) -> None:
    if not events:
        return
    answer.integrity_events = (answer.integrity_events or []) + events
    # The rules live in services/integrity.py: a blocked paste is not a paste.
    for flag in flags_for(events, attempt.assessment.allow_paste):
        add_flag(attempt, flag)


def _check_text(text: Any, limit_chars: int) -> str:
    if not isinstance(text, str):
        raise InputError("text must be a string")
    if len(text) > limit_chars:
        raise InputError(f"text is longer than {limit_chars} characters")
    if "\x00" in text:
        # PostgreSQL cannot store NUL in text (a 5xx there); no one types it.
        raise InputError("text must not contain NUL characters")
    return text


def save_draft(session: Session, attempt: Attempt, task_id: Any, text: Any, events: Any = None,
               now: datetime | None = None, max_chars: int = MAX_ANSWER_CHARS) -> Answer:
    now = now or utcnow()
    check_open(attempt, now)
    answer = _answer(session, attempt, task_id)
    if answer.submitted_at is not None:
        raise Conflict("this answer has been submitted", "already_submitted")
    answer.draft_text = _check_text(text, max_chars)
    answer.saved_at = now
    _add_events(attempt, answer, _clean_events(events))
    return answer


def _limits(session: Session, attempt: Attempt, answer: Answer) -> tuple[int, int]:
    return session.scalar(select(AssessmentTask).where(
        AssessmentTask.assessment_id == attempt.assessment_id,
        AssessmentTask.task_id == answer.task_id)).word_limits


def _submit(session: Session, attempt: Attempt, answer: Answer, text: str, now: datetime, *,
            by_system: bool) -> int:
    """Store ``text`` as the submitted answer; returns its word count.

    An applicant's answer over the word limit is refused; one the system
    submits at the time limit is kept (written work is never lost) and the
    attempt flagged ``over_word_limit`` for the recruiter."""
    words = word_count(text)
    high = _limits(session, attempt, answer)[1]
    if over_word_limit(words, high):
        if not by_system:
            raise InputError(f"the answer has {words} words; the limit is {high}")
        add_flag(attempt, "over_word_limit")
    answer.text, answer.submitted_at, answer.word_count = text, now, words
    answer.draft_text, answer.saved_at = text, now
    answer.fingerprint = simhash(text)
    _mark_duplicates(session, attempt, answer)
    return words


def submit_answer(session: Session, attempt: Attempt, task_id: Any, text: Any,
                  idempotency_key: str | None = None, events: Any = None,
                  now: datetime | None = None,
                  max_chars: int = MAX_ANSWER_CHARS) -> tuple[Answer, bool, Work]:
    """Submit one answer; returns (answer, created, work to dispatch).

    A retry with the same ``idempotency_key`` returns the stored answer and
    schedules nothing."""
    now = now or utcnow()
    answer = _answer(session, attempt, task_id)
    if answer.submitted_at is not None:
        if idempotency_key and idempotency_key == answer.idempotency_key:
            return answer, False, Work()
        raise Conflict("this answer has already been submitted", "already_submitted")
    check_open(attempt, now)
    text = _check_text(text, max_chars)
    if not text.strip():
        raise InputError("the answer is empty")
    words = _submit(session, attempt, answer, text, now, by_system=False)
    answer.idempotency_key = (idempotency_key or "")[:200] or None
    _add_events(attempt, answer, _clean_events(events))
    if all(a.submitted_at is not None for a in attempt.answers):
        move(attempt, "submitted")
        attempt.submitted_at = now
    audit(session, _actor(attempt.invitation), "answer.submit", org_id=attempt.assessment.org_id,
          # Not the idempotency key: the client chose it and it may hold an email.
          target=answer, details={"words": words})
    return answer, True, Work(score=[answer.id])


def _mark_duplicates(session: Session, attempt: Attempt, answer: Answer) -> None:
    if answer.fingerprint is None:  # too short to fingerprint
        return
    others = session.execute(
        select(Answer.fingerprint, Attempt).join(Attempt, Answer.attempt_id == Attempt.id)
        .where(Answer.task_id == answer.task_id, Answer.fingerprint.is_not(None),
               Attempt.candidate_id != attempt.candidate_id, Answer.id != answer.id)
        .order_by(Answer.id.desc()).limit(5000)).all()
    for fingerprint, other in others:
        if distance(fingerprint, answer.fingerprint) <= NEAR_DUPLICATE_BITS:
            add_flag(attempt, "near_duplicate")
            add_flag(other, "near_duplicate")


def _written(attempt: Attempt) -> list[Answer]:
    return [a for a in attempt.answers
            if a.submitted_at is None and (a.draft_text or "").strip()]


def _close(session: Session, attempt: Attempt, now: datetime, *, by_system: bool) -> Work:
    """Submit the drafts still open as they stand and close the attempt."""
    submitted = []
    for answer in _written(attempt):
        _submit(session, attempt, answer, answer.draft_text, now, by_system=by_system)
        submitted.append(answer.id)
        if by_system:
            add_flag(attempt, "auto_submitted")
    closed = any(a.submitted_at is not None for a in attempt.answers)
    move(attempt, "submitted" if closed else "expired")
    attempt.submitted_at = now if closed else None
    audit(session, "system" if by_system else _actor(attempt.invitation),
          "attempt.expire" if by_system else "attempt.finish", org_id=attempt.assessment.org_id,
          target=attempt, details={"auto_submitted" if by_system else "submitted": submitted})
    work = Work(score=submitted)
    if closed and not submitted and summarise(attempt):
        # Every answer may be scored already (the worker was quicker than the
        # applicant), so no later score will summarise the attempt: do it now.
        work.webhooks = create_deliveries(session, attempt, "score.ready")
    return work


def finish(session: Session, attempt: Attempt, now: datetime | None = None) -> Work:
    """The applicant is done (API "finish", the review page's "submit"): every
    written draft is submitted with the same checks as a single submit, in
    one go: a draft over its word limit refuses the whole finish (409
    ``too_long``) and nothing is submitted. Past the time limit or closing
    time it closes the attempt as the recovery pass would."""
    now = now or utcnow()
    if attempt.status != "started":
        return Work()
    if closing_reason(attempt, now):
        return _close(session, attempt, now, by_system=True)
    for answer in _written(attempt):
        words, high = word_count(answer.draft_text), _limits(session, attempt, answer)[1]
        if over_word_limit(words, high):
            raise Conflict("an answer is longer than its word limit; please shorten it",
                           "too_long")
    return _close(session, attempt, now, by_system=False)


def close_if_time_up(session: Session, attempt: Attempt, now: datetime | None = None) -> Work | None:
    """Submit the drafts as they stand once the server's deadline has passed;
    None when it has not."""
    now = now or utcnow()
    if not time_up(attempt, now):
        return None
    return _close(session, attempt, now, by_system=True)


def expire_overdue(session: Session, now: datetime | None = None) -> Work:
    """Close every started attempt that :func:`.lifecycle.closing_reason`
    says may take no more work, the same way as the time limit does (nothing
    written is lost); attempts with nothing written become ``expired``."""
    now = now or utcnow()
    started = session.scalars(select(Attempt).where(Attempt.status == "started").options(
        joinedload(Attempt.assessment), joinedload(Attempt.invitation))).all()
    work = Work()
    for attempt in started:
        if closing_reason(attempt, now):
            work = work + _close(session, attempt, now, by_system=True)
    return work


def check_feedback_allowed(attempt: Attempt) -> None:
    if not attempt.assessment.show_feedback:
        raise Forbidden("this assessment does not show feedback to applicants", "no_feedback")
    if attempt.status != "scored":
        raise Conflict("the answers have not all been scored yet", "not_scored")
