"""The append-only audit log."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..db.models import AuditLog, User


def actor_of(user: User | None) -> str:
    return f"user:{user.id}" if user is not None else "system"


def audit(session: Session, actor: str, action: str, *, org_id: int | None,
          target: Any = None, details: dict[str, Any] | None = None) -> AuditLog:
    """Add an audit entry to ``session``; it commits with the change it records."""
    entry = AuditLog(org_id=org_id, actor=actor, action=action,
                     target_type=type(target).__tablename__ if target is not None else "",
                     target_id=getattr(target, "id", None), details=details or {})
    session.add(entry)
    return entry
