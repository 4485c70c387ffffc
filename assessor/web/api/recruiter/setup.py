"""Who am I, the task bank, role profiles, client accounts, webhooks, audit log."""
from __future__ import annotations

from flask import current_app, jsonify
from sqlalchemy import select

from ....db import models as m
from ....services import accounts, create_task, owned, save_role_profile, webhooks
from ....services.errors import Forbidden
from ...auth import check_types, current_user, json_body, paged, recruiter
from ...extensions import commit, session
from .. import serializers as ser
from . import bp


@bp.get("/me")
@recruiter()
def me():
    user = current_user()
    return jsonify({"id": user.id, "email": user.email, "name": user.name, "role": user.role,
                    "organisation": {"id": user.org_id, "name": user.organisation.name}})


@bp.get("/tasks")
@recruiter()
def list_tasks():
    rows = session().scalars(select(m.Task).where(m.Task.org_id == current_user().org_id)
                             .order_by(m.Task.id)).all()
    return jsonify({"items": [ser.task(t) for t in rows]})


@bp.post("/tasks")
@recruiter(write=True)
def new_task():
    data = json_body()
    check_types(data, {"kind": str, "title": str, "prompt": str, "min_words": int,
                       "max_words": int, "time_limit_minutes": (int, None)})
    task = create_task(session(), current_user(), data)
    commit()
    return jsonify(ser.task(task)), 201


@bp.get("/tasks/<int:task_id>")
@recruiter()
def get_task(task_id: int):
    return jsonify(ser.task(owned(session(), m.Task, task_id, current_user().org_id)))


@bp.get("/role-profiles")
@recruiter()
def list_profiles():
    rows = session().scalars(select(m.RoleProfileRow).where(
        m.RoleProfileRow.org_id == current_user().org_id).order_by(m.RoleProfileRow.id)).all()
    return jsonify({"items": [ser.role_profile(p) for p in rows]})


@bp.post("/role-profiles")
@recruiter(write=True)
def put_profile():
    data = json_body()
    number = (int, float)
    check_types(data, {"name": str, "label": str, "client_account_id": (int, None),
                       "min_overall": str, "min_grammar": str, "min_vocabulary": str,
                       "trainable_margin": number, "pass_margin": number, "max_grammar_errors_per_100": (*number, None),
                       "max_spelling_errors_per_100": (*number, None), "review_band": number,
                       "min_confidence": number, "description": str})
    if data.get("client_account_id") is not None:
        owned(session(), m.ClientAccount, data["client_account_id"], current_user().org_id)
    row = save_role_profile(session(), current_user(), data)
    commit()
    return jsonify(ser.role_profile(row)), 201


@bp.get("/client-accounts")
@recruiter()
def list_clients():
    rows = session().scalars(select(m.ClientAccount).where(
        m.ClientAccount.org_id == current_user().org_id).order_by(m.ClientAccount.id)).all()
    return jsonify({"items": [{"id": c.id, "name": c.name} for c in rows]})


@bp.post("/client-accounts")
@recruiter(write=True)
def new_client():
    data = json_body()
    check_types(data, {"name": str})
    client = accounts.create_client_account(session(), current_user(), data.get("name"))
    commit()
    return jsonify({"id": client.id, "name": client.name}), 201


@bp.get("/webhooks")
@recruiter()
def list_webhooks():
    hooks = webhooks.active_webhooks(session(), current_user().org_id)
    return jsonify({"items": [ser.webhook(w) for w in hooks]})


@bp.post("/webhooks")
@recruiter(write=True)
def new_webhook():
    data = json_body()
    check_types(data, {"url": str, "secret": str, "events": list})
    config = current_app.config["ASSESSOR_CONFIG"]
    hook = webhooks.create_webhook(session(), current_user(), data,
                                   max_per_org=config.WEBHOOK_MAX_PER_ORG,
                                   allow_private=config.WEBHOOK_ALLOW_PRIVATE)
    commit()
    return jsonify(ser.webhook(hook, secret=True)), 201


@bp.delete("/webhooks/<int:webhook_id>")
@recruiter(write=True)
def delete_webhook(webhook_id: int):
    webhooks.disable_webhook(session(), current_user(), webhook_id)
    commit()
    return "", 204


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@recruiter()
def list_deliveries(webhook_id: int):
    hook = webhooks.live_webhook(session(), webhook_id, current_user().org_id)
    return jsonify(paged(webhooks.deliveries_query(hook), ser.delivery))


@bp.get("/audit")
@recruiter()
def list_audit():
    user = current_user()
    if user.role != "admin":
        raise Forbidden("only admins read the audit log")
    query = select(m.AuditLog).where(m.AuditLog.org_id == user.org_id)
    return jsonify(paged(query.order_by(m.AuditLog.id.desc()), ser.audit))
