"""Assessments and invitations."""
from __future__ import annotations

from flask import current_app, jsonify, request
from sqlalchemy import select

from ....db import models as m
from ....errors import NotFound
from ....services import create_assessment, invite, invite_csv, owned, revoke, update_assessment
from ....services.assessments import archive_assessment
from ....services.audit import actor_of, audit
from ....services.errors import InputError, ServiceError
from ...auth import check_types, current_user, int_arg, json_body, paged, parse_datetime, recruiter
from ...extensions import commit, invitation_days, mailing, send_emails, session
from .. import serializers as ser
from . import bp

_TYPES = {"title": str, "description": str, "time_limit_minutes": (int, None),
          "opens_at": (str, None), "closes_at": (str, None), "max_attempts": int,
          "cooldown_days": int, "show_feedback": bool, "allow_paste": bool,
          "client_account_id": (int, None), "archived": bool, "role_profile": str,
          "role_profile_id": int, "thresholds": dict, "tasks": list}


def _assessment_input() -> dict:
    data = json_body()
    check_types(data, _TYPES)
    for key in ("opens_at", "closes_at"):
        if key in data:
            data[key] = parse_datetime(data[key], key)
    for item in data.get("tasks") or []:
        if isinstance(item, dict):
            check_types(item, {"task_id": int, "min_words": (int, None),
                               "max_words": (int, None)})
        elif isinstance(item, bool) or not isinstance(item, int):
            raise InputError("tasks must be task ids or {task_id, min_words, max_words} objects")
    return data


def _public_url() -> str:
    return current_app.config["ASSESSOR_CONFIG"].PUBLIC_URL


@bp.get("/assessments")
@recruiter()
def list_assessments():
    query = select(m.Assessment).where(m.Assessment.org_id == current_user().org_id)
    if request.args.get("archived", "false") not in ("1", "0", "true", "false"):
        raise InputError("archived must be true or false")
    if request.args.get("archived") not in ("1", "true"):
        query = query.where(m.Assessment.archived.is_(False))
    rows = session().scalars(query.order_by(m.Assessment.id)).all()
    return jsonify({"items": [ser.assessment(a) for a in rows]})


@bp.post("/assessments")
@recruiter(write=True)
def new_assessment():
    assessment = create_assessment(session(), current_user(), _assessment_input())
    commit()
    return jsonify(ser.assessment(assessment)), 201


@bp.get("/assessments/<int:assessment_id>")
@recruiter()
def get_assessment(assessment_id: int):
    return jsonify(ser.assessment(owned(session(), m.Assessment, assessment_id,
                                        current_user().org_id)))


@bp.patch("/assessments/<int:assessment_id>")
@recruiter(write=True)
def patch_assessment(assessment_id: int):
    assessment = owned(session(), m.Assessment, assessment_id, current_user().org_id)
    update_assessment(session(), current_user(), assessment, _assessment_input())
    commit()
    return jsonify(ser.assessment(assessment))


@bp.delete("/assessments/<int:assessment_id>")
@recruiter(write=True)
def delete_assessment(assessment_id: int):
    """Archives: results and the audit trail of an assessment are kept."""
    assessment = owned(session(), m.Assessment, assessment_id, current_user().org_id)
    archive_assessment(session(), current_user(), assessment)
    commit()
    return "", 204


@bp.get("/assessments/<int:assessment_id>/invitations")
@recruiter()
def list_invitations(assessment_id: int):
    assessment = owned(session(), m.Assessment, assessment_id, current_user().org_id)
    query = select(m.Invitation).where(m.Invitation.assessment_id == assessment.id)
    return jsonify(paged(query.order_by(m.Invitation.id), ser.invitation))


@bp.post("/assessments/<int:assessment_id>/invitations")
@recruiter(write=True)
def new_invitation(assessment_id: int):
    assessment = owned(session(), m.Assessment, assessment_id, current_user().org_id)
    data = json_body()
    check_types(data, {"email": str, "name": str, "expires_in_days": int, "confirm": bool})
    invitation, token = invite(session(), current_user(), assessment, data.get("email") or "",
                               data.get("name") or "",
                               days=invitation_days() if data.get("expires_in_days") is None
                               else data["expires_in_days"], **mailing(),
                               # An open link already? 409 already_invited until confirmed.
                               allow_duplicate=bool(data.get("confirm")))
    commit()
    send_emails([invitation.id])
    return jsonify(ser.invitation(invitation, token, _public_url())), 201


def _csv_text() -> str:
    upload = request.files.get("file")
    raw = upload.read() if upload is not None else request.get_data()
    if not raw:
        raise ServiceError("send a CSV file (multipart field 'file' or a text/csv body)",
                           "bad_request")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the CSV must be UTF-8") from None


@bp.post("/assessments/<int:assessment_id>/invitations/bulk")
@recruiter(write=True)
def bulk_invitations(assessment_id: int):
    assessment = owned(session(), m.Assessment, assessment_id, current_user().org_id)
    days = int_arg("expires_in_days", invitation_days(), 1, 365)
    confirm = request.args.get("confirm", "false")
    if confirm not in ("1", "0", "true", "false"):
        raise InputError("confirm must be true or false")
    report = invite_csv(session(), current_user(), assessment, _csv_text(), days=days,
                        **mailing(), allow_duplicate=confirm in ("1", "true"))
    audit(session(), actor_of(current_user()), "invitation.bulk", org_id=assessment.org_id,
          target=assessment, details={"created": len(report.created),
                                      "errors": len(report.errors)})
    commit()
    send_emails([row["invitation_id"] for row in report.created])
    for row in report.created:
        row["url"] = f"{_public_url()}/take/{row['token']}"
    return jsonify({"created": report.created, "errors": report.errors,
                    "summary": {"created": len(report.created), "errors": len(report.errors)}})


@bp.post("/invitations/<int:invitation_id>/revoke")
@recruiter(write=True)
def revoke_invitation(invitation_id: int):
    invitation = session().get(m.Invitation, invitation_id)
    if invitation is None or invitation.assessment.org_id != current_user().org_id:
        raise NotFound(f"invitation {invitation_id} not found")
    revoke(session(), current_user(), invitation)
    commit()
    return jsonify(ser.invitation(invitation))

