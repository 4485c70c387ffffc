"""Assessments: list, create from the task bank and a role profile, edit,
open and close, and preview as an applicant sees it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from ...db.models import Assessment, Attempt, Invitation, RoleProfileRow
from ...scoring.types import CEFR_LEVELS
from ...services import create_assessment, owned, update_assessment
from ...services.assessments import attempts_started, open_now, set_open
from ...services.errors import InputError, ServiceError
from ..extensions import commit, session as db
from . import bp, forms
from .access import current_user, login_required
from .views_setup import KIND_LABELS, org_clients, org_profiles, org_tasks


def _assessment(assessment_id: int) -> Assessment:
    return owned(db(), Assessment, assessment_id, current_user().org_id)


@bp.get("/dashboard/assessments")
@login_required()
def assessments():
    org_id = current_user().org_id
    show_archived = request.args.get("archived") == "1"
    query = select(Assessment).where(Assessment.org_id == org_id)
    if not show_archived:
        query = query.where(Assessment.archived.is_(False))
    rows = db().scalars(query.order_by(Assessment.id.desc())).all()
    invited = dict(db().execute(select(Invitation.assessment_id, func.count(Invitation.id))
                                .join(Assessment).where(Assessment.org_id == org_id)
                                .group_by(Invitation.assessment_id)).all())
    started = dict(db().execute(select(Attempt.assessment_id, func.count(Attempt.id))
                                .join(Assessment).where(Assessment.org_id == org_id)
                                .group_by(Attempt.assessment_id)).all())
    clients = {c.id: c.name for c in org_clients()}
    return render_template("dashboard/assessments.html", assessments=rows, invited=invited,
                           started=started, clients=clients, is_open=open_now,
                           show_archived=show_archived)


def _form_page(assessment: Assessment | None, form: dict, error: str | None = None,
               status: int = 200):
    locked = assessment is not None and attempts_started(db(), assessment) > 0
    return render_template("dashboard/assessment_form.html", assessment=assessment, form=form,
                           error=error, locked=locked, tasks=org_tasks(), kinds=KIND_LABELS,
                           profiles=org_profiles(), clients=org_clients(),
                           levels=CEFR_LEVELS), status


def _selected_tasks() -> list[dict]:
    chosen = []
    for raw in request.form.getlist("task"):
        try:
            task_id = int(raw)
        except ValueError:
            raise InputError("unknown task") from None
        order = forms.opt_int(f"order_{task_id}", 1, 100, "Order") or 100
        spec = {"task_id": task_id,
                "min_words": forms.opt_int(f"min_{task_id}", 0, 5000, "Minimum words"),
                "max_words": forms.opt_int(f"max_{task_id}", 1, 5000, "Maximum words")}
        chosen.append((order, len(chosen), spec))
    if not chosen:
        raise InputError("choose at least one task from the task bank")
    return [spec for _, _, spec in sorted(chosen, key=lambda c: c[:2])]


def _assessment_input(locked: bool) -> dict:
    data = {
        "title": forms.text("title", 200, required=True, label="Title"),
        "description": forms.text("description", 5000),
        "time_limit_minutes": forms.opt_int("time_limit_minutes", 1, 1440, "Time limit"),
        "opens_at": forms.opt_datetime("opens_at", "Opens"),
        "closes_at": forms.opt_datetime("closes_at", "Closes"),
        "max_attempts": forms.opt_int("max_attempts", 1, 100, "Attempts allowed") or 1,
        "cooldown_days": forms.opt_int("cooldown_days", 0, 3650, "Days between attempts") or 0,
        "show_feedback": forms.checkbox("show_feedback"),
        "allow_paste": forms.checkbox("allow_paste"),
        "client_account_id": forms.opt_int("client_account_id", 1, 2**31 - 1, "Client account"),
    }
    if locked:
        return data
    profile_id = forms.opt_int("role_profile_id", 1, 2**31 - 1, "Role profile")
    if profile_id is None:
        raise InputError("choose a role profile")
    data["role_profile_id"] = profile_id
    data["thresholds"] = {f"min_{t}": v for t in ("overall", "grammar", "vocabulary")
                          if (v := forms.choice(f"min_{t}", CEFR_LEVELS, f"minimum {t}"))}
    data["tasks"] = _selected_tasks()
    return data


@bp.route("/dashboard/assessments/new", methods=["GET", "POST"])
@login_required("writer")
def new_assessment():
    if request.method == "GET":
        return _form_page(None, {"max_attempts": 1, "cooldown_days": 0})
    try:
        assessment = create_assessment(db(), current_user(), _assessment_input(False))
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        return _form_page(None, _echo(), str(exc), 422)
    flash(f"Assessment “{assessment.title}” created. Invite candidates below.", "success")
    return redirect(url_for("dashboard.invitations", assessment_id=assessment.id))


def _echo() -> dict:
    form = request.form.to_dict()
    form["task"] = request.form.getlist("task")
    return form


def _current_form(a: Assessment) -> dict:
    form = {k: getattr(a, k) for k in ("title", "description", "time_limit_minutes", "opens_at",
                                       "closes_at", "max_attempts", "cooldown_days",
                                       "show_feedback", "allow_paste", "client_account_id",
                                       "role_profile_id")}
    form.update({k: a.profile.get(k) for k in ("min_overall", "min_grammar", "min_vocabulary")})
    form["task"] = [str(i.task_id) for i in a.items]
    for position, item in enumerate(a.items, start=1):
        form[f"order_{item.task_id}"] = position
        form[f"min_{item.task_id}"] = item.min_words or ""
        form[f"max_{item.task_id}"] = item.max_words or ""
    return form


@bp.route("/dashboard/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@login_required("writer")
def edit_assessment(assessment_id: int):
    assessment = _assessment(assessment_id)
    if request.method == "GET":
        return _form_page(assessment, _current_form(assessment))
    locked = attempts_started(db(), assessment) > 0
    try:
        data = _assessment_input(locked)
        update_assessment(db(), current_user(), assessment, data)
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        return _form_page(assessment, _echo(), str(exc), 422)
    flash("Assessment saved.", "success")
    return redirect(url_for("dashboard.assessments"))


@bp.post("/dashboard/assessments/<int:assessment_id>/state")
@login_required("writer")
def assessment_state(assessment_id: int):
    assessment = _assessment(assessment_id)
    action = request.form.get("action")
    if action not in ("open", "close"):
        raise InputError("action must be open or close")
    set_open(db(), current_user(), assessment, action == "open")
    commit()
    flash(f"“{assessment.title}” is now {'open' if action == 'open' else 'closed'}.", "success")
    return redirect(url_for("dashboard.assessments"))


@bp.get("/dashboard/assessments/<int:assessment_id>/preview")
@login_required()
def preview(assessment_id: int):
    assessment = _assessment(assessment_id)
    profile = db().get(RoleProfileRow, assessment.role_profile_id) \
        if assessment.role_profile_id else None
    return render_template("dashboard/preview.html", assessment=assessment, kinds=KIND_LABELS,
                           profile=profile)
