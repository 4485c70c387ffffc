"""Sending the outbox over SMTP: one message per job, claimed by a status
transition so two workers (or a retry racing recovery) never send it twice.

A 5xx reply (the address or the message refused) is final and shown on the
invitation; a 4xx, a dropped connection or a server that is down is retried
with exponential backoff up to ``EMAIL_MAX_ATTEMPTS``.
"""
from __future__ import annotations

import logging
import re
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from sqlalchemy import and_, or_, select, update

from ..db.base import utcnow
from ..db.models import OutboxMessage
from .context import JobContext, Outcome, backoff

log = logging.getLogger(__name__)
# Once a message is done with, its link leaves the database: only a hash
# of an invitation's token is kept anywhere else.
LINK = re.compile(r"/take/[A-Za-z0-9_\-]+")


class PermanentFailure(Exception):
    """The server refused for good (5xx): retrying would not help."""


def _claim(ctx: JobContext, message_id: int) -> dict[str, Any] | None:
    now = utcnow()
    lease = now + timedelta(seconds=ctx.config.SMTP_TIMEOUT * 4 + 30)
    with ctx.db.transaction() as session:
        claimed = session.execute(
            update(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                or_(OutboxMessage.next_attempt_at.is_(None),
                    OutboxMessage.next_attempt_at <= now + timedelta(seconds=1)))
            .values(status="sending", attempts=OutboxMessage.attempts + 1, next_attempt_at=lease)
        ).rowcount
        if not claimed:
            return None
        m = session.get(OutboxMessage, message_id)
        if m.kind == "reminder" and not _still_open(m.invitation, now):
            m.status, m.next_attempt_at = "cancelled", None
            m.body = LINK.sub("/take/[link removed]", m.body)
            return None
        return {"to": m.to_addr, "subject": m.subject, "body": m.body, "attempts": m.attempts,
                "id": m.id}


def _still_open(invitation, now) -> bool:
    """A reminder is for a link nobody has used, revoked or let run out."""
    return (invitation is not None and invitation.used_at is None
            and invitation.revoked_at is None and invitation.expires_at > now)


def _compose(ctx: JobContext, claim: dict[str, Any]) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = ctx.config.SMTP_FROM
    msg["To"] = claim["to"]
    msg["Subject"] = claim["subject"]
    # A stable id per outbox row lets a receiving server spot a duplicate.
    msg["Message-ID"] = make_msgid(idstring=f"outbox-{claim['id']}",
                                   domain=ctx.config.SMTP_FROM.rpartition("@")[2] or "localhost")
    msg.set_content(claim["body"])
    return msg


def _smtp(config) -> smtplib.SMTP:
    if config.SMTP_SECURITY == "tls":
        return smtplib.SMTP_SSL(config.SMTP_HOST, config.SMTP_PORT, timeout=config.SMTP_TIMEOUT,
                                context=ssl.create_default_context())
    client = smtplib.SMTP(config.SMTP_HOST, config.SMTP_PORT, timeout=config.SMTP_TIMEOUT)
    if config.SMTP_SECURITY == "starttls":
        client.starttls(context=ssl.create_default_context())
    return client


def smtp_send(config, msg: EmailMessage) -> None:
    """Send one message; :class:`PermanentFailure` for a 5xx, else the
    smtplib/OS error for the caller to retry."""
    try:
        with _smtp(config) as client:
            if config.SMTP_USER:
                client.login(config.SMTP_USER, config.SMTP_PASSWORD or "")
            client.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if all(500 <= c < 600 for c in codes):
            raise PermanentFailure(f"recipient refused: {_reply(exc.recipients)}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentFailure(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}") from exc
        raise


def _text(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _reply(recipients: dict) -> str:
    return "; ".join(f"{code} {_text(text)}" for code, text in recipients.values())


def send_email(ctx: JobContext, message_id: int) -> Outcome:
    if not ctx.config.SMTP_HOST:
        # Nothing to send with: the message waits in the outbox, shown on the dashboard.
        return Outcome("skip", detail="no SMTP_HOST")
    claim = _claim(ctx, message_id)
    if claim is None:
        return Outcome("skip")
    error, final = None, False
    try:
        smtp_send(ctx.config, _compose(ctx, claim))
    except PermanentFailure as exc:
        error, final = str(exc), True
    except (smtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return _record(ctx, message_id, claim["attempts"], error and error[:2000], final)


def _record(ctx: JobContext, message_id: int, attempts: int, error: str | None,
            final: bool) -> Outcome:
    now = utcnow()
    values: dict[str, Any] = {"last_error": error}
    if error is None:
        values.update(status="sent", sent_at=now, next_attempt_at=None)
        outcome = Outcome("done")
    elif final or attempts >= ctx.config.EMAIL_MAX_ATTEMPTS:
        values.update(status="failed", next_attempt_at=None)
        outcome = Outcome("failed", detail=error)
    else:
        delay = backoff(ctx.config.EMAIL_BACKOFF_SECONDS, attempts)
        values.update(status="pending", next_attempt_at=now + timedelta(seconds=delay))
        outcome = Outcome("retry", retry_in=delay, detail=error)
    with ctx.db.transaction() as session:
        message = session.get(OutboxMessage, message_id)
        if message is not None and message.status == "sending":
            if values.get("status") in ("sent", "failed"):
                values["body"] = LINK.sub("/take/[link removed once sent]", message.body)
            session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id,
                                                        OutboxMessage.status == "sending")
                            .values(**values))
    if error:
        log.warning("email %s: %s", message_id, error)
    return outcome


def due_messages(session, stale_before) -> list[int]:
    """Pending messages overdue (their enqueue was lost) and claims whose
    lease ran out (the worker died mid-send): the latter go back to pending.

    A message whose worker died after the server accepted it but before the
    row said so may go out twice; SMTP offers no way to ask, and the
    Message-ID lets the receiver drop the copy.
    """
    now = utcnow()
    dead = list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.status == "sending", OutboxMessage.next_attempt_at < now)))
    if dead:
        session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(dead),
                                                    OutboxMessage.status == "sending")
                        .values(status="pending", next_attempt_at=now,
                                last_error="the worker sending it stopped; retried"))
    overdue = session.scalars(select(OutboxMessage.id).where(and_(
        OutboxMessage.status == "pending", OutboxMessage.id.not_in(dead),
        or_(OutboxMessage.next_attempt_at.is_(None),
            OutboxMessage.next_attempt_at <= stale_before))))
    return dead + list(overdue)
