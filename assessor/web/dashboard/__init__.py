"""The recruiter dashboard: server-rendered pages at ``/dashboard`` and the
sign-in page at ``/login``.

Signed-in state is Flask's signed session cookie (HttpOnly, SameSite=Lax,
Secure unless the app runs in debug mode); CSRF checks, security headers and
the Content-Security-Policy come from :mod:`assessor.web.security`, applied
app-wide. Every query is scoped to the signed-in user's organisation.
"""
from __future__ import annotations

import logging

from flask import Blueprint, render_template

from ...errors import AssessorError
from ...services.errors import http_status

log = logging.getLogger(__name__)

bp = Blueprint("dashboard", __name__, template_folder="templates", static_folder="static",
               static_url_path="/dashboard/static")


@bp.errorhandler(AssessorError)
def _service_error(exc: AssessorError):
    status = http_status(exc)
    message = str(exc)
    if status >= 500:
        log.exception("dashboard error")
        message = "Something went wrong on our side; nothing was changed. Please try again."
    return render_template("dashboard/error.html", status=status, message=message), status


# Routes register themselves on ``bp`` when imported.
from . import (filters, views_assessments, views_auth, views_candidates, views_detail,  # noqa: E402,F401
               views_invitations, views_outbox, views_setup)
