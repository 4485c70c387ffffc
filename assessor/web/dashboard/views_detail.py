"""One candidate's attempt: answers with their errors highlighted, sub-scores,
vocabulary profile, integrity timeline, engine and model; the override with
its mandatory reason, notes and the candidate's status; the printable report."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...db.base import utcnow
from ...db.models import CANDIDATE_STATUSES, Attempt, Candidate, CandidateNote, Job, Review, User
from ...jobs import rows
from ...scoring.types import CEFR_LEVELS, OUTCOMES
from ...services import add_note, integrity, record_review, results, set_candidate_status
from ...services.results import percentiles
from ...services.decision_reasons import explain_many
from ...services.erasure import erase_candidate
from ...services.errors import InputError, ServiceError
from ..extensions import commit, session as db
from . import bp, charts, forms
from .access import current_user, login_required
from .highlight import numbered, pieces


def _attempt(attempt_id: int) -> Attempt:
    return results.attempt_of(db(), attempt_id, current_user().org_id)


def _answer_view(answer, jobs: dict[int, Job]) -> dict:
    score = answer.latest_score
    result = score.result if score is not None else {}
    issues = result.get("issues") or []
    details = result.get("details") or {}
    return {
        "answer": answer, "score": score, "result": result, "job": jobs.get(answer.id),
        "pieces": pieces(answer.text or "", issues) if answer.text else [],
        "issues": numbered(issues),
        "vocabulary": charts.vocabulary_chart(details.get("vocabulary") or {}),
        "vocab_details": details.get("vocabulary") or {},
        "timeline": integrity.timeline(answer.integrity_events or []),
        "integrity": integrity.summary(answer.integrity_events or []),
        "no_events_note": integrity.NO_EVENTS_NOTE
        if answer.submitted_at and not answer.integrity_events else None,
    }


def detail_context(attempt: Attempt) -> dict:
    jobs = rows.for_answers(db(), [a.id for a in attempt.answers])
    reviews = db().scalars(select(Review).where(Review.attempt_id == attempt.id)
                           .order_by(Review.id.desc())).all()
    notes = db().scalars(select(CandidateNote).where(
        CandidateNote.candidate_id == attempt.candidate_id).order_by(CandidateNote.id.desc())).all()
    people = {u.id: u.name or u.email for u in db().scalars(
        select(User).where(User.org_id == current_user().org_id))}
    others = db().scalars(select(Attempt).where(Attempt.candidate_id == attempt.candidate_id,
                                                Attempt.id != attempt.id)
                          .order_by(Attempt.id.desc())).all()
    return {"attempt": attempt, "candidate": attempt.candidate,
            "why": explain_many(db(), [attempt])[attempt.id],
            "percentile": percentiles(db(), [attempt]).get(attempt.id),
            "answers": [_answer_view(a, jobs) for a in attempt.answers],
            "reviews": reviews, "notes": notes, "people": people, "others": others,
            "levels": CEFR_LEVELS, "outcomes": OUTCOMES, "statuses": CANDIDATE_STATUSES}


@bp.get("/dashboard/attempts/<int:attempt_id>")
@login_required()
def attempt_detail(attempt_id: int):
    return render_template("dashboard/detail.html", **detail_context(_attempt(attempt_id)))


@bp.get("/dashboard/attempts/<int:attempt_id>/report")
@login_required()
def attempt_report(attempt_id: int):
    return render_template("dashboard/report.html", now=utcnow(),
                           **detail_context(_attempt(attempt_id)))


def _back(attempt: Attempt, anchor: str):
    return redirect(url_for("dashboard.attempt_detail", attempt_id=attempt.id) + anchor)


def _form_error(attempt: Attempt, message: str, status: int = 422):
    db().rollback()
    context = detail_context(_attempt(attempt.id))
    return render_template("dashboard/detail.html", error=message, form=request.form,
                           **context), status


@bp.post("/dashboard/attempts/<int:attempt_id>/review")
@login_required("writer")
def review(attempt_id: int):
    attempt = _attempt(attempt_id)
    try:
        data = {"cefr_override": forms.choice("cefr_override", CEFR_LEVELS, "level"),
                "decision_override": forms.choice("decision_override", OUTCOMES, "decision"),
                "reason": forms.text("reason", 2000), "note": forms.text("note", 10_000)}
        if not (data["cefr_override"] or data["decision_override"]):
            raise InputError("choose a new level or decision to override")
        record_review(db(), current_user(), attempt, data)
        commit()
    except (InputError, ServiceError) as exc:
        return _form_error(attempt, str(exc))
    flash("Override saved and recorded in the audit log.", "success")
    return _back(attempt, "#review")


@bp.post("/dashboard/attempts/<int:attempt_id>/note")
@login_required("writer")
def note(attempt_id: int):
    attempt = _attempt(attempt_id)
    try:
        add_note(db(), current_user(), attempt.candidate, forms.text("text", 10_000))
        commit()
    except (InputError, ServiceError) as exc:
        return _form_error(attempt, str(exc))
    flash("Note added.", "success")
    return _back(attempt, "#notes")


@bp.post("/dashboard/attempts/<int:attempt_id>/status")
@login_required("writer")
def status(attempt_id: int):
    attempt = _attempt(attempt_id)
    candidate: Candidate = attempt.candidate
    try:
        set_candidate_status(db(), current_user(), candidate,
                             forms.choice("status", CANDIDATE_STATUSES, "status", required=True))
        commit()
    except (InputError, ServiceError) as exc:
        return _form_error(attempt, str(exc))
    flash("Status saved.", "success")
    return _back(attempt, "#status")


@bp.post("/dashboard/attempts/<int:attempt_id>/erase")
@login_required("admin")
def erase(attempt_id: int):
    attempt = _attempt(attempt_id)
    if request.form.get("confirm") != "erase":
        return _form_error(attempt, "tick the box to confirm the erasure")
    counts = erase_candidate(db(), current_user(), attempt.candidate)
    commit()
    flash(f"The candidate's data was erased ({counts['attempts']} attempts, "
          f"{counts['answers']} answers); the audit log keeps a record without it.", "success")
    return redirect(url_for("dashboard.candidates"))
