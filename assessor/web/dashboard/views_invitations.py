"""Invitations of one assessment: single and bulk (CSV with a per-row error
report), the links to copy, expiry, resend and revoke.

A link is shown once, on the page that created it: only a hash of its token
is stored. "Resend" therefore issues a new link and revokes the old one.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for

from ...db.models import Assessment, Invitation
from ...services import invite, invite_csv, owned, revoke
from ...services.audit import actor_of, audit
from ...services.assessments import open_now
from ...services.invitations import invitation_rows, resend
from ...services.errors import InputError, NotFound, ServiceError
from ..extensions import commit, invitation_days, mailing, send_emails, session as db
from . import bp, forms
from .access import current_user, login_required

PER_PAGE = 100
MAX_CSV_BYTES = 512 * 1024


def _assessment(assessment_id: int) -> Assessment:
    return owned(db(), Assessment, assessment_id, current_user().org_id)


def _link(token: str) -> str:
    return f"{current_app.config['ASSESSOR_CONFIG'].PUBLIC_URL}/take/{token}"


def _page(assessment: Assessment, *, created=None, errors=None, error=None, form=None,
          confirm: bool = False, status: int = 200):
    page_no = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = invitation_rows(db(), assessment, limit=PER_PAGE,
                                  offset=(page_no - 1) * PER_PAGE)
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    return render_template("dashboard/invitations.html", assessment=assessment, rows=rows,
                           total=total, page=page_no, pages=pages, created=created or [],
                           errors=errors or [], error=error, form=form or {}, confirm=confirm,
                           open=open_now(assessment), default_days=invitation_days()), status


@bp.get("/dashboard/assessments/<int:assessment_id>/invitations")
@login_required()
def invitations(assessment_id: int):
    return _page(_assessment(assessment_id))


def _days() -> int:
    return forms.opt_int("days", 1, 365, "Days until the link expires") or invitation_days()


@bp.post("/dashboard/assessments/<int:assessment_id>/invitations")
@login_required("writer")
def invite_one(assessment_id: int):
    assessment = _assessment(assessment_id)
    try:
        invitation, token = invite(db(), current_user(), assessment,
                                   forms.text("email", 320, required=True, label="Email"),
                                   forms.text("name", 200), days=_days(),
                                   **mailing(),
                                   allow_duplicate=request.form.get("confirm") == "1")
        commit()
        send_emails([invitation.id])
    except (InputError, ServiceError) as exc:
        db().rollback()
        # An open link already: the page asks, and the form comes back confirmed.
        confirm = getattr(exc, "code", "") == "already_invited"
        return _page(assessment, error=str(exc), form=request.form, confirm=confirm,
                     status=409 if confirm else 422)
    created = [{"email": invitation.candidate.email, "name": invitation.candidate.name,
                "url": _link(token), "expires_at": invitation.expires_at}]
    return _page(assessment, created=created)


def _csv_upload() -> str:
    upload = request.files.get("file")
    raw = upload.read(MAX_CSV_BYTES + 1) if upload is not None and upload.filename else b""
    if not raw:
        raw = (request.form.get("csv") or "").encode("utf-8")
    if not raw.strip():
        raise InputError("choose a CSV file or paste the rows")
    if len(raw) > MAX_CSV_BYTES:
        raise InputError(f"the CSV is larger than {MAX_CSV_BYTES // 1024} KB; split it")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the CSV must be saved as UTF-8") from None


@bp.post("/dashboard/assessments/<int:assessment_id>/invitations/bulk")
@login_required("writer")
def invite_bulk(assessment_id: int):
    assessment = _assessment(assessment_id)
    user = current_user()
    try:
        report = invite_csv(db(), user, assessment, _csv_upload(), days=_days(),
                            **mailing(),
                            allow_duplicate=request.form.get("confirm") == "1")
        audit(db(), actor_of(user), "invitation.bulk", org_id=assessment.org_id,
              target=assessment, details={"created": len(report.created),
                                          "errors": len(report.errors)})
        commit()
        send_emails([r["invitation_id"] for r in report.created])
    except (InputError, ServiceError) as exc:
        db().rollback()
        return _page(assessment, error=str(exc), status=422)
    created = [{"email": r["email"], "url": _link(r["token"]), "line": r["line"]}
               for r in report.created]
    status = 200 if created or not report.errors else 422
    return _page(assessment, created=created, errors=report.errors, status=status)


def _invitation(invitation_id: int) -> Invitation:
    invitation = db().get(Invitation, invitation_id)
    if invitation is None or invitation.assessment.org_id != current_user().org_id:
        raise NotFound(f"invitation {invitation_id} not found")
    return invitation


@bp.post("/dashboard/invitations/<int:invitation_id>/revoke")
@login_required("writer")
def revoke_invitation(invitation_id: int):
    invitation = _invitation(invitation_id)
    revoke(db(), current_user(), invitation)
    commit()
    flash(f"The link for {invitation.candidate.email} no longer works.", "success")
    return redirect(url_for("dashboard.invitations", assessment_id=invitation.assessment_id))


@bp.post("/dashboard/invitations/<int:invitation_id>/resend")
@login_required("writer")
def resend_invitation(invitation_id: int):
    invitation = _invitation(invitation_id)
    assessment = invitation.assessment
    try:
        new, token = resend(db(), current_user(), invitation, days=_days(),
                            **mailing())
        commit()
        send_emails([new.id])
    except (InputError, ServiceError) as exc:
        db().rollback()
        return _page(assessment, error=str(exc), status=409)
    created = [{"email": new.candidate.email, "name": new.candidate.name, "url": _link(token),
                "expires_at": new.expires_at}]
    return _page(assessment, created=created)
