"""Organisations, users, API tokens and role profiles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import ROLES, ApiToken, Organisation, RoleProfileRow, User
from ..scoring.profiles import RoleProfile, builtin_profiles
from .audit import actor_of, audit
from .errors import Conflict, InputError, NotFound, Unauthorized
from .security import API_TOKEN_PREFIX, check_password, hash_password, hash_token, new_token


def create_org(session: Session, name: str, *, actor: str = "system") -> Organisation:
    """A new organisation, with the built-in role profiles copied in so that
    it can adjust them per client account."""
    name = (name or "").strip()
    if not name:
        raise InputError("an organisation needs a name")
    if session.scalar(select(Organisation).where(Organisation.name == name)):
        raise Conflict(f"an organisation named {name!r} exists", "org_exists")
    org = Organisation(name=name)
    session.add(org)
    session.flush()
    for profile in builtin_profiles().values():
        session.add(RoleProfileRow(org_id=org.id, name=profile.name, builtin_name=profile.name,
                                   thresholds=profile.to_dict()))
    audit(session, actor, "org.create", org_id=org.id, target=org, details={"name": name})
    return org


def create_user(session: Session, org: Organisation, email: str, *, role: str = "recruiter",
                name: str = "", password: str | None = None, actor: str = "system") -> User:
    email = (email or "").strip().lower()
    if "@" not in email:
        raise InputError(f"not an email address: {email!r}")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}")
    # Within the organisation only: an answer about other organisations'
    # users would tell an admin who has an account elsewhere.
    if session.scalar(select(User).where(User.org_id == org.id, User.email == email)):
        raise Conflict(f"a user with email {email} exists", "user_exists")
    user = User(org_id=org.id, email=email, name=name, role=role,
                password_hash=hash_password(password) if password else None)
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", org_id=org.id, target=user,
          details={"email": email, "role": role})
    return user


def create_api_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Returns the row and the token in clear, which is shown once only."""
    token = API_TOKEN_PREFIX + new_token()
    row = ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), prefix=token[:10])
    session.add(row)
    session.flush()
    audit(session, actor_of(user), "token.create", org_id=user.org_id, target=row,
          details={"name": name, "prefix": row.prefix})
    return row, token


def user_for_token(session: Session, token: str | None, now: datetime | None = None) -> User:
    if not token:
        raise Unauthorized("an API token is required (Authorization: Bearer ...)")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        raise Unauthorized("the API token is not valid")
    row.last_used_at = now or utcnow()
    return row.user


#: Accounts one email may have in different organisations that a sign-in tries.
MAX_ACCOUNTS_PER_EMAIL = 5


def authenticate(session: Session, email: str, password: str) -> User:
    """For the dashboard's login form. One email may have an account in
    several organisations: the password says which one is signing in."""
    users = session.scalars(select(User).where(User.email == (email or "").strip().lower())
                            .order_by(User.id).limit(MAX_ACCOUNTS_PER_EMAIL)).all()
    # The hash is checked even for an unknown email (against a dummy), so
    # timing does not reveal which emails have accounts.
    if not users:
        check_password(None, password or "")
    for user in users:
        if check_password(user.password_hash, password or "") and user.active:
            return user
    raise Unauthorized("wrong email or password")


def org_by_name(session: Session, name: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        raise NotFound(f"no organisation named {name!r}")
    return org


def save_role_profile(session: Session, user: User, data: dict) -> RoleProfileRow:
    """Create or replace one of the organisation's role profiles."""
    try:
        profile = RoleProfile.from_dict(data)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"role profile field has the wrong type: {exc}") from exc
    row = session.scalar(select(RoleProfileRow).where(RoleProfileRow.org_id == user.org_id,
                                                      RoleProfileRow.name == profile.name))
    if row is None:
        row = RoleProfileRow(org_id=user.org_id, name=profile.name, thresholds={})
        session.add(row)
    row.thresholds = profile.to_dict()
    row.client_account_id = data.get("client_account_id")
    session.flush()
    audit(session, actor_of(user), "role_profile.save", org_id=user.org_id, target=row,
          details=profile.to_dict())
    return row
