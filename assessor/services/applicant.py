"""What the applicant's pages show around the attempt (the attempt itself is
:mod:`.attempts`): where a link leads, where a returning applicant carries
on, the review page's word checks, retake dates and progress across attempts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import Answer, Attempt, Invitation
from ..scoring.text import word_count
from ..scoring.types import cefr_to_level, level_to_score
from .lifecycle import aware, not_startable, over_word_limit
from .reviews import trait_levels
from .security import hash_token


@dataclass
class Link:
    """``state``: unknown, revoked, expired, not_open, closed, welcome,
    in_progress, time_up, submitted, scored or expired_attempt."""

    state: str
    invitation: Invitation | None = None
    attempt: Attempt | None = None


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
        refusal = not_startable(invitation, now)
        return Link(refusal[0] if refusal else "welcome", invitation)
    if attempt.status == "started":
        deadline = aware(attempt.deadline, now)
        return Link("time_up" if deadline and now >= deadline else "in_progress", invitation,
                    attempt)
    state = {"submitted": "submitted", "scored": "scored"}.get(attempt.status, "expired_attempt")
    return Link(state, invitation, attempt)


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


def total_minutes(assessment) -> int | None:
    """The whole test's time limit, or the sum of its tasks' limits."""
    return assessment.time_limit_minutes or sum(
        i.task.time_limit_minutes or 0 for i in assessment.items) or None


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
        # Refused by the submit path: must be shortened before submitting.
        return over_word_limit(self.words, self.max_words)

    @property
    def long(self) -> bool:
        return self.words > self.max_words


def review_checks(attempt: Attempt) -> list[Check]:
    drafts = {a.task_id: a.draft_text or "" for a in attempt.answers}
    return [Check(item.task_id, word_count(drafts.get(item.task_id, "")), *item.word_limits)
            for item in attempt.assessment.items]


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
        last = aware(last, now) or now
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
            "traits": trait_levels(attempt.answers),
            "required_cefr": bar,
            "required_score": level_to_score(cefr_to_level(bar) - 0.5) if bar else None,
            "current": attempt.invitation_id == invitation.id,
        })
    return rows


def answers_by_task(attempt: Attempt) -> dict[int, Answer]:
    return {a.task_id: a for a in attempt.answers}
