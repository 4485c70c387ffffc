"""The email outbox: composing messages into it inside the caller's
transaction, and reading their state for the API and the dashboard.

Sending is :mod:`assessor.jobs.email`; the request that commits enqueues it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from string import Template

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import EmailTemplate, Invitation, Organisation, OutboxMessage

DEFAULTS = {
    "invitation": (
        "$employer invites you to an English writing assessment",
        "Hello $name,\n\n"
        "$employer invites you to take \"$assessment\", a short English writing assessment.\n\n"
        "Open this link to start (it works once, until $expires):\n$link\n\n"
        "Good luck,\n$employer\n"),
    "results": (
        "Results ready: $name, $assessment",
        "Hello,\n\nThe answers of $name ($email) to \"$assessment\" are scored: "
        "$cefr, decision: $decision.\n\nSee them here:\n$link\n\n— assessor for $employer\n"),
    "reminder": (
        "Reminder: your $employer writing assessment link expires on $expires",
        "Hello $name,\n\n"
        "Your link to \"$assessment\" from $employer has not been used yet and expires on "
        "$expires.\n\nOpen it here:\n$link\n\n$employer\n"),
}


def _template(session: Session, org_id: int, kind: str) -> tuple[str, str]:
    row = session.scalar(select(EmailTemplate).where(EmailTemplate.org_id == org_id,
                                                     EmailTemplate.kind == kind))
    return (row.subject, row.body) if row is not None else DEFAULTS[kind]


def set_template(session: Session, org_id: int, kind: str, subject: str, body: str) -> None:
    """An organisation's own wording; ``$employer``, ``$name``,
    ``$assessment``, ``$link`` and ``$expires`` are filled in."""
    if kind not in DEFAULTS:
        raise ValueError(f"unknown email kind {kind!r}")
    row = session.scalar(select(EmailTemplate).where(EmailTemplate.org_id == org_id,
                                                     EmailTemplate.kind == kind))
    if row is None:
        row = EmailTemplate(org_id=org_id, kind=kind, subject=subject, body=body)
        session.add(row)
    row.subject, row.body = subject, body
    session.flush()


def queue_invitation(session: Session, invitation: Invitation, token: str,
                     public_url: str, remind_days: int = 0) -> OutboxMessage:
    """The invitation email, written in the invitation's transaction, and
    with ``remind_days`` a reminder due that many days before expiry.

    The reminder is written now because only now is the link known (the
    database keeps a hash of the token); it is cancelled when sent for an
    invitation already used, revoked or expired.
    """
    message = _compose(session, invitation, token, public_url, "invitation", utcnow())
    due = invitation.expires_at - timedelta(days=remind_days)
    if remind_days and due > utcnow() + timedelta(hours=1):
        _compose(session, invitation, token, public_url, "reminder", due)
    return message


def _compose(session: Session, invitation: Invitation, token: str, public_url: str, kind: str,
             due: datetime) -> OutboxMessage:
    org = session.get(Organisation, invitation.assessment.org_id)
    subject, body = _template(session, org.id, kind)
    # safe_substitute: a recruiter's typo ($nmae) stays visible text, never a 500.
    values = {"employer": org.name, "name": invitation.candidate.name or "there",
              "assessment": invitation.assessment.title,
              "link": f"{public_url}/take/{token}",
              "expires": invitation.expires_at.strftime("%d %B %Y %H:%M UTC")}
    message = OutboxMessage(
        org_id=org.id, invitation_id=invitation.id, kind=kind,
        to_addr=invitation.candidate.email,
        # A header cannot carry a line break (header injection).
        subject=" ".join(Template(subject).safe_substitute(values).split())[:300],
        body=Template(body).safe_substitute(values), status="pending", attempts=0,
        next_attempt_at=due)
    session.add(message)
    session.flush()
    return message


def queue_results_notice(session: Session, attempt, public_url: str) -> OutboxMessage | None:
    """A notice to the recruiter who sent the invitation once the attempt's
    answers are all scored (their account still active); the scoring job
    that commits it enqueues it."""
    from ..db.models import User

    inviter = session.get(User, attempt.invitation.created_by) \
        if attempt.invitation.created_by else None
    if inviter is None or not inviter.active:
        return None
    org = session.get(Organisation, attempt.assessment.org_id)
    subject, body = _template(session, org.id, "results")
    values = {"employer": org.name, "name": attempt.candidate.name or attempt.candidate.email,
              "email": attempt.candidate.email, "assessment": attempt.assessment.title,
              "cefr": attempt.final_cefr or "no level",
              "decision": (attempt.final_decision or "pending").replace("_", " "),
              "link": f"{public_url}/dashboard/attempts/{attempt.id}"}
    message = OutboxMessage(
        org_id=org.id, invitation_id=attempt.invitation_id, kind="results", to_addr=inviter.email,
        subject=" ".join(Template(subject).safe_substitute(values).split())[:300],
        body=Template(body).safe_substitute(values), status="pending", attempts=0,
        next_attempt_at=utcnow())
    session.add(message)
    session.flush()
    return message


def latest_for(session: Session, invitation_ids: list[int]) -> dict[int, OutboxMessage]:
    """The newest message of each invitation, for status columns."""
    if not invitation_ids:
        return {}
    rows = session.scalars(select(OutboxMessage)
                           .where(OutboxMessage.invitation_id.in_(invitation_ids))
                           .order_by(OutboxMessage.id)).all()
    return {m.invitation_id: m for m in rows}


def org_messages(session: Session, org_id: int, *, limit: int = 200) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.org_id == org_id)
                                .order_by(OutboxMessage.id.desc()).limit(limit)))


def pending_for(session: Session, invitation_ids: list[int]) -> list[tuple[int, float]]:
    """Pending messages of these invitations with the seconds until each is
    due: what a request enqueues after its commit."""
    if not invitation_ids:
        return []
    now = utcnow()
    rows = session.execute(select(OutboxMessage.id, OutboxMessage.next_attempt_at).where(
        OutboxMessage.invitation_id.in_(invitation_ids), OutboxMessage.status == "pending"))
    return [(i, max((due - now).total_seconds(), 0) if due else 0) for i, due in rows]
