"""Erasing an applicant's personal data on request (right to erasure).

The candidate row, their invitations, attempts, answers (drafts and texts),
scores, reviews, notes and queued jobs are deleted, and webhook deliveries
that carried their name and email are dropped. The audit log is append-only
and written with ids and counts only; entries about the candidate, or that
still name them (written by older versions: review notes, export searches,
idempotency keys), are scrubbed down to their ids and numbers, the one change
the log allows. The erasure itself is recorded with counts and ids only.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..db.models import (Answer, Attempt, AuditLog, Candidate, CandidateNote, Invitation, Job,
                         OutboxMessage, Review, Score, User, Webhook, WebhookDelivery)
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


def scrubbed(details: dict[str, Any] | None) -> dict[str, Any]:
    """An entry's details with only ids, counts and flags left."""
    kept = {k: v for k, v in (details or {}).items()
            if v is None or isinstance(v, (bool, int, float))}
    return {**kept, "scrubbed": True}


def _scrub_audit(session: Session, candidate: Candidate, targets: set[tuple[str, int]]) -> int:
    needles = [candidate.email.lower()]
    if len(candidate.name.strip()) >= 4:
        needles.append(candidate.name.strip().lower())
    rows = session.execute(select(AuditLog.id, AuditLog.target_type, AuditLog.target_id,
                                  AuditLog.details)
                           .where(AuditLog.org_id == candidate.org_id)).all()
    count = 0
    for entry_id, target_type, target_id, details in rows:
        if (details or {}).get("scrubbed"):
            continue
        text = json.dumps(details or {}, ensure_ascii=False).lower()
        if (target_type, target_id) in targets or any(n in text for n in needles):
            # A Core UPDATE: the ORM's append-only guard is for edits through
            # objects; PostgreSQL's trigger lets exactly this change through.
            session.execute(update(AuditLog).where(AuditLog.id == entry_id)
                            .values(details=scrubbed(details)))
            count += 1
    return count


def _delete_rows(session: Session, candidate: Candidate, attempt_ids: list[int],
                 answer_ids: list[int], deliveries: list[int]) -> None:
    statements = [delete(WebhookDelivery).where(WebhookDelivery.id.in_(deliveries))]
    if answer_ids:
        statements += [delete(Job).where(Job.answer_id.in_(answer_ids)),
                       delete(Score).where(Score.answer_id.in_(answer_ids)),
                       delete(Answer).where(Answer.id.in_(answer_ids))]
    if attempt_ids:
        statements += [delete(Review).where(Review.attempt_id.in_(attempt_ids)),
                       delete(Attempt).where(Attempt.id.in_(attempt_ids))]
    # The outbox holds the address and the link: gone with the invitations.
    statements += [delete(OutboxMessage).where(OutboxMessage.invitation_id.in_(
                       select(Invitation.id).where(Invitation.candidate_id == candidate.id))),
                   delete(Invitation).where(Invitation.candidate_id == candidate.id),
                   delete(CandidateNote).where(CandidateNote.candidate_id == candidate.id),
                   delete(Candidate).where(Candidate.id == candidate.id)]
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expire_all()


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
    invitation_ids = list(session.scalars(select(Invitation.id).where(
        Invitation.candidate_id == candidate.id)))
    targets = {("candidates", candidate.id), *(("attempts", i) for i in attempt_ids),
               *(("answers", i) for i in answer_ids), *(("invitations", i) for i in invitation_ids)}
    counts = {"candidate_id": candidate.id, "attempts": len(attempt_ids),
              "answers": len(answer_ids), "webhook_deliveries": len(deliveries),
              "audit_entries_scrubbed": _scrub_audit(session, candidate, targets)}
    # The entry is built before the rows go, while the target still has its id.
    audit(session, actor_of(user), "candidate.erase", org_id=candidate.org_id,
          target=candidate, details=counts)
    session.flush()
    _delete_rows(session, candidate, attempt_ids, answer_ids, deliveries)
    return counts
