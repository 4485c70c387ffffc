"""What every applicant page shares: resolving the link, sending the
applicant to the page their attempt is at, and HTML error pages."""
from __future__ import annotations

from datetime import datetime

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import DBAPIError, OperationalError

from ...errors import AssessorError
from ...services.applicant import Link, open_link
from ...services.attempts import has_consented
from ...services.errors import http_status
from ..auth import rate_limit
from ..errors import error_response
from ..extensions import session
from ..security import CSRFError
from . import bp

#: Pages for links that cannot be used, with the HTTP status they answer.
DEAD_STATES = {"unknown": 404, "revoked": 410, "expired": 410, "closed": 410, "not_open": 403,
               "expired_attempt": 410}


def wants_json() -> bool:
    return request.is_json or request.path.endswith((".json", "/draft", "/status", "/csrf"))


def load(token: str) -> Link:
    config = current_app.config["ASSESSOR_CONFIG"]
    rate_limit(f"page:{request.remote_addr}:{token[:16]}", config.APPLICANT_RATE_LIMIT)
    return open_link(session(), token)


def next_page(link: Link, token: str):
    """The page the applicant belongs on now, as a response."""
    state = link.state
    if state in DEAD_STATES:
        return dead_link(link)
    if state == "welcome":
        endpoint = "instructions" if has_consented(session(), link.invitation) else "welcome"
        return redirect(url_for(f"applicant.{endpoint}", token=token))
    if state == "in_progress":
        return redirect(url_for("applicant.resume", token=token))
    return redirect(url_for("applicant.done", token=token))


def dead_link(link: Link):
    assessment = link.invitation.assessment if link.invitation else None
    org = employer(link)
    return render_template("applicant/dead_link.html", state=link.state, employer=org,
                           assessment=assessment, attempt=link.attempt,
                           invitation=link.invitation), DEAD_STATES[link.state]


def employer(link: Link) -> str | None:
    if link.invitation is None:
        return None
    from ...db.models import Organisation

    org = session().get(Organisation, link.invitation.assessment.org_id)
    return org.name if org else None


def when(value: datetime | None) -> str:
    """A date and time everyone reads the same way (UTC, spelled out)."""
    if value is None:
        return ""
    return value.strftime("%-d %B %Y, %H:%M UTC")


def day(value: datetime | None) -> str:
    return value.strftime("%-d %B %Y") if value else ""


@bp.app_template_filter("when")
def _when_filter(value):
    return when(value)


@bp.app_template_filter("day")
def _day_filter(value):
    return day(value)


def problem(message: str, status: int, title: str = "Something went wrong"):
    return render_template("applicant/problem.html", title=title, message=message), status


@bp.errorhandler(AssessorError)
def _service_error(exc: AssessorError):
    status = http_status(exc)
    if status >= 500:
        current_app.logger.exception("applicant page error")
        message = "Something went wrong on our side. Your saved text is safe; please try again."
    else:
        message = str(exc)
    if wants_json():
        return error_response(status, exc.code, message)
    return problem(message, status)


@bp.errorhandler(OperationalError)
@bp.errorhandler(DBAPIError)
def _database_down(exc):
    current_app.logger.error("database error on %s %s: %s", request.method, request.path, exc)
    message = ("We could not reach our database just now, so this step was not saved. "
               "Go back, wait a moment and try again: the text in your browser is still there.")
    if wants_json():
        return error_response(503, "database_unavailable", message)
    return problem(message, 503, "Not saved yet")


@bp.errorhandler(CSRFError)
def _csrf(exc: CSRFError):
    if wants_json():
        return error_response(400, "csrf", exc.description)
    if request.endpoint == "applicant.task_post":
        # Never lose a word: show the task again with what was typed.
        from .views import render_task

        return render_task(request.view_args["token"], request.view_args["n"],
                           text=request.form.get("text"), message=exc.description, status=400)
    return problem(exc.description, 400, "Please try again")

