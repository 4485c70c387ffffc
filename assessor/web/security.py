"""App-wide CSRF protection, security headers and a strict Content-Security-Policy.

The factory calls :func:`init_app` for the whole app. The JSON API under
``/api/`` is exempt from CSRF: it authenticates with tokens in headers, never
with cookies, so a forged cross-site request carries no credential.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, Response, request, session
from werkzeug.exceptions import BadRequest

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SESSION_KEY = "_csrf"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: No inline script, style or event handler; every asset from assessor itself.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'; form-action 'self'")

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Applicant links carry their credential in the path: never leak it.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class CSRFError(BadRequest):
    """The form's CSRF token is missing or does not match the session's."""

    description = ("This page was open too long or your browser lost its session. "
                   "Nothing was lost: reload the page and try again.")


def csrf_token() -> str:
    """The session's CSRF token, created on first use (a Jinja global too)."""
    token = session.get(_SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
        # A permanent session survives a browser restart, so a form restored
        # after a crash still carries a token the server accepts.
        session.permanent = True
    return token


def check_csrf() -> None:
    """Raise :class:`CSRFError` unless the request carries the session's token."""
    expected = session.get(_SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise CSRFError()


def _protect() -> None:
    if request.method not in _UNSAFE or request.path.startswith("/api/"):
        return
    if request.routing_exception is not None:
        # No view will run (404/405): answer that, not a CSRF failure.
        return
    if request.endpoint in _exempt_endpoints:
        return
    check_csrf()


_exempt_endpoints: set[str] = set()


def exempt(endpoint: str) -> None:
    """Exempt an endpoint (e.g. a receiver that is not a browser form)."""
    _exempt_endpoints.add(endpoint)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # A view that needs a different policy sets its own header first.
    response.headers.setdefault("Content-Security-Policy", CSP)
    if request.path.startswith("/take/") or request.path.startswith("/progress/"):
        # Pages behind an applicant's link must not sit in shared caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """CSRF on every unsafe HTML request, the security headers and the
    session cookie's flags, for the whole app (called by the factory)."""
    if app.extensions.get("assessor_security"):
        return
    app.extensions["assessor_security"] = True
    # Flask's defaults (None / False) are filled in; explicit settings win.
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # A debug run over plain HTTP keeps working.
    if not app.config.get("SESSION_COOKIE_SECURE") and not app.debug:
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    config = app.config.get("ASSESSOR_CONFIG")
    if config is not None and str(getattr(config, "PUBLIC_URL", "")).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["csrf_field"] = CSRF_FIELD
    app.before_request(_protect)
    app.after_request(_headers)
