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
from ...services.errors import Forbidden, RateLimited
from ..auth import shared_redis
from ..extensions import session as db_session

log = logging.getLogger(__name__)

#: A signed-in session lasts at most this long, whatever the cookie says.
MAX_SESSION_SECONDS = 12 * 3600
#: Failed sign-ins allowed per window: per account (stops guessing one
#: password from many addresses) and per client address (stops spraying one
#: password over many accounts).
ACCOUNT_LIMIT = 5
IP_LIMIT = 20
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
            for key in keys:
                self._fails[key].append(now)

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


def limit_keys(email: str) -> dict[str, int]:
    limits = current_app.config.get("DASHBOARD_SIGNIN_LIMITS", (ACCOUNT_LIMIT, IP_LIMIT))
    return {f"account:{email.strip().lower()}": limits[0],
            f"ip:{request.remote_addr}": limits[1]}


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
    session["since"] = int(time.time())


def sign_out() -> None:
    session.clear()


def signed_in_user() -> User | None:
    if "dash_user" in g:
        return g.dash_user
    user = None
    uid = session.get("uid")
    if uid is not None and time.time() - session.get("since", 0) < MAX_SESSION_SECONDS:
        found = db_session().get(User, uid)
        if found is not None and found.active and session.get("pw") == _password_stamp(found):
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
    if target and target.startswith("/dashboard") and not target.startswith("//") \
            and "\\" not in target:
        return target.rstrip("?")
    return url_for("dashboard.candidates")
