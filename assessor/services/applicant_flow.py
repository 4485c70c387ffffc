"""The applicant's journey through the HTML pages, on top of :mod:`.attempts`.

What a link leads to (welcome, the test, time up, confirmation, feedback or
a clear "this link cannot be used" page), consent, submitting every answer
at once from the review page, retake dates and progress across attempts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import Answer, Attempt, AuditLog, Invitation
from ..scoring.text import word_count
from ..scoring.types import cefr_to_level, level_to_cefr, level_to_score
from .attempts import finish_attempt, start_attempt, submit_answer
from .audit import audit
from .errors import Conflict
from .security import hash_token

#: Bumped when the privacy notice changes, so the audit log says which one was accepted.
NOTICE_VERSION = "1"
#: The same slack :func:`.attempts.submit_answer` allows over the word limit.
WORD_SLACK = 1.1


@dataclass
class Link:
    """``state``: unknown, revoked, expired, not_open, closed, welcome,
    in_progress, time_up, submitted, scored or expired_attempt."""

    state: str
    invitation: Invitation | None = None
    attempt: Attempt | None = None


def _aware(value: datetime | None, now: datetime) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=now.tzinfo)
    return value


def open_link(session: Session, token: str | None, now: datetime | None = None) -> Link:
    now = now or utcnow()
    if not token or len(token) > 200:
        return Link("unknown")
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None:
        return Link("unknown")
    if invitation.revoked_at is not None:
        return Link("revoked", invitation)
    attempt = session.scalar(select(Attempt).where(Attempt.invitation_id == invitation.id))
    if attempt is None:
        return Link(_unstarted_state(invitation, now), invitation)
    if attempt.status == "started":
        deadline = _aware(attempt.deadline, now)
        return Link("time_up" if deadline and now >= deadline else "in_progress", invitation,
                    attempt)
    state = {"submitted": "submitted", "scored": "scored"}.get(attempt.status, "expired_attempt")
    return Link(state, invitation, attempt)


def _unstarted_state(invitation: Invitation, now: datetime) -> str:
    assessment = invitation.assessment
    if _aware(invitation.expires_at, now) <= now:
        return "expired"
    if assessment.archived or (assessment.closes_at and _aware(assessment.closes_at, now) <= now):
        return "closed"
    if assessment.opens_at and now < _aware(assessment.opens_at, now):
        return "not_open"
    return "welcome"


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


def begin(session: Session, invitation: Invitation, now: datetime | None = None) -> Attempt:
    """Start the timed attempt; consent must have been given first."""
    if not has_consented(session, invitation):
        raise Conflict("please accept the privacy notice first", "consent_required")
    attempt, _ = start_attempt(session, invitation, now)
    return attempt


def close_if_time_up(session: Session, attempt: Attempt, now: datetime | None = None,
                     queue=None) -> bool:
    """Submit the drafts as they stand once the server's deadline has passed."""
    now = now or utcnow()
    deadline = _aware(attempt.deadline, now)
    if attempt.status != "started" or deadline is None or now < deadline:
        return False
    finish_attempt(session, attempt, now, queue=queue)
    return True


def resume_position(attempt: Attempt, task_ids: list[int]) -> int:
    """Where a returning applicant carries on: the task they saved last (where
    they were when they left, even half-written), else the first (0-based)."""
    saved = [(a.saved_at, task_ids.index(a.task_id)) for a in attempt.answers
             if a.saved_at is not None and a.task_id in task_ids]
    return max(saved)[1] if saved else 0


def suggested_minutes(task_minutes: int | None, limit_minutes: int | None) -> int | None:
    """A task's suggested time, never more than the whole test's time limit."""
    if task_minutes and limit_minutes:
        return min(task_minutes, limit_minutes)
    return task_minutes or None


@dataclass
class Check:
    task_id: int
    words: int
    min_words: int
    max_words: int

    @property
    def empty(self) -> bool:
        return self.words == 0

    @property
    def short(self) -> bool:
        return 0 < self.words < self.min_words

    @property
    def too_long(self) -> bool:
        # Refused by submit_answer: must be shortened before submitting.
        return self.words > self.max_words * WORD_SLACK + 5

    @property
    def long(self) -> bool:
        return self.words > self.max_words


def review_checks(attempt: Attempt) -> list[Check]:
    drafts = {a.task_id: a.draft_text or "" for a in attempt.answers}
    return [Check(item.task_id, word_count(drafts.get(item.task_id, "")), *item.word_limits)
            for item in attempt.assessment.items]


def submit_all(session: Session, attempt: Attempt, now: datetime | None = None,
               queue=None) -> list[int]:
    """Submit every written answer and close the attempt in one transaction;
    returns the answer ids queued for scoring. Raises :class:`Conflict` when an
    answer is over its word limit (nothing is submitted then)."""
    now = now or utcnow()
    checks = review_checks(attempt)
    over = [c for c in checks if c.too_long]
    if over:
        raise Conflict("an answer is longer than its word limit; please shorten it", "too_long")
    queued = []
    for answer in attempt.answers:
        if answer.submitted_at is None and (answer.draft_text or "").strip():
            submit_answer(session, attempt, answer.task_id, answer.draft_text,
                          f"page:{attempt.id}:{answer.task_id}", now=now)
            queued.append(answer.id)
    finish_attempt(session, attempt, now)
    if queue is not None:
        session.commit()
        for answer_id in queued:
            queue.enqueue_score(answer_id)
    return queued


@dataclass
class Retake:
    used: int
    max_attempts: int
    available_from: datetime | None

    @property
    def remaining(self) -> int:
        return max(self.max_attempts - self.used, 0)


def retake_info(session: Session, attempt: Attempt, now: datetime | None = None) -> Retake:
    """How many attempts the policy leaves and from when the next is allowed."""
    now = now or utcnow()
    assessment = attempt.assessment
    used, last = session.execute(
        select(func.count(Attempt.id), func.max(Attempt.started_at))
        .where(Attempt.assessment_id == assessment.id,
               Attempt.candidate_id == attempt.candidate_id)).one()
    available = None
    if used < assessment.max_attempts:
        last = _aware(last, now) or now
        available = max(last + timedelta(days=assessment.cooldown_days or 0), now)
    return Retake(used, assessment.max_attempts, available)


def progress(session: Session, invitation: Invitation) -> list[dict[str, Any]]:
    """The candidate's scored attempts (any assessment of the employer), oldest
    first, each with the bar of its role: what a training centre follows."""
    attempts = session.scalars(select(Attempt).where(
        Attempt.candidate_id == invitation.candidate_id, Attempt.status == "scored")
        .order_by(Attempt.started_at, Attempt.id)).all()
    rows = []
    for attempt in attempts:
        bar = (attempt.assessment.profile or {}).get("min_overall")
        rows.append({
            "attempt_id": attempt.id, "assessment": attempt.assessment.title,
            "date": attempt.submitted_at or attempt.started_at,
            "cefr": attempt.final_cefr, "score": attempt.score,
            "traits": _trait_levels(attempt),
            "required_cefr": bar,
            "required_score": level_to_score(cefr_to_level(bar) - 0.5) if bar else None,
            "current": attempt.invitation_id == invitation.id,
        })
    return rows


def _trait_levels(attempt: Attempt) -> dict[str, Any]:
    """Word-weighted grammar and vocabulary levels over the attempt's answers."""
    out: dict[str, Any] = {}
    for trait in ("grammar", "vocabulary"):
        pairs = [((a.latest_score.result.get(trait) or {}).get("level"), a.word_count or 1)
                 for a in attempt.answers if a.latest_score is not None]
        pairs = [(level, w) for level, w in pairs if level is not None]
        total = sum(w for _, w in pairs)
        level = round(sum(lv * w for lv, w in pairs) / total, 3) if total else None
        out[trait], out[f"{trait}_cefr"] = level, level_to_cefr(level)
    return out


def answers_by_task(attempt: Attempt) -> dict[int, Answer]:
    return {a.task_id: a for a in attempt.answers}
