"""Outgoing email: one row per message, written in the transaction that
caused it (an invitation), sent later by a job, so a rolled-back invitation
sends nothing and a committed one is never lost."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..base import NEVER_REUSE, Base, UTCDateTime, utcnow

#: pending → sending (claimed by one job) → sent | pending (retry) | failed;
#: a reminder whose invitation was used, revoked or expired → cancelled.
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "cancelled")
EMAIL_KINDS = ("invitation", "reminder", "results")


class OutboxMessage(Base):
    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                        index=True)
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When a pending message is next due; while sending, the claim's lease.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invitation = relationship("Invitation")


class EmailTemplate(Base):
    """An organisation's own wording for one kind of message; without one
    the built-in template (with the employer's name) is used."""

    __tablename__ = "email_templates"
    __table_args__ = (UniqueConstraint("org_id", "kind"), NEVER_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                        index=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
