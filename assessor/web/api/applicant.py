"""Applicant API: the invitation token (header X-Invitation-Token or
``?token=``) is the credential; it reaches one attempt only."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from ...db import models as m
from ...jobs import rows
from ...services import (attempt_for, attempt_or_none, attempts, check_feedback_allowed,
                         save_draft, start_attempt, submit_answer)
from ...services.attempts import GRACE
from ...services.errors import InputError
from ..auth import applicant, check_types, json_body
from ..extensions import commit, session
from . import serializers as ser

bp = Blueprint("api_applicant", __name__, url_prefix="/api/v1/applicant")


def _max_chars() -> int:
    # The scorer's own limit (ASSESSOR_MAX_ANSWER_CHARS): refused here, not
    # accepted and then never scored.
    return current_app.config["ASSESSOR_CONFIG"].MAX_ANSWER_CHARS


def _task_view(item: m.AssessmentTask, answer: m.Answer | None, started: bool) -> dict:
    low, high = item.word_limits
    # The prompt only once the clock runs: read before starting, a timed
    # task's time limit would mean nothing.
    return {"task_id": item.task_id, "position": item.position, "kind": item.task.kind,
            "title": item.task.title, "prompt": item.task.prompt if started else None,
            "min_words": low,
            "max_words": high, "time_limit_minutes": item.task.time_limit_minutes,
            "draft_text": answer.draft_text if answer else None,
            "saved_at": ser.iso(answer.saved_at) if answer else None,
            "submitted": bool(answer and answer.submitted_at)}


def _attempt_view(attempt: m.Attempt | None) -> dict | None:
    if attempt is None:
        return None
    return {"id": attempt.id, "status": attempt.status, "started_at": ser.iso(attempt.started_at),
            "deadline": ser.iso(attempt.deadline), "submitted_at": ser.iso(attempt.submitted_at)}


@bp.get("")
@applicant
def overview():
    """The assessment, its tasks and the attempt (if started)."""
    invitation = g.invitation
    assessment = invitation.assessment
    attempt = attempt_or_none(session(), invitation)
    answers = {a.task_id: a for a in attempt.answers} if attempt else {}
    return jsonify({
        "assessment": {"title": assessment.title, "description": assessment.description,
                       "time_limit_minutes": assessment.time_limit_minutes,
                       "opens_at": ser.iso(assessment.opens_at),
                       "closes_at": ser.iso(assessment.closes_at),
                       "allow_paste": assessment.allow_paste,
                       "show_feedback": assessment.show_feedback},
        "candidate": {"name": invitation.candidate.name, "email": invitation.candidate.email},
        "expires_at": ser.iso(invitation.expires_at),
        "attempt": _attempt_view(attempt),
        "max_answer_chars": _max_chars(),
        "tasks": [_task_view(i, answers.get(i.task_id), attempt is not None)
                  for i in assessment.items],
    })


@bp.post("/attempt")
@applicant
def start():
    """Start the attempt. The applicant must have accepted the privacy notice:
    the client shows it and sends ``{"consent": true}`` (kept in the audit
    log, as on the applicant's pages)."""
    data = json_body(required=False)
    check_types(data, {"consent": bool})
    attempt, created = start_attempt(session(), g.invitation,
                                     consent=data.get("consent") is True)
    commit()
    return jsonify(_attempt_view(attempt)), 201 if created else 200


@bp.put("/answers/<int:task_id>/draft")
@applicant
def draft(task_id: int):
    data = json_body()
    check_types(data, {"text": str, "events": list})
    if "text" not in data:
        raise InputError("text is required")
    attempt = attempt_for(session(), g.invitation)
    answer = save_draft(session(), attempt, task_id, data["text"], data.get("events"),
                        max_chars=_max_chars())
    commit()
    return jsonify({"task_id": task_id, "saved_at": ser.iso(answer.saved_at),
                    "deadline": ser.iso(attempt.deadline)})


@bp.post("/answers/<int:task_id>/submit")
@applicant
def submit(task_id: int):
    data = json_body()
    check_types(data, {"text": str, "events": list})
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 200:
        raise InputError("Idempotency-Key must have 1 to 200 characters")
    attempt = attempt_for(session(), g.invitation)
    answer, created, work = submit_answer(session(), attempt, task_id, data.get("text"), key,
                                          data.get("events"), max_chars=_max_chars())
    commit(work)
    body = {"answer_id": answer.id, "task_id": task_id, "submitted_at": ser.iso(answer.submitted_at),
            "word_count": answer.word_count, "attempt_status": attempt.status,
            "replayed": not created}
    response = jsonify(body)
    response.status_code = 202 if created else 200
    return response


@bp.post("/attempt/finish")
@applicant
def finish():
    attempt = attempt_for(session(), g.invitation)
    commit(attempts.finish(session(), attempt))
    return jsonify(_attempt_view(attempt))


@bp.get("/status")
@applicant
def status():
    attempt = attempt_for(session(), g.invitation)
    jobs = rows.for_answers(session(), [a.id for a in attempt.answers])
    return jsonify({**_attempt_view(attempt), "grace_seconds": int(GRACE.total_seconds()),
                    "answers": [ser.answer(a, jobs.get(a.id), full=False)
                                for a in attempt.answers]})


def _feedback_issue(issue: dict) -> dict:
    keys = ("offset", "length", "category", "message", "suggestions")
    return {k: issue.get(k) for k in keys}


@bp.get("/feedback")
@applicant
def feedback():
    attempt = attempt_for(session(), g.invitation)
    check_feedback_allowed(attempt)
    answers = []
    for a in attempt.answers:
        result = a.latest_score.result if a.latest_score else None
        answers.append({
            "task_id": a.task_id, "text": a.text,
            "cefr": result.get("cefr") if result else None,
            "grammar": (result or {}).get("grammar"), "vocabulary": (result or {}).get("vocabulary"),
            "issues": [_feedback_issue(i) for i in (result or {}).get("issues", [])],
            "warnings": (result or {}).get("warnings", []),
        })
    # The hiring decision stays with the recruiter; applicants see levels and errors.
    return jsonify({"attempt_id": attempt.id, "cefr": attempt.final_cefr, "answers": answers})
