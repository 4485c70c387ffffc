"""Erasing an applicant's personal data on request (right to erasure).

The candidate row, their invitations, attempts, answers (drafts and texts),
scores, reviews, notes and queued jobs are deleted, and webhook deliveries
that carried their name and email are dropped. The audit log is append-only,
so the erasure itself is recorded there with counts and ids only, never the
name, email or answer text.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..db.models import (Answer, Attempt, Candidate, CandidateNote, Invitation, Job, Review,
                         Score, User, Webhook, WebhookDelivery)
from .audit import actor_of, audit
from .errors import Forbidden


def _deliveries_naming(session: Session, candidate: Candidate) -> list[int]:
    # Payloads are JSON; filtering in Python keeps this portable across
    # SQLite and PostgreSQL (an organisation has few deliveries per day).
    rows = session.execute(select(WebhookDelivery.id, WebhookDelivery.payload)
                           .join(Webhook, WebhookDelivery.webhook_id == Webhook.id)
                           .where(Webhook.org_id == candidate.org_id)).all()
    return [rid for rid, payload in rows
            if ((payload or {}).get("data") or {}).get("candidate", {}).get("id") == candidate.id]


def erase_candidate(session: Session, user: User, candidate: Candidate) -> dict[str, Any]:
    """Delete everything personal about ``candidate``; returns the counts.

    Flushes, does not commit: the caller commits the deletion together with
    its audit entry, so neither exists without the other.
    """
    if user.role != "admin":
        raise Forbidden("only admins can erase a candidate's data")
    attempt_ids = list(session.scalars(select(Attempt.id).where(
        Attempt.candidate_id == candidate.id)))
    answer_ids = list(session.scalars(select(Answer.id).where(
        Answer.attempt_id.in_(attempt_ids)))) if attempt_ids else []
    deliveries = _deliveries_naming(session, candidate)
    counts = {"candidate_id": candidate.id, "attempts": len(attempt_ids),
              "answers": len(answer_ids), "webhook_deliveries": len(deliveries)}
    # The entry is built before the rows go, while the target still has its id.
    audit(session, actor_of(user), "candidate.erase", org_id=candidate.org_id,
          target=candidate, details=counts)
    session.flush()
    statements = [delete(WebhookDelivery).where(WebhookDelivery.id.in_(deliveries))]
    if answer_ids:
        statements += [delete(Job).where(Job.answer_id.in_(answer_ids)),
                       delete(Score).where(Score.answer_id.in_(answer_ids)),
                       delete(Answer).where(Answer.id.in_(answer_ids))]
    if attempt_ids:
        statements += [delete(Review).where(Review.attempt_id.in_(attempt_ids)),
                       delete(Attempt).where(Attempt.id.in_(attempt_ids))]
    statements += [delete(Invitation).where(Invitation.candidate_id == candidate.id),
                   delete(CandidateNote).where(CandidateNote.candidate_id == candidate.id),
                   delete(Candidate).where(Candidate.id == candidate.id)]
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()
    return counts
