"""Attempt summaries, human reviews and overrides, candidate status and notes."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ..db.base import utcnow
from ..db.models import (CANDIDATE_STATUSES, Attempt, Candidate, CandidateNote, Review, Score,
                         User)
from ..scoring.types import CEFR_LEVELS, OUTCOMES, level_to_cefr, level_to_score
from .audit import actor_of, audit
from .errors import Forbidden, InputError
from .lifecycle import move

# Worst first: an attempt's decision is the worst of its answers' decisions,
# because one task the applicant cannot do is a reason not to pass them.
_OUTCOME_ORDER = ("not_yet", "trainable", "pass")


def weighted_level(answers, read) -> float | None:
    """The word-weighted mean of ``read(result)`` over the answers' latest
    scores (a long answer shows more of the writer than a short one); None
    when no answer has that level."""
    pairs = [(read(a.latest_score.result), a.word_count or 1) for a in answers
             if a.latest_score is not None]
    pairs = [(level, words) for level, words in pairs if level is not None]
    total = sum(words for _, words in pairs)
    return sum(level * words for level, words in pairs) / total if total else None


def trait_levels(answers) -> dict[str, Any]:
    """Word-weighted grammar and vocabulary levels (1-6) and their bands over
    the answers' latest scores: the applicant's progress and the export."""
    out: dict[str, Any] = {}
    for trait in ("grammar", "vocabulary"):
        level = weighted_level(answers, lambda r, t=trait: (r.get(t) or {}).get("level"))
        level = round(level, 3) if level is not None else None
        out[trait], out[f"{trait}_cefr"] = level, level_to_cefr(level)
    return out


def summarise(attempt: Attempt) -> bool:
    """Fill the attempt's summary columns once every submitted answer has a
    score; returns True when the attempt became ``scored``."""
    if attempt.status not in ("submitted", "scored"):
        # Still open: scoring the first answers must not close it while the
        # applicant writes the others (their drafts and submits got 409).
        return False
    submitted = [a for a in attempt.answers if a.submitted_at is not None]
    scores: list[Score] = [a.latest_score for a in submitted if a.latest_score is not None]
    if not submitted or len(scores) < len(submitted):
        return False
    level = weighted_level(submitted, lambda result: result.get("level"))
    attempt.cefr, attempt.score = (None, None) if level is None else (
        level_to_cefr(level), level_to_score(level))
    outcomes = [s.decision for s in scores if s.decision in _OUTCOME_ORDER]
    attempt.decision = min(outcomes, key=_OUTCOME_ORDER.index) if outcomes else None
    unscored = any(s.result.get("level") is None for s in scores)
    attempt.needs_review = any(s.needs_review for s in scores) or unscored
    _apply_overrides(attempt)
    # A failure that a later run repaired is no longer a flag.
    attempt.flags = [f for f in (attempt.flags or []) if f != "scoring_failed"]
    move(attempt, "scored")
    attempt.scored_at = utcnow()
    return True


def _apply_overrides(attempt: Attempt) -> None:
    # A human's latest override wins over a (re-)computed summary.
    attempt.final_cefr = _overridden(attempt, "cefr_override") or attempt.cefr
    attempt.final_decision = _overridden(attempt, "decision_override") or attempt.decision


def _overridden(attempt: Attempt, column: str) -> str | None:
    session = object_session(attempt)
    if session is None or attempt.id is None:
        return None
    return session.scalar(select(getattr(Review, column)).where(
        Review.attempt_id == attempt.id, getattr(Review, column).is_not(None))
        .order_by(Review.id.desc()).limit(1))


def record_review(session: Session, user: User, attempt: Attempt, data: dict[str, Any]) -> Review:
    """A review note, optionally overriding the level and/or the decision.
    An override needs a reason; both land in the audit log."""
    if not user.can_write:
        raise Forbidden("viewers cannot record reviews")
    cefr, decision = data.get("cefr_override"), data.get("decision_override")
    reason, note = str(data.get("reason") or "").strip(), str(data.get("note") or "").strip()
    if cefr is not None and cefr not in CEFR_LEVELS:
        raise InputError(f"cefr_override must be one of {', '.join(CEFR_LEVELS)}")
    if decision is not None and decision not in OUTCOMES:
        raise InputError(f"decision_override must be one of {', '.join(OUTCOMES)}")
    if (cefr or decision) and not reason:
        raise InputError("an override needs a reason")
    if not (cefr or decision or note):
        raise InputError("a review needs a note or an override")
    review = Review(attempt_id=attempt.id, reviewer_id=user.id, cefr_override=cefr,
                    decision_override=decision, reason=reason or None, note=note)
    session.add(review)
    session.flush()
    attempt.final_cefr = cefr or attempt.final_cefr or attempt.cefr
    attempt.final_decision = decision or attempt.final_decision or attempt.decision
    if cefr or decision:
        attempt.needs_review = False
    audit(session, actor_of(user), "review.override" if (cefr or decision) else "review.note",
          org_id=user.org_id, target=attempt,
          # Ids and sizes only: the reason and note may name the candidate
          # and live in the review row, which erasure deletes.
          details={"review_id": review.id, "cefr_override": cefr, "decision_override": decision,
                   "reason_chars": len(reason or ""), "note_chars": len(note or ""),
                   "was": {"cefr": attempt.cefr, "decision": attempt.decision}})
    return review


def set_candidate_status(session: Session, user: User, candidate: Candidate, status: Any,
                         note: str = "") -> Candidate:
    if not user.can_write:
        raise Forbidden("viewers cannot change a candidate")
    if status not in CANDIDATE_STATUSES:
        raise InputError(f"status must be one of {', '.join(CANDIDATE_STATUSES)}")
    previous, candidate.status = candidate.status, status
    audit(session, actor_of(user), "candidate.status", org_id=user.org_id, target=candidate,
          details={"from": previous, "to": status})
    if note:
        add_note(session, user, candidate, note)
    return candidate


def add_note(session: Session, user: User, candidate: Candidate, text: Any) -> CandidateNote:
    if not user.can_write:
        raise Forbidden("viewers cannot add notes")
    text = str(text or "").strip()
    if not text or len(text) > 10_000:
        raise InputError("a note needs 1 to 10000 characters")
    note = CandidateNote(candidate_id=candidate.id, author_id=user.id, text=text)
    session.add(note)
    session.flush()
    audit(session, actor_of(user), "candidate.note", org_id=user.org_id, target=candidate,
          details={"note_id": note.id})
    return note

