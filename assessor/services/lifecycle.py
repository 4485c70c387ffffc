"""The attempt's state machine and the one "is it open" rule.

    invited --start--> started --finish / submit last answer--> submitted --all scored--> scored
                          \\--time limit, closing, expiry (nothing written)--> expired

"Reviewed" is not a status: a review (note or override) is recorded on a
scored attempt and its overrides change ``final_cefr`` / ``final_decision``.
Every status change goes through :func:`move`, so no path can skip a state.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..db.models import Assessment, Attempt, Invitation
from .errors import Conflict

#: Network delay tolerated after a deadline or closing time before work is refused.
GRACE = timedelta(seconds=60)
TRANSITIONS = {
    "started": ("submitted", "expired"),
    "submitted": ("scored",),
    # A rescore (new model version, repaired failure) summarises again.
    "scored": ("scored",),
    "expired": (),
}
#: Every flag an attempt can carry, for filters and their documentation.
FLAGS = ("paste", "focus_lost", "inhuman_typing", "no_key_events", "near_duplicate",
         "auto_submitted", "over_word_limit", "scoring_failed")
#: Browsers count words a little differently: this much slack over a task's
#: word limit avoids refusing an answer the page showed as within it.
WORD_SLACK, WORD_SLACK_WORDS = 1.1, 5


def move(attempt: Attempt, status: str) -> None:
    if status not in TRANSITIONS.get(attempt.status, ()):
        raise Conflict(f"the attempt is {attempt.status}", f"attempt_{attempt.status}")
    attempt.status = status


def add_flag(attempt: Attempt, flag: str) -> None:
    if flag not in (attempt.flags or []):
        attempt.flags = [*(attempt.flags or []), flag]


def over_word_limit(words: int, max_words: int | None) -> bool:
    return bool(max_words) and words > max_words * WORD_SLACK + WORD_SLACK_WORDS


def aware(value: datetime | None, now: datetime) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=now.tzinfo)
    return value


def _closed(assessment: Assessment, now: datetime, grace: timedelta) -> str | None:
    if assessment.archived:
        return "this assessment has been archived"
    closes = aware(assessment.closes_at, now)
    if closes is not None and now >= closes + grace:
        return "this assessment has closed"
    return None


def not_startable(invitation: Invitation, now: datetime) -> tuple[str, str] | None:
    """(code, message) when the invitation cannot start an attempt now."""
    if aware(invitation.expires_at, now) <= now:
        return "expired", "this invitation has expired"
    assessment = invitation.assessment
    reason = _closed(assessment, now, timedelta(0))
    if reason:
        return "closed", reason
    opens = aware(assessment.opens_at, now)
    if opens is not None and now < opens:
        return "not_open", f"this assessment opens at {opens.isoformat()}"
    return None


def is_open(assessment: Assessment, now: datetime) -> bool:
    """Open for new attempts (the dashboard's badge and its open/close button)."""
    opens = aware(assessment.opens_at, now)
    return _closed(assessment, now, timedelta(0)) is None and (opens is None or opens <= now)


def closing_reason(attempt: Attempt, now: datetime) -> tuple[str, str] | None:
    """(code, message) when a started attempt may take no more work: past its
    deadline, its assessment archived or closed, or (with no time limit,
    which nothing else would end) its invitation expired; each with
    :data:`GRACE`. The same rule refuses an applicant's draft and closes
    the attempt in the recovery pass."""
    deadline = aware(attempt.deadline, now)
    if deadline is not None and now > deadline + GRACE:
        return "time_over", "the time limit has passed"
    reason = _closed(attempt.assessment, now, GRACE)
    if reason:
        return "closed", reason
    if deadline is None and now > aware(attempt.invitation.expires_at, now) + GRACE:
        return "closed", "this invitation has expired"
    return None


def check_open(attempt: Attempt, now: datetime) -> None:
    # Only "started": once finished (submitted), blank tasks stay blank.
    if attempt.status != "started":
        raise Conflict(f"the attempt is {attempt.status}", f"attempt_{attempt.status}")
    reason = closing_reason(attempt, now)
    if reason:
        raise Conflict(reason[1], reason[0])


def time_up(attempt: Attempt, now: datetime) -> bool:
    """The server's deadline has passed (without grace): the pages close the
    attempt at once instead of waiting for the recovery pass."""
    deadline = aware(attempt.deadline, now)
    return attempt.status == "started" and deadline is not None and now >= deadline
