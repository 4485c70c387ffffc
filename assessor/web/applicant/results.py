"""After submitting: confirmation, the waiting state, feedback and progress."""
from __future__ import annotations

import hmac

from flask import current_app, jsonify, render_template, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from ...db import models as m
from ...db.base import utcnow
from ...jobs import rows
from ...services.applicant import Link, progress, retake_info
from ...services.attempts import close_if_time_up
from ..api.serializers import iso
from ..extensions import commit, session
from . import bp
from .charts import progress_chart
from .common import dead_link, employer, load, next_page
from .feedback import build_feedback, descriptors

#: How often the waiting page reloads itself when JavaScript is off.
REFRESH_SECONDS = 10
_SHARE_SALT = "assessor-progress"


@bp.get("/take/<token>/done")
def done(token: str):
    link = load(token)
    if link.state == "time_up":
        commit(close_if_time_up(session(), link.attempt))
        link = load(token)
    if link.state in ("welcome", "in_progress"):
        return next_page(link, token)
    if link.state not in ("submitted", "scored"):
        return dead_link(link)
    attempt = link.attempt
    return render_template("applicant/done.html", token=token, employer=employer(link),
                           attempt=attempt, assessment=attempt.assessment,
                           timed_out="auto_submitted" in (attempt.flags or []),
                           written=sum(1 for a in attempt.answers if a.submitted_at))


def _scoring_failed(attempt: m.Attempt) -> bool:
    if "scoring_failed" in (attempt.flags or []):
        return True
    return rows.any_failed(session(), [a.id for a in attempt.answers])


@bp.get("/take/<token>/status")
def status(token: str):
    """Polled by the waiting page."""
    link = load(token)
    attempt = link.attempt
    if attempt is None:
        return jsonify({"state": link.state, "scored": False})
    answers = [a for a in attempt.answers if a.submitted_at]
    return jsonify({"state": link.state, "scored": attempt.status == "scored",
                    "scored_answers": sum(1 for a in answers if a.latest_score is not None),
                    "submitted_answers": len(answers), "deadline": iso(attempt.deadline),
                    "server_now": iso(utcnow()), "scoring_failed": _scoring_failed(attempt)})


@bp.get("/take/<token>/feedback")
def feedback(token: str):
    link = load(token)
    if link.state in ("welcome", "in_progress", "time_up"):
        return next_page(link, token)
    if link.state not in ("submitted", "scored"):
        return dead_link(link)
    attempt = link.attempt
    common = dict(token=token, employer=employer(link), attempt=attempt,
                  assessment=attempt.assessment)
    if not attempt.assessment.show_feedback:
        return render_template("applicant/no_feedback.html", **common)
    if link.state == "submitted":
        answers = [a for a in attempt.answers if a.submitted_at]
        return render_template("applicant/waiting.html", refresh=REFRESH_SECONDS,
                               failed=_scoring_failed(attempt),
                               scored=sum(1 for a in answers if a.latest_score is not None),
                               submitted=len(answers), **common)
    view = build_feedback(attempt, descriptors(), retake_info(session(), attempt))
    return render_template("applicant/feedback.html", fb=view, **common)


def share_key(invitation: m.Invitation) -> str:
    """A read-only key to the progress page, for a training centre: it shows
    progress but, unlike the invitation token, cannot open the test. It names
    the invitation by id and a part of its token's hash (random, and useless
    for opening the test), so it can never lead to another invitation that
    got the same id."""
    return URLSafeSerializer(current_app.secret_key, salt=_SHARE_SALT).dumps(
        [invitation.id, invitation.token_hash[:16]])


def _shared_invitation(key: str) -> m.Invitation | None:
    try:
        payload = URLSafeSerializer(current_app.secret_key, salt=_SHARE_SALT).loads(key)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    invitation = session().get(m.Invitation, payload[0])
    if invitation is None or invitation.revoked_at is not None \
            or not hmac.compare_digest(invitation.token_hash[:16], str(payload[1])):
        return None
    return invitation


def _progress_page(invitation: m.Invitation, link: Link, share_url: str | None):
    rows = progress(session(), invitation)
    return render_template("applicant/progress.html", employer=employer(link),
                           candidate=invitation.candidate, rows=rows, share_url=share_url,
                           chart=progress_chart(rows), levels=descriptors()["levels"])


def _progress_json(invitation: m.Invitation):
    rows = progress(session(), invitation)
    return jsonify({"candidate": invitation.candidate.name,
                    "attempts": [{**r, "date": iso(r["date"])} for r in rows]})


@bp.get("/progress/<token>")
def progress_page(token: str):
    link = load(token)
    if link.invitation is None or link.state in ("unknown", "revoked"):
        return dead_link(link)
    share = url_for("applicant.shared_progress", key=share_key(link.invitation), _external=True)
    return _progress_page(link.invitation, link, share)


@bp.get("/progress/<token>.json")
def progress_json(token: str):
    link = load(token)
    if link.invitation is None or link.state in ("unknown", "revoked"):
        return jsonify({"error": {"code": "invalid_invitation",
                                  "message": "this link is not valid"}}), 404
    return _progress_json(link.invitation)


@bp.get("/progress/shared/<key>")
def shared_progress(key: str):
    invitation = _shared_invitation(key)
    if invitation is None:
        return dead_link(Link("unknown"))
    return _progress_page(invitation, Link("shared", invitation), None)


@bp.get("/progress/shared/<key>.json")
def shared_progress_json(key: str):
    invitation = _shared_invitation(key)
    if invitation is None:
        return jsonify({"error": {"code": "invalid_link", "message": "this link is not valid"}}), 404
    return _progress_json(invitation)
