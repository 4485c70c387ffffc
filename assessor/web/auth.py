"""Who is calling: recruiters by API token, applicants by invitation token.

Also the small request helpers every API view uses (JSON body, ints, dates).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timezone
from functools import wraps
from typing import Any, Callable

from flask import current_app, g, request

from ..db.models import User
from ..services import invitation_for_token, user_for_token
from ..services.errors import Forbidden, InputError, RateLimited, ServiceError
from ..services.filters import bounded_number
from .extensions import queue, session
from .jsonio import MAX_DEPTH

APPLICANT_HEADER = "X-Invitation-Token"
log = logging.getLogger(__name__)


def current_user() -> User:
    return g.user


def recruiter(write: bool = False) -> Callable:
    """Require an API token; ``write=True`` also refuses viewers."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            user = user_for_token(session(), token.strip() if scheme.lower() == "bearer" else None)
            if write and not user.can_write:
                raise Forbidden("this API token has read-only (viewer) access")
            g.user = user
            return view(*args, **kwargs)
        return wrapped
    return decorator


class RateLimiter:
    """Sliding-window limit per key, in process memory. Enough to stop a
    script hammering one invitation; a shared limit needs Redis."""

    def __init__(self) -> None:
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: float = 60.0) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                raise RateLimited("too many requests; slow down and retry in a minute")
            hits.append(now)
            if len(self._hits) > 100_000:
                self._hits.clear()


_limiter = RateLimiter()


def _shared_hit(conn, key: str, limit: int, window: int = 60) -> None:
    """A fixed-window counter in Redis, shared by every web process."""
    bucket = f"assessor:ratelimit:{key}:{int(time.time()) // window}"
    pipe = conn.pipeline()
    pipe.incr(bucket)
    pipe.expire(bucket, window * 2)
    count = pipe.execute()[0]
    if count > limit:
        raise RateLimited("too many requests; slow down and retry in a minute")


def shared_redis() -> tuple[Any, str, type]:
    """The service's Redis connection, a key prefix of its queue and Redis's
    error class; ``(None, "", Exception)`` in the embedded mode. Limits kept
    there are shared by every web process."""
    q = queue()
    conn = getattr(q, "redis", None)
    if conn is None:
        return None, "", Exception
    return conn, q.queue.name, q._redis_error


def rate_limit(key: str, limit: int) -> None:
    """Count a request against ``limit`` per minute: in Redis when the
    service has one (so N processes share one limit), else in this process."""
    conn, prefix, redis_error = shared_redis()
    if conn is not None:
        try:
            return _shared_hit(conn, f"{prefix}:{key}", limit)
        except redis_error as exc:
            # Redis down: keep limiting, per process, rather than not at all.
            log.warning("rate limit falls back to process memory: %s", exc)
    _limiter.hit(key, limit)


def applicant(view: Callable) -> Callable:
    """Resolve the invitation from the X-Invitation-Token header or ?token=."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        token = request.headers.get(APPLICANT_HEADER) or request.args.get("token")
        limit = current_app.config["ASSESSOR_CONFIG"].APPLICANT_RATE_LIMIT
        rate_limit(f"{request.remote_addr}:{(token or '')[:16]}", limit)
        g.invitation = invitation_for_token(session(), token)
        return view(*args, **kwargs)
    return wrapped


def json_body(required: bool = True) -> dict[str, Any]:
    if not request.data and not required:
        return {}
    if not request.is_json:
        raise ServiceError("send a JSON object with Content-Type: application/json",
                           "bad_request")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        # Also what StrictJSONProvider makes of lone surrogates and deep nesting.
        raise ServiceError("the body must be a JSON object of valid text, nested at most "
                           f"{MAX_DEPTH} levels", "bad_request")
    return data


def int_arg(name: str, default: int, low: int, high: int) -> int:
    value = bounded_number(request.args.get(name), name, low, high)
    return default if value is None else value


def parse_datetime(value: Any, name: str) -> datetime | None:
    """ISO 8601 date or datetime; naive values are taken as UTC."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InputError(f"{name} must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{name} must be an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z") \
            from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


MAX_INT = 2**31 - 1


def check_types(data: dict[str, Any], spec: dict[str, type | tuple]) -> None:
    """422 when a present field has the wrong JSON type (bool is not an int,
    null only where the spec lists ``None``, integers fit a database column)."""
    for key, kinds in spec.items():
        if key not in data:
            continue
        value = data[key]
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        if value is None:
            if None in kinds:
                continue
            raise InputError(f"{key} must not be null")
        kinds = tuple(k for k in kinds if k is not None)
        if isinstance(value, bool) and bool not in kinds:
            raise InputError(f"{key} has the wrong type")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            raise InputError(f"{key} is out of range")
        if not isinstance(value, kinds):
            names = "/".join(k.__name__.replace("str", "string").replace("int", "integer")
                             for k in kinds)
            raise InputError(f"{key} must be of type {names}")


def paged(query, serialise: Callable[[Any], dict]) -> dict[str, Any]:
    """One page of ``query`` (``page``, ``per_page`` from the query string)
    in the API's page envelope."""
    from sqlalchemy import func, select

    from .api.serializers import page

    page_no, per_page = int_arg("page", 1, 1, 100_000), int_arg("per_page", 50, 1, 200)
    total = session().scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session().scalars(query.offset((page_no - 1) * per_page).limit(per_page)).all()
    return page([serialise(r) for r in rows], total, page_no, per_page)
