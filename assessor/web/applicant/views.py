"""Welcome, instructions, the tasks one at a time, autosave and review & submit."""
from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for

from ...db.base import utcnow
from ...scoring.text import word_count
from ...services.applicant import resume_position, review_checks, suggested_minutes, total_minutes
from ...services.attempts import (GRACE, close_if_time_up, finish, has_consented, record_consent,
                                  save_draft, start_attempt)
from ...services.errors import Conflict
from ..api.serializers import iso
from ..extensions import commit, session
from ..security import csrf_token
from . import bp
from .common import employer, load, next_page

AUTOSAVE_SECONDS = 5


@bp.get("/take/<token>")
def welcome(token: str):
    link = load(token)
    if link.state != "welcome" or has_consented(session(), link.invitation):
        return next_page(link, token)
    assessment = link.invitation.assessment
    return render_template("applicant/welcome.html", token=token, employer=employer(link),
                           assessment=assessment, candidate=link.invitation.candidate,
                           minutes=total_minutes(assessment), expires=link.invitation.expires_at)


@bp.post("/take/<token>/consent")
def consent(token: str):
    link = load(token)
    if link.state != "welcome":
        return next_page(link, token)
    if request.form.get("consent") != "yes":
        assessment = link.invitation.assessment
        return render_template("applicant/welcome.html", token=token, employer=employer(link),
                               assessment=assessment, candidate=link.invitation.candidate,
                               minutes=total_minutes(assessment),
                               expires=link.invitation.expires_at,
                               error="Please tick the box to agree before you continue."), 422
    record_consent(session(), link.invitation)
    commit()
    return redirect(url_for("applicant.instructions", token=token))


@bp.get("/take/<token>/instructions")
def instructions(token: str):
    link = load(token)
    if link.state != "welcome":
        return next_page(link, token)
    assessment = link.invitation.assessment
    return render_template("applicant/instructions.html", token=token, employer=employer(link),
                           assessment=assessment, minutes=total_minutes(assessment))


@bp.post("/take/<token>/start")
def start(token: str):
    link = load(token)
    if link.state != "welcome":
        return next_page(link, token)
    start_attempt(session(), link.invitation)
    commit()
    return redirect(url_for("applicant.task", token=token, n=1))


@bp.get("/take/<token>/resume")
def resume(token: str):
    link = load(token)
    if link.state != "in_progress":
        return next_page(link, token)
    ids = [i.task_id for i in link.attempt.assessment.items]
    return redirect(url_for("applicant.task", token=token,
                            n=resume_position(link.attempt, ids) + 1))


@bp.get("/take/<token>/task/<int:n>")
def task(token: str, n: int):
    return render_task(token, n)


def render_task(token: str, n: int, text: str | None = None, message: str | None = None,
                status: int = 200):
    link = load(token)
    if link.state != "in_progress":
        return next_page(link, token)
    attempt = link.attempt
    items = attempt.assessment.items
    if not 1 <= n <= len(items):
        abort(404)
    item = items[n - 1]
    answer = next(a for a in attempt.answers if a.task_id == item.task_id)
    text = answer.draft_text or "" if text is None else text
    low, high = item.word_limits
    return render_template(
        "applicant/task.html", token=token, employer=employer(link), attempt=attempt,
        assessment=attempt.assessment, item=item, n=n, total=len(items), text=text,
        words=word_count(text), low=low, high=high, saved_at=answer.saved_at, message=message,
        now=utcnow(), deadline=attempt.deadline, iso=iso, grace=int(GRACE.total_seconds()),
        autosave=AUTOSAVE_SECONDS, suggested=suggested_minutes(
            item.task.time_limit_minutes, attempt.assessment.time_limit_minutes)), status


@bp.post("/take/<token>/task/<int:n>")
def task_post(token: str, n: int):
    """The no-JavaScript path: every button saves the draft, then moves."""
    link = load(token)
    if link.state not in ("in_progress", "time_up"):
        return next_page(link, token)
    items = link.attempt.assessment.items
    if not 1 <= n <= len(items):
        abort(404)
    try:
        save_draft(session(), link.attempt, items[n - 1].task_id, request.form.get("text", ""))
    except Conflict as exc:
        if exc.code != "time_over":
            raise
    commit(close_if_time_up(session(), link.attempt))
    if link.attempt.status != "started":
        return redirect(url_for("applicant.done", token=token))
    action = request.form.get("action", "save")
    target = {"next": n + 1, "back": n - 1}.get(action, n)
    if action.startswith("goto-") and action[5:].isdigit():  # a step pill
        target = min(int(action[5:]), len(items))
    if action == "review" or target > len(items):
        return redirect(url_for("applicant.review", token=token))
    return redirect(url_for("applicant.task", token=token, n=max(target, 1), saved=1))


@bp.post("/take/<token>/draft")
def draft(token: str):
    """Autosave from the page's script: ``{task_id, text, events}`` as JSON."""
    link = load(token)
    if link.state not in ("in_progress", "time_up"):
        return jsonify({"error": {"code": f"attempt_{link.state}", "message": "not open",
                                  "next": url_for("applicant.welcome", token=token)}}), 409
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return jsonify({"error": {"code": "bad_request", "message": "send {task_id, text}"}}), 400
    try:
        answer = save_draft(session(), link.attempt, data.get("task_id"), data["text"],
                            data.get("events"))
    except Conflict as exc:
        session().rollback()
        commit(close_if_time_up(session(), link.attempt))
        return jsonify({"error": {"code": exc.code, "message": str(exc),
                                  "next": url_for("applicant.done", token=token)}}), 409
    commit()
    return jsonify({"saved_at": iso(answer.saved_at), "server_now": iso(utcnow()),
                    "deadline": iso(link.attempt.deadline), "words": word_count(data["text"])})


@bp.get("/take/<token>/csrf")
def fresh_csrf(token: str):
    """A fresh CSRF token for the autosave script after the session cookie was lost."""
    load(token)
    return jsonify({"csrf_token": csrf_token()})


@bp.get("/take/<token>/review")
def review(token: str):
    link = load(token)
    if link.state != "in_progress":
        return next_page(link, token)
    return _render_review(token, link)


def _render_review(token, link, error: str | None = None, status: int = 200):
    attempt = link.attempt
    answers = {a.task_id: a for a in attempt.answers}
    rows = [(n, item, answers[item.task_id], check) for n, (item, check)
            in enumerate(zip(attempt.assessment.items, review_checks(attempt)), start=1)]
    return render_template("applicant/review.html", token=token, employer=employer(link),
                           attempt=attempt, rows=rows, error=error, now=utcnow(), iso=iso,
                           deadline=attempt.deadline), status


@bp.post("/take/<token>/submit")
def submit(token: str):
    link = load(token)
    if link.state not in ("in_progress", "time_up"):
        return next_page(link, token)
    if request.form.get("confirm") != "yes":
        return _render_review(token, link, "Please tick the box to confirm you are finished.", 422)
    try:
        work = finish(session(), link.attempt)
    except Conflict as exc:
        if exc.code != "too_long":
            raise
        session().rollback()
        return _render_review(token, link, str(exc), 422)
    commit(work)
    return redirect(url_for("applicant.done", token=token))
