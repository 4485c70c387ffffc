"""The audit log as admins read it: filtered by action, actor, target and
date, with people and things named rather than "attempts #3".

Names are looked up when the page is shown, never stored in the entries:
erasure removes a candidate, and their entries must then name no one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import Assessment, Attempt, AuditLog, Candidate, Invitation, User
from .errors import InputError

PER_PAGE = 50
#: Target types a recruiter can pick, with the words the filter shows.
TARGETS = {"attempts": "Attempt", "candidates": "Candidate", "assessments": "Assessment",
           "invitations": "Invitation", "users": "User"}


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    target: str = ""
    target_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "AuditFilters":
        get = lambda k: (args.get(k) or "").strip()[:100]  # noqa: E731
        f = cls(action=get("action"), actor=get("actor"), target=get("target"))
        if f.target and f.target not in TARGETS:
            raise InputError(f"target must be one of {', '.join(TARGETS)}")
        if get("target_id"):
            if not get("target_id").isdigit():
                raise InputError("target_id must be a whole number")
            f.target_id = int(get("target_id"))
        try:
            f.date_from = date.fromisoformat(get("from")) if get("from") else None
            f.date_to = date.fromisoformat(get("to")) if get("to") else None
        except ValueError:
            raise InputError("dates must look like 2026-01-31") from None
        return f

    def to_args(self) -> dict[str, str]:
        values = {"action": self.action, "actor": self.actor, "target": self.target,
                  "target_id": self.target_id, "from": self.date_from, "to": self.date_to}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _day(value: date) -> datetime:
    return datetime.combine(value, time.min, tzinfo=timezone.utc)


def _query(org_id: int, f: AuditFilters):
    query = select(AuditLog).where(AuditLog.org_id == org_id)
    if f.action:
        query = query.where(AuditLog.action.startswith(f.action, autoescape=True))
    if f.actor:
        query = query.where(AuditLog.actor == f.actor)
    if f.target:
        query = query.where(AuditLog.target_type == f.target)
    if f.target_id is not None:
        query = query.where(AuditLog.target_id == f.target_id)
    if f.date_from:
        query = query.where(AuditLog.created_at >= _day(f.date_from))
    if f.date_to:
        query = query.where(AuditLog.created_at < _day(f.date_to + timedelta(days=1)))
    return query


def audit_page(session: Session, org_id: int, f: AuditFilters, page: int) -> dict[str, Any]:
    query = _query(org_id, f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    page = min(max(page, 1), pages)
    rows = session.scalars(query.order_by(AuditLog.id.desc())
                           .offset((page - 1) * PER_PAGE).limit(PER_PAGE)).all()
    return {"rows": rows, "total": total, "page": page, "pages": pages,
            "targets": target_names(session, org_id, rows)}


def people(session: Session, org_id: int) -> dict[str, str]:
    """Actor id → a person's name (or email), for the table and the filter."""
    return {f"user:{u.id}": u.name or u.email
            for u in session.scalars(select(User).where(User.org_id == org_id))}


def _candidate_label(candidate: Candidate | None) -> str | None:
    return (candidate.name or candidate.email) if candidate is not None else None


def target_names(session: Session, org_id: int, rows) -> dict[tuple[str, int], str]:
    """(target type, id) → a name, for the targets that still exist in ``org_id``."""
    wanted: dict[str, set[int]] = {}
    for row in rows:
        if row.target_id is not None:
            wanted.setdefault(row.target_type, set()).add(row.target_id)
    out: dict[tuple[str, int], str] = {}
    for attempt in _fetch(session, Attempt, wanted.get("attempts")):
        if attempt.assessment.org_id == org_id:
            out[("attempts", attempt.id)] = (f"{_candidate_label(attempt.candidate)} · "
                                             f"{attempt.assessment.title}")
    for candidate in _fetch(session, Candidate, wanted.get("candidates")):
        if candidate.org_id == org_id:
            out[("candidates", candidate.id)] = _candidate_label(candidate)
    for invitation in _fetch(session, Invitation, wanted.get("invitations")):
        if invitation.assessment.org_id == org_id:
            out[("invitations", invitation.id)] = (f"{_candidate_label(invitation.candidate)} · "
                                                   f"{invitation.assessment.title}")
    for assessment in _fetch(session, Assessment, wanted.get("assessments")):
        if assessment.org_id == org_id:
            out[("assessments", assessment.id)] = assessment.title
    for user in _fetch(session, User, wanted.get("users")):
        if user.org_id == org_id:
            out[("users", user.id)] = user.name or user.email
    return out


def _fetch(session: Session, model, ids: set[int] | None):
    if not ids:
        return []
    return session.scalars(select(model).where(model.id.in_(ids))).all()
