"""Who is signed in, what they may do, and how fast they may guess passwords."""
from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import defaultdict, deque
from functools import wraps
from typing import Callable

from flask import current_app, g, redirect, request, session, url_for

from ...db.models import User
from ...services.accounts import end_sessions
from ...services.errors import Forbidden, RateLimited
from ..auth import shared_redis
from ..extensions import session as db_session

log = logging.getLogger(__name__)

#: A signed-in session lasts at most this long, whatever the cookie says.
MAX_SESSION_SECONDS = 12 * 3600
#: Failed sign-ins allowed per window: per account from one address (stops
#: guessing; the rest of the world can still sign in), per client address
#: (stops spraying one password over many accounts) and per account from
#: every address the account has not signed in from before (stops guessing
#: from many addresses, while its owner's known addresses still get in).
ACCOUNT_LIMIT = 5
IP_LIMIT = 20
ACCOUNT_ANYWHERE_LIMIT = 50
#: An address stays "known" for an account this long after a sign-in.
KNOWN_SECONDS = 30 * 86400
WINDOW_SECONDS = 15 * 60


def _locked(wait_seconds: float) -> RateLimited:
    return RateLimited(f"too many failed sign-ins; try again in {int(wait_seconds) // 60 + 1} minute(s) "
                       "or ask an admin to reset your password")


class SignInLimiter:
    """Failed sign-in attempts per key. With Redis (the service's queue) the
    count is shared by every web process, a fixed window that restarts with
    each failure; without it, or while Redis is down, each process counts in
    memory over a sliding window, so the real limit is this times the number
    of processes."""

    def __init__(self) -> None:
        self._fails: dict[str, deque] = defaultdict(deque)
        self._known: dict[str, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _shared():
        conn, name, error = shared_redis()
        return conn, f"assessor:signin:{name}:", error

    def _recent(self, key: str, now: float, window: float) -> deque:
        fails = self._fails[key]
        while fails and fails[0] <= now - window:
            fails.popleft()
        return fails

    def check(self, keys: dict[str, int], window: float = WINDOW_SECONDS) -> None:
        conn, prefix, error = self._shared()
        if conn is not None:
            try:
                for key, limit in keys.items():
                    if int(conn.get(prefix + key) or 0) >= limit:
                        raise _locked(max(conn.ttl(prefix + key), 0))
                return
            except error as exc:
                log.warning("sign-in limit falls back to process memory: %s", exc)
        now = time.monotonic()
        with self._lock:
            for key, limit in keys.items():
                fails = self._recent(key, now, window)
                if len(fails) >= limit:
                    raise _locked(fails[0] + window - now)

    def fail(self, keys: list[str], window: float = WINDOW_SECONDS) -> None:
        conn, prefix, error = self._shared()
        if conn is not None:
            try:
                pipe = conn.pipeline()
                for key in keys:
                    pipe.incr(prefix + key)
                    pipe.expire(prefix + key, int(window))
                pipe.execute()
                return
            except error as exc:
                log.warning("sign-in limit falls back to process memory: %s", exc)
        now = time.monotonic()
        with self._lock:
            if len(self._fails) > 100_000:
                self._fails.clear()
            if len(self._known) > 100_000:
                self._known.clear()
            for key in keys:
                self._fails[key].append(now)

    def remember(self, key: str, seconds: float = KNOWN_SECONDS) -> None:
        conn, prefix, error = self._shared()
        if conn is not None:
            try:
                conn.set(prefix + key, 1, ex=int(seconds))
            except error as exc:
                log.warning("could not remember a known sign-in address: %s", exc)
        with self._lock:
            self._known[key] = time.monotonic() + seconds

    def known(self, key: str) -> bool:
        conn, prefix, error = self._shared()
        if conn is not None:
            try:
                return bool(conn.exists(prefix + key))
            except error as exc:
                log.warning("sign-in limit falls back to process memory: %s", exc)
        with self._lock:
            return self._known.get(key, 0) > time.monotonic()

    def clear_prefix(self, key_prefix: str) -> None:
        """Forget every count whose key starts with ``key_prefix``."""
        conn, prefix, error = self._shared()
        if conn is not None:
            try:
                for name in conn.scan_iter(match=prefix + key_prefix + "*", count=500):
                    conn.delete(name)
            except error as exc:
                log.warning("could not clear the shared sign-in counts: %s", exc)
        with self._lock:
            for key in [k for k in self._fails if k.startswith(key_prefix)]:
                del self._fails[key]

    def clear(self, key: str) -> None:
        conn, prefix, error = self._shared()
        if conn is not None:
            try:
                conn.delete(prefix + key)
            except error as exc:
                log.warning("could not clear the shared sign-in count: %s", exc)
        with self._lock:
            self._fails.pop(key, None)


limiter = SignInLimiter()


def _limits() -> tuple[int, int, int]:
    limits = tuple(current_app.config.get("DASHBOARD_SIGNIN_LIMITS", ()))
    return (limits + (ACCOUNT_LIMIT, IP_LIMIT, ACCOUNT_ANYWHERE_LIMIT)[len(limits):])[:3]


def _keys(email: str) -> tuple[str, str, str, str]:
    """(account at this address, this address, account anywhere, known pair)."""
    account, address = email.strip().lower(), request.remote_addr or "-"
    return (f"pair:{account}|{address}", f"ip:{address}", f"account:{account}",
            f"known:{account}|{address}")


def limit_keys(email: str) -> dict[str, int]:
    """The counts that must be under their limits before a password is tried.
    The account-wide count is skipped at an address the account signed in
    from before: an attacker elsewhere cannot lock its owner out."""
    pair, address, account, known = _keys(email)
    per_pair, per_address, per_account = _limits()
    keys = {pair: per_pair, address: per_address}
    if not limiter.known(known):
        keys[account] = per_account
    return keys


def failed_sign_in(email: str) -> None:
    limiter.fail(list(_keys(email)[:3]))


def signed_in_from(email: str) -> None:
    pair, _, _, known = _keys(email)
    limiter.clear(pair)
    limiter.remember(known)


def clear_account(email: str) -> None:
    """After a password reset: the owner may sign in again from anywhere."""
    account = email.strip().lower()
    limiter.clear(f"account:{account}")
    limiter.clear_prefix(f"pair:{account}|")


def _password_stamp(user: User) -> str:
    # Changes when the password does, so a reset signs out every old session.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def sign_in(user: User) -> None:
    csrf = session.get("_csrf")
    # A fresh session: nothing set before sign-in (fixation) survives it.
    session.clear()
    if csrf:
        session["_csrf"] = csrf
    session.permanent = True
    session["uid"] = user.id
    session["pw"] = _password_stamp(user)
    # The server-side half: signing out, deactivation or a password reset
    # bumps the user's version, and every cookie carrying an older one stops
    # working (a signed cookie alone would stay valid until it expires).
    session["sv"] = user.session_version
    session["since"] = int(time.time())


def sign_out() -> None:
    user = signed_in_user()
    if user is not None:
        end_sessions(db_session(), user)
        db_session().commit()
    session.clear()


def signed_in_user() -> User | None:
    if "dash_user" in g:
        return g.dash_user
    user = None
    uid = session.get("uid")
    if uid is not None and time.time() - session.get("since", 0) < MAX_SESSION_SECONDS:
        found = db_session().get(User, uid)
        if found is not None and found.active and session.get("pw") == _password_stamp(found) \
                and session.get("sv") == found.session_version:
            user = found
    g.dash_user = user
    return user


def current_user() -> User:
    return g.dash_user


def login_required(role: str = "viewer") -> Callable:
    """``viewer``: any signed-in user; ``writer``: admins and recruiters;
    ``admin``: admins only."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = signed_in_user()
            if user is None:
                return redirect(url_for("dashboard.login", next=request.full_path))
            if role == "writer" and not user.can_write:
                raise Forbidden("your account has read-only (viewer) access")
            if role == "admin" and user.role != "admin":
                raise Forbidden("only admins can open this page")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def safe_next(target: str | None) -> str:
    """Only a path of this site, never another host (open redirect)."""
    # No control characters: CR/LF in a Location header is a 500 (or, through
    # a lax proxy, a forged header).
    if target and target.startswith("/dashboard") and not target.startswith("//") \
            and "\\" not in target and not any(ord(c) < 32 or ord(c) == 127 for c in target):
        return target.rstrip("?")
    return url_for("dashboard.candidates")
