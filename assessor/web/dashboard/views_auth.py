"""Sign-in and sign-out, user administration and the audit log (admins)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ...db.models import ROLES, AuditLog, User
from ...services import authenticate, create_user
from ...services.audit_view import TARGETS, AuditFilters, audit_page, people
from ...services.accounts import check_password_rules, reset_password, set_active
from ...services.errors import InputError, RateLimited, ServiceError, Unauthorized
from ..extensions import commit, session as db
from . import bp, forms
from .access import (clear_account, current_user, failed_sign_in, limit_keys, limiter,
                     login_required, safe_next, sign_in, signed_in_from, sign_out,
                     signed_in_user)



@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if signed_in_user() is not None:
            return redirect(safe_next(request.args.get("next")))
        return render_template("dashboard/login.html", next=request.args.get("next", ""))
    email = (request.form.get("email") or "").strip().lower()[:320]
    password = request.form.get("password") or ""
    next_url = request.form.get("next") or ""
    keys = limit_keys(email)
    try:
        limiter.check(keys)
        user = authenticate(db(), email, password)
    except RateLimited as exc:
        return render_template("dashboard/login.html", error=str(exc), email=email,
                               next=next_url), 429
    except Unauthorized:
        failed_sign_in(email)
        # One message for unknown email and wrong password: no account probing.
        return render_template("dashboard/login.html", error="Wrong email or password.",
                               email=email, next=next_url), 401
    signed_in_from(email)
    sign_in(user)
    return redirect(safe_next(next_url))


@bp.post("/logout")
def logout():
    sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("dashboard.login"))


@bp.get("/dashboard/users")
@login_required("admin")
def users():
    rows = db().scalars(select(User).where(User.org_id == current_user().org_id)
                        .order_by(User.email)).all()
    return render_template("dashboard/users.html", users=rows, roles=ROLES)


@bp.post("/dashboard/users")
@login_required("admin")
def new_user():
    admin = current_user()
    try:
        password = check_password_rules(request.form.get("password") or "")
        create_user(db(), admin.organisation, forms.text("email", 320, required=True),
                    role=forms.choice("role", ROLES, "role", required=True) or "viewer",
                    name=forms.text("name", 200), password=password, actor=f"user:{admin.id}")
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        flash(str(exc), "error")
    else:
        flash("User created. Give them their password by a separate channel.", "success")
    return redirect(url_for("dashboard.users"))


def _org_user(user_id: int) -> User:
    from ...services import owned

    return owned(db(), User, user_id, current_user().org_id)


@bp.post("/dashboard/users/<int:user_id>/password")
@login_required("admin")
def user_password(user_id: int):
    user = _org_user(user_id)
    try:
        reset_password(db(), current_user(), user, request.form.get("password") or "")
        commit()
    except (InputError, ServiceError) as exc:
        db().rollback()
        flash(str(exc), "error")
    else:
        clear_account(user.email)
        flash(f"New password set for {user.email}; their other sessions are signed out.",
              "success")
    return redirect(url_for("dashboard.users"))


@bp.post("/dashboard/users/<int:user_id>/active")
@login_required("admin")
def user_active(user_id: int):
    user = _org_user(user_id)
    try:
        set_active(db(), current_user(), user, request.form.get("active") == "1")
        commit()
    except ServiceError as exc:
        db().rollback()
        flash(str(exc), "error")
    return redirect(url_for("dashboard.users"))


@bp.get("/dashboard/audit")
@login_required("admin")
def audit_log():
    org_id = current_user().org_id
    try:
        f, error = AuditFilters.from_args(request.args), None
    except InputError as exc:
        f, error = AuditFilters(), str(exc)
    page_no = max(1, min(request.args.get("page", 1, type=int) or 1, 1_000_000))
    actions = db().scalars(select(AuditLog.action).where(AuditLog.org_id == org_id)
                           .distinct().order_by(AuditLog.action)).all()
    return render_template("dashboard/audit.html", f=f, error=error, actions=actions,
                           people=people(db(), org_id), target_types=TARGETS,
                           **audit_page(db(), org_id, f, page_no)), 200 if error is None else 422
