"""Organisations, users, API tokens and role profiles."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import ROLES, ApiToken, ClientAccount, Organisation, RoleProfileRow, User
from ..scoring.profiles import RoleProfile, builtin_profiles
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, InputError, NotFound, Unauthorized
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


MIN_PASSWORD = 10
MAX_PASSWORD = 200


def check_password_rules(password: str) -> str:
    """Length is what makes a password strong; no composition rules (NIST SP 800-63B)."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


def _require_admin_of(admin: User, user: User) -> None:
    if not (admin.active and admin.role == "admin"):
        raise Forbidden("only admins can do this")
    if user.org_id != admin.org_id:
        raise Forbidden("users of another organisation cannot be changed")


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out everywhere: dashboard cookies carry the version
    they were issued with and an older one is refused."""
    user.session_version = (user.session_version or 0) + 1
    session.flush()


def reset_password(session: Session, admin: User, user: User, password: str) -> User:
    """An admin sets a new password for a user of the same organisation."""
    _require_admin_of(admin, user)
    user.password_hash = hash_password(check_password_rules(password))
    end_sessions(session, user)
    # The password itself never goes into the log, only who reset whose.
    audit(session, actor_of(admin), "user.password_reset", org_id=admin.org_id, target=user,
          details={"email": user.email})
    return user


def set_active(session: Session, admin: User, user: User, active: bool) -> User:
    _require_admin_of(admin, user)
    if user.id == admin.id and not active:
        raise Conflict("you cannot deactivate your own account", "self_deactivate")
    user.active = bool(active)
    # Both ways: a cookie from before a deactivation must not work again
    # once the account is reactivated.
    end_sessions(session, user)
    audit(session, actor_of(admin), "user.activate" if active else "user.deactivate",
          org_id=admin.org_id, target=user, details={"email": user.email})
    return user


def client_accounts(session: Session, org_id: int) -> list[ClientAccount]:
    return list(session.scalars(select(ClientAccount).where(ClientAccount.org_id == org_id)
                                .order_by(ClientAccount.id)))


def create_client_account(session: Session, user: User, name: object) -> ClientAccount:
    """A client of the employer; names are unique within the organisation
    (the API and the dashboard alike: two "Acme" rows cannot be told apart)."""
    if not user.can_write:
        raise Forbidden("viewers cannot add client accounts")
    name = str(name or "").strip()
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
