"""Dashboard actions the shared service layer does not have yet: user
administration (password reset by an admin), opening and closing an
assessment, the invitation list with each link's state, and resending."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import Assessment, Attempt, ClientAccount, Invitation, User
from .assessments import update_assessment
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, InputError
from .invitations import invite, revoke
from .security import hash_password

MIN_PASSWORD = 10
MAX_PASSWORD = 200


def check_password_rules(password: str) -> str:
    """Length is what makes a password strong; no composition rules (NIST SP 800-63B)."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def require_admin(user: User) -> None:
    if not (user.active and user.role == "admin"):
        raise Forbidden("only admins can do this")


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out everywhere: dashboard cookies carry the version
    they were issued with and an older one is refused."""
    user.session_version = (user.session_version or 0) + 1
    session.flush()


def reset_password(session: Session, admin: User, user: User, password: str) -> User:
    """An admin sets a new password for a user of the same organisation."""
    require_admin(admin)
    if user.org_id != admin.org_id:
        raise Forbidden("users of another organisation cannot be changed")
    user.password_hash = hash_password(check_password_rules(password))
    end_sessions(session, user)
    # The password itself never goes into the log, only who reset whose.
    audit(session, actor_of(admin), "user.password_reset", org_id=admin.org_id, target=user,
          details={"email": user.email})
    return user


def set_active(session: Session, admin: User, user: User, active: bool) -> User:
    require_admin(admin)
    if user.org_id != admin.org_id:
        raise Forbidden("users of another organisation cannot be changed")
    if user.id == admin.id and not active:
        raise Conflict("you cannot deactivate your own account", "self_deactivate")
    user.active = bool(active)
    # Both ways: a cookie from before a deactivation must not work again
    # once the account is reactivated.
    end_sessions(session, user)
    audit(session, actor_of(admin), "user.activate" if active else "user.deactivate",
          org_id=admin.org_id, target=user, details={"email": user.email})
    return user


def attempts_started(session: Session, assessment: Assessment) -> int:
    return session.scalar(select(func.count(Attempt.id)).where(
        Attempt.assessment_id == assessment.id)) or 0


def is_open(assessment: Assessment, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (not assessment.archived
            and (assessment.opens_at is None or assessment.opens_at <= now)
            and (assessment.closes_at is None or assessment.closes_at > now))


def set_open(session: Session, user: User, assessment: Assessment, open_: bool) -> Assessment:
    """Open now (clear a past close date and a future open date) or close now."""
    if not user.can_write:
        raise Forbidden("viewers cannot open or close assessments")
    now = utcnow()
    if open_:
        data = {"closes_at": None, "archived": False}
        if assessment.opens_at and assessment.opens_at > now:
            data["opens_at"] = now
    else:
        data = {"closes_at": now}
        if assessment.opens_at and assessment.opens_at >= now:
            data["opens_at"] = None
    return update_assessment(session, user, assessment, data)


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


def create_client_account(session: Session, user: User, name: str) -> ClientAccount:
    if not user.can_write:
        raise Forbidden("viewers cannot add client accounts")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InputError("a client account needs a name of 1 to 200 characters")
    if session.scalar(select(ClientAccount.id).where(ClientAccount.org_id == user.org_id,
                                                     ClientAccount.name == name)):
        raise Conflict(f"a client account named {name!r} exists", "client_exists")
    client = ClientAccount(org_id=user.org_id, name=name)
    session.add(client)
    session.flush()
    audit(session, actor_of(user), "client_account.create", org_id=user.org_id, target=client,
          details={"name": name})
    return client


def check_editable(session: Session, assessment: Assessment, data: dict) -> None:
    """Applicants already answered these tasks under these bars: changing
    either would make their results incomparable."""
    frozen = ("tasks", "thresholds", "role_profile", "role_profile_id")
    if any(k in data for k in frozen) and attempts_started(session, assessment):
        raise Conflict("tasks and thresholds cannot change once attempts exist; "
                       "create a new assessment", "assessment_in_use")
