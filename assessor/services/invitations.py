"""Invitations: single-use links, retake policy, bulk CSV."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import Assessment, Attempt, Candidate, Invitation, User
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, InputError, Unauthorized
from .outbox import queue_invitation
from .security import hash_token, new_token

MAX_BULK_ROWS = 5000


def normalise_email(raw: str) -> str:
    """A deliverable-looking address, lower-cased; :class:`InputError` with
    the reason otherwise. No DNS lookup: the domain is checked for form only
    (a lookup per row would make a 5000-row upload wait on the network)."""
    raw = (raw or "").strip()
    try:
        valid = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InputError(f"not an email address: {raw[:320]!r} ({exc})") from exc
    if len(valid.normalized) > 320:
        raise InputError("the email address is longer than 320 characters")
    return valid.normalized.lower()


def _candidate(session: Session, org_id: int, email: str, name: str) -> Candidate:
    email = normalise_email(email)
    candidate = session.scalar(select(Candidate).where(Candidate.org_id == org_id,
                                                       Candidate.email == email))
    if candidate is None:
        candidate = Candidate(org_id=org_id, email=email, name=(name or "").strip()[:200])
        session.add(candidate)
        session.flush()
    elif name and not candidate.name:
        candidate.name = name.strip()[:200]
    return candidate


def check_retake(session: Session, assessment: Assessment, candidate: Candidate,
                 now: datetime) -> None:
    """Raise :class:`Conflict` when the retake policy forbids another attempt."""
    rows = session.execute(
        select(func.count(Attempt.id), func.max(Attempt.started_at))
        .where(Attempt.assessment_id == assessment.id, Attempt.candidate_id == candidate.id)).one()
    count, last = rows
    if count >= assessment.max_attempts:
        raise Conflict(f"{candidate.email} has used all {assessment.max_attempts} attempt(s)",
                       "retake_limit")
    if last is not None and assessment.cooldown_days:
        last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
        if last + timedelta(days=assessment.cooldown_days) > now:
            raise Conflict(f"{candidate.email} may retake after the {assessment.cooldown_days}-day "
                           "cool-down", "cooldown")


def check_duplicate(session: Session, assessment: Assessment, candidate: Candidate,
                    now: datetime) -> None:
    """Raise :class:`Conflict` ``already_invited`` while the candidate holds
    an open link to this assessment (not used, revoked or expired): a second
    one is most often a slip, and would be a second email. A retake, after
    the first link was used, is the retake policy's business instead."""
    open_link = session.scalar(select(Invitation.id).where(
        Invitation.assessment_id == assessment.id, Invitation.candidate_id == candidate.id,
        Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now).limit(1))
    if open_link is not None:
        raise Conflict(f"{candidate.email} already has an open invitation to this assessment; "
                       "confirm to send another", "already_invited")


def invite(session: Session, user: User, assessment: Assessment, email: str, name: str = "",
           *, days: int = 14, now: datetime | None = None,
           public_url: str | None = None, remind_days: int = 0,
           allow_duplicate: bool = True) -> tuple[Invitation, str]:
    """A new invitation; returns it and the token in clear (shown once only).

    With ``public_url`` (the service's links' base), its email goes into the
    outbox in this same transaction; the caller enqueues it after commit.
    ``allow_duplicate=False`` (what recruiters' requests pass until they
    confirm) refuses a second open link, see :func:`check_duplicate`.
    """
    now = now or utcnow()
    if assessment.archived:
        raise Conflict("the assessment is archived", "archived")
    if not 1 <= int(days) <= 365:
        raise InputError("expires_in_days must be between 1 and 365")
    candidate = _candidate(session, assessment.org_id, email, name)
    check_retake(session, assessment, candidate, now)
    if not allow_duplicate:
        check_duplicate(session, assessment, candidate, now)
    token = new_token()
    invitation = Invitation(assessment_id=assessment.id, candidate_id=candidate.id,
                            token_hash=hash_token(token), expires_at=now + timedelta(days=int(days)),
                            created_by=user.id)
    session.add(invitation)
    session.flush()
    audit(session, actor_of(user), "invitation.create", org_id=assessment.org_id,
          target=invitation, details={"candidate_id": candidate.id, "assessment_id": assessment.id})
    if public_url is not None:
        queue_invitation(session, invitation, token, public_url, remind_days)
    return invitation, token


@dataclass
class BulkReport:
    created: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def invite_csv(session: Session, user: User, assessment: Assessment, raw: str, *,
               days: int = 14, public_url: str | None = None, remind_days: int = 0,
               allow_duplicate: bool = True) -> BulkReport:
    """Invite every row of a CSV with an ``email`` column (``name`` optional).

    Each row is independent: a bad row is reported with its line number and
    the others still get their invitations.
    """
    reader = csv.DictReader(io.StringIO(raw))
    try:
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError(f"the CSV header is malformed: {exc}") from exc
    if "email" not in fields:
        raise InputError("the CSV needs a header row with an 'email' column")
    report = BulkReport()
    try:
        _invite_rows(session, user, assessment, reader, report,
                     dict(days=days, public_url=public_url, remind_days=remind_days,
                          allow_duplicate=allow_duplicate))
    except csv.Error as exc:
        raise InputError(f"the CSV is malformed near line {reader.line_num}: {exc}") from exc
    return report


def _invite_rows(session: Session, user: User, assessment: Assessment, reader: csv.DictReader,
                 report: BulkReport, options: dict[str, Any]) -> None:
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_BULK_ROWS:
            raise InputError(f"at most {MAX_BULK_ROWS} rows per upload")
        row = {(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else ""
               for k, v in row.items()}
        try:
            with session.begin_nested():
                invitation, token = invite(session, user, assessment, row.get("email", ""),
                                           row.get("name", ""), **options)
        except (InputError, Conflict) as exc:
            report.errors.append({"line": line, "email": row.get("email", ""),
                                  "code": exc.code, "message": str(exc)})
            continue
        report.created.append({"line": line, "email": invitation.candidate.email,
                               "invitation_id": invitation.id, "token": token})


def invitation_for_token(session: Session, token: str | None,
                         now: datetime | None = None) -> Invitation:
    """The invitation behind an applicant's token; 401 if unknown, revoked or expired.

    An expired invitation whose attempt already started stays readable, so
    an applicant can still see their status and feedback.
    """
    if not token:
        raise Unauthorized("an invitation token is required")
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise Unauthorized("this invitation link is not valid", "invalid_invitation")
    if invitation.used_at is None and invitation.expires_at <= (now or utcnow()):
        raise Unauthorized("this invitation link has expired", "invitation_expired")
    return invitation


def revoke(session: Session, user: User, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit(session, actor_of(user), "invitation.revoke", org_id=user.org_id, target=invitation)
    return invitation


@dataclass
class InvitationRow:
    invitation: Invitation
    state: str  # pending, started, expired, revoked


def invitation_state(invitation: Invitation, now: datetime) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.used_at is not None:
        return "started"
    return "expired" if invitation.expires_at <= now else "pending"


def invitation_rows(session: Session, assessment: Assessment, *, limit: int = 500,
                    offset: int = 0) -> tuple[list[InvitationRow], int]:
    query = select(Invitation).where(Invitation.assessment_id == assessment.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Invitation.id.desc()).offset(offset).limit(limit)).all()
    now = utcnow()
    return [InvitationRow(i, invitation_state(i, now)) for i in rows], total


def resend(session: Session, user: User, invitation: Invitation,
           days: int = 14, public_url: str | None = None,
           remind_days: int = 0) -> tuple[Invitation, str]:
    """A fresh link for a candidate whose link was lost or ran out: only the
    hash of a token is stored, so the old link cannot be shown again; it is
    revoked and a new one issued."""
    if not user.can_write:
        raise Forbidden("viewers cannot send invitations")
    if invitation.used_at is not None:
        raise Conflict("this candidate has already started; the link cannot be resent",
                       "already_started")
    revoke(session, user, invitation)
    new, token = invite(session, user, invitation.assessment, invitation.candidate.email,
                        invitation.candidate.name, days=days, public_url=public_url,
                        remind_days=remind_days)
    audit(session, actor_of(user), "invitation.resend", org_id=user.org_id, target=new,
          details={"replaces": invitation.id})
    return new, token

