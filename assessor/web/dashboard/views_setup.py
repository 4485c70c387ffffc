"""Set-up pages: the task bank, client accounts and role profiles (the
thresholds, which an organisation may set per client account)."""
from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...db.models import TASK_KINDS, ClientAccount, RoleProfileRow, Task
from ...scoring.types import CEFR_LEVELS
from ...services import create_task, owned, save_role_profile
from ...services.accounts import create_client_account
from ...services.errors import InputError, ServiceError
from ..extensions import commit, session as db
from . import bp, forms
from .access import current_user, login_required

KIND_LABELS = {"email_reply": "Email reply", "chat_reply": "Chat reply", "essay": "Short essay"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")


def org_clients() -> list[ClientAccount]:
    return db().scalars(select(ClientAccount).where(
        ClientAccount.org_id == current_user().org_id).order_by(ClientAccount.name)).all()


def org_profiles() -> list[RoleProfileRow]:
    return db().scalars(select(RoleProfileRow).where(
        RoleProfileRow.org_id == current_user().org_id).order_by(RoleProfileRow.id)).all()


def org_tasks(include_archived: bool = False) -> list[Task]:
    query = select(Task).where(Task.org_id == current_user().org_id)
    if not include_archived:
        query = query.where(Task.archived.is_(False))
    return db().scalars(query.order_by(Task.id)).all()


@bp.get("/dashboard/tasks")
@login_required()
def tasks():
    return render_template("dashboard/tasks.html", tasks=org_tasks(), kinds=KIND_LABELS)


@bp.post("/dashboard/tasks")
@login_required("writer")
def new_task():
    try:
        data = {"kind": forms.choice("kind", TASK_KINDS, "task type", required=True),
                "title": forms.text("title", 200, required=True, label="Title"),
                "prompt": forms.text("prompt", 5000, required=True, label="Prompt"),
                "min_words": forms.opt_int("min_words", 0, 5000, "Minimum words") or 0,
                "max_words": forms.opt_int("max_words", 1, 5000, "Maximum words") or 250,
                "time_limit_minutes": forms.opt_int("time_limit_minutes", 1, 1440,
                                                    "Time limit")}
        create_task(db(), current_user(), data)
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        return render_template("dashboard/tasks.html", tasks=org_tasks(), kinds=KIND_LABELS,
                               error=str(exc), form=request.form), 422
    flash(f"Task “{data['title']}” added to the task bank.", "success")
    return redirect(url_for("dashboard.tasks"))


@bp.get("/dashboard/profiles")
@login_required()
def profiles():
    edit = request.args.get("edit", type=int)
    row = owned(db(), RoleProfileRow, edit, current_user().org_id) if edit else None
    return _profiles_page(row.thresholds | {"client_account_id": row.client_account_id}
                          if row else {})


def _profiles_page(form: dict, error: str | None = None, status: int = 200):
    clients = {c.id: c.name for c in org_clients()}
    return render_template("dashboard/profiles.html", profiles=org_profiles(), clients=clients,
                           levels=CEFR_LEVELS, form=form, error=error), status


def _profile_input() -> dict:
    name = forms.text("name", 100, required=True, label="Name").lower()
    if not _NAME.match(name):
        raise InputError("Name must be lower-case letters, digits, - or _ (e.g. voice-acme)")
    data = {"name": name, "label": forms.text("label", 200, required=True, label="Label"),
            "description": forms.text("description", 1000)}
    for trait in ("overall", "grammar", "vocabulary"):
        data[f"min_{trait}"] = forms.choice(f"min_{trait}", CEFR_LEVELS, f"minimum {trait}",
                                            required=True)
    data["trainable_margin"] = forms.opt_float("trainable_margin", 0, 2, "Trainable margin")
    data["pass_margin"] = forms.opt_float("pass_margin", 0, 1, "Pass margin")
    if data["pass_margin"] is None:
        data["pass_margin"] = 0.25
    data["max_grammar_errors_per_100"] = forms.opt_float(
        "max_grammar_errors_per_100", 0, 100, "Grammar errors per 100 words")
    data["max_spelling_errors_per_100"] = forms.opt_float(
        "max_spelling_errors_per_100", 0, 100, "Spelling errors per 100 words")
    if data["trainable_margin"] is None:
        data["trainable_margin"] = 0.5
    client = forms.opt_int("client_account_id", 1, 2**31 - 1, "Client account")
    if client is not None:
        owned(db(), ClientAccount, client, current_user().org_id)
    data["client_account_id"] = client
    return data


@bp.post("/dashboard/profiles")
@login_required("writer")
def save_profile():
    try:
        data = _profile_input()
        save_role_profile(db(), current_user(), data)
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        return _profiles_page(dict(request.form), str(exc), 422)
    flash(f"Role profile “{data['name']}” saved. New assessments use it; existing ones keep "
          "the thresholds they were created with.", "success")
    return redirect(url_for("dashboard.profiles"))


@bp.post("/dashboard/clients")
@login_required("writer")
def new_client():
    try:
        create_client_account(db(), current_user(), forms.text("name", 200))
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        flash(str(exc), "error")
    else:
        flash("Client account added.", "success")
    return redirect(url_for("dashboard.profiles"))
