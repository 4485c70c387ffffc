"""Erasure of an applicant's data on request, with the audit entry kept and
free of the personal data; the audit log cannot be edited through the app."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from tests.support.dashboard import csrf_of
from tests.security.conftest import XSS


def _rows(db, model, **where):
    with db.transaction() as s:
        return s.scalars(select(model).filter_by(**where)).all()


def _candidate_id(db, attempt_id):
    from assessor.db.models import Attempt

    with db.transaction() as s:
        return s.get(Attempt, attempt_id).candidate_id


def _api_token(db, org, role):
    from assessor import services
    from assessor.db.models import User

    with db.transaction() as s:
        user = s.query(User).filter_by(email=org.emails[role]).one()
        return services.create_api_token(s, user)[1]


def _assert_erased(db, candidate_id, attempt_id):
    from assessor.db.models import Answer, Attempt, AuditLog, Candidate, Invitation, Score

    assert _rows(db, Candidate, id=candidate_id) == []
    assert _rows(db, Attempt, id=attempt_id) == []
    assert _rows(db, Answer, attempt_id=attempt_id) == []
    assert _rows(db, Invitation, candidate_id=candidate_id) == []
    with db.transaction() as s:
        assert s.scalar(select(Score).join(Answer).where(Answer.attempt_id == attempt_id)) is None
        entries = s.scalars(select(AuditLog)).all()
        erase = [e for e in entries if e.action == "candidate.erase"]
        assert [(e.target_id, e.details["candidate_id"]) for e in erase] == \
            [(candidate_id, candidate_id)]
        # No entry, before or after the erasure, still carries the personal data.
        dumped = json.dumps([e.details for e in entries])
        assert "x@example.com" not in dumped and "onerror" not in dumped


def test_admin_erases_through_the_api(client, db, org, hostile_attempt):
    attempt_id, token = hostile_attempt
    candidate_id = _candidate_id(db, attempt_id)
    auth = {"Authorization": f"Bearer {_api_token(db, org, 'admin')}"}
    response = client.delete(f"/api/v1/candidates/{candidate_id}", headers=auth)
    assert response.status_code == 200, response.json
    assert response.json["erased"]["attempts"] == 1 and response.json["erased"]["answers"] == 2
    _assert_erased(db, candidate_id, attempt_id)
    assert client.get(f"/api/v1/candidates/{candidate_id}", headers=auth).status_code == 404
    # The applicant's link dies with the data.
    assert client.get("/api/v1/applicant/status",
                      headers={"X-Invitation-Token": token}).status_code == 401


@pytest.mark.parametrize(("role", "status"), [("recruiter", 403), ("viewer", 403)])
def test_only_admins_erase(client, db, org, hostile_attempt, role, status):
    candidate_id = _candidate_id(db, hostile_attempt[0])
    auth = {"Authorization": f"Bearer {_api_token(db, org, role)}"}
    assert client.delete(f"/api/v1/candidates/{candidate_id}", headers=auth).status_code == status
    from assessor.db.models import Candidate

    assert len(_rows(db, Candidate, id=candidate_id)) == 1


def test_other_organisation_cannot_erase(client, db, other_org, hostile_attempt):
    candidate_id = _candidate_id(db, hostile_attempt[0])
    auth = {"Authorization": f"Bearer {_api_token(db, other_org, 'admin')}"}
    assert client.delete(f"/api/v1/candidates/{candidate_id}", headers=auth).status_code == 404


def test_admin_erases_from_the_dashboard(as_role, db, hostile_attempt):
    attempt_id = hostile_attempt[0]
    candidate_id = _candidate_id(db, attempt_id)
    admin = as_role("admin")
    page = admin.get(f"/dashboard/attempts/{attempt_id}").get_data(as_text=True)
    assert "Erase data" in page
    token = csrf_of(page)
    unconfirmed = admin.post(f"/dashboard/attempts/{attempt_id}/erase", data={"csrf_token": token})
    assert unconfirmed.status_code == 422
    done = admin.post(f"/dashboard/attempts/{attempt_id}/erase",
                      data={"csrf_token": token, "confirm": "erase"})
    assert done.status_code == 302
    _assert_erased(db, candidate_id, attempt_id)


def test_recruiter_sees_no_erase_button_and_is_refused(as_role, hostile_attempt):
    attempt_id = hostile_attempt[0]
    recruiter = as_role("recruiter")
    page = recruiter.get(f"/dashboard/attempts/{attempt_id}").get_data(as_text=True)
    assert "Erase data" not in page
    response = recruiter.post(f"/dashboard/attempts/{attempt_id}/erase",
                              data={"csrf_token": csrf_of(page), "confirm": "erase"})
    assert response.status_code == 403


def test_no_route_writes_the_audit_log(app):
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert audit_rules, "the audit log has no route at all"
    assert {m for r in audit_rules for m in r.methods} <= {"GET", "HEAD", "OPTIONS"}


def test_orm_refuses_to_edit_or_delete_an_audit_entry(db, org, hostile_attempt):
    from assessor.db.models import AppendOnlyError, AuditLog

    with pytest.raises(AppendOnlyError):
        with db.transaction() as s:
            s.scalars(select(AuditLog)).first().action = "forged"
    with pytest.raises(AppendOnlyError):
        with db.transaction() as s:
            s.delete(s.scalars(select(AuditLog)).first())


@pytest.mark.postgres
def test_database_refuses_raw_sql_edits_on_postgresql(db, org, hostile_attempt):
    from sqlalchemy.exc import DBAPIError

    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError):
            with db.engine.begin() as conn:
                conn.execute(text(statement))


def test_markup_in_the_name_is_never_in_the_audit_view(as_role, hostile_attempt):
    page = as_role("admin").get("/dashboard/audit").get_data(as_text=True)
    assert XSS not in page


def test_erasure_while_scoring_is_queued_leaves_no_orphan_work(client, db, queue, tenant,
                                                               fake_score):
    from tests.support.service import SAMPLE, applicant_headers as H

    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    answer_id = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                            headers=H(token, "k"), json={"text": SAMPLE}).json["answer_id"]
    candidate_id = client.get("/api/v1/attempts", headers=tenant.auth()).json["items"][0][
        "candidate_id"]
    assert client.delete(f"/api/v1/candidates/{candidate_id}",
                         headers=tenant.auth()).status_code == 200
    outcomes = queue.run_pending(include_delayed=True)
    # The queued job finds its answer gone and stops: nothing to retry, nothing scored.
    assert {o.status for o in outcomes} <= {"missing", "skip"}, [o.status for o in outcomes]
    assert fake_score == [], "an erased answer was scored"
    from assessor.db.models import Job, Score

    assert _rows(db, Job, answer_id=answer_id) == [] and _rows(db, Score, answer_id=answer_id) == []


def _entries(db):
    from assessor.db.models import AuditLog

    with db.transaction() as s:
        return [(e.action, e.details) for e in s.scalars(select(AuditLog))]


def _review_and_export(as_role, attempt_id):
    from tests.support.dashboard import post

    recruiter = as_role("recruiter")
    assert post(recruiter, f"/dashboard/attempts/{attempt_id}/review",
                {"decision_override": "pass", "reason": "x@example.com wrote well",
                 "note": "called x@example.com"}).status_code == 302
    assert recruiter.get("/dashboard/candidates.csv?q=x@example.com").status_code == 200


def test_audit_entries_hold_no_personal_data_by_design(as_role, db, hostile_attempt):
    _review_and_export(as_role, hostile_attempt[0])
    dumped = json.dumps(_entries(db))
    assert "review.override" in dumped and "candidates.export" in dumped
    assert "x@example.com" not in dumped and "wrote well" not in dumped


def test_erasure_scrubs_what_older_entries_still_hold(client, db, org, hostile_attempt):
    from assessor.db.models import Answer, AuditLog

    attempt_id = hostile_attempt[0]
    candidate_id = _candidate_id(db, attempt_id)
    with db.transaction() as s:
        answer_id = s.scalar(select(Answer.id).where(Answer.attempt_id == attempt_id))
        # As earlier versions wrote them: a note, an export search, an idempotency key.
        s.add_all([
            AuditLog(org_id=org.org_id, actor="user:1", action="review.note",
                     target_type="attempts", target_id=attempt_id,
                     details={"note": "she sounded tired", "cefr_override": None}),
            AuditLog(org_id=org.org_id, actor="user:1", action="candidates.export",
                     details={"filters": {"q": "X@example.com"}}),
            AuditLog(org_id=org.org_id, actor="invitation:1", action="answer.submit",
                     target_type="answers", target_id=answer_id,
                     details={"words": 12, "idempotency_key": "x@example.com-1"})])
    auth = {"Authorization": f"Bearer {_api_token(db, org, 'admin')}"}
    response = client.delete(f"/api/v1/candidates/{candidate_id}", headers=auth)
    assert response.status_code == 200 and response.json["erased"]["audit_entries_scrubbed"] >= 3
    _assert_erased(db, candidate_id, attempt_id)
    entries = _entries(db)
    assert "she sounded tired" not in json.dumps(entries)
    # Ids and counts stay.
    assert ("answer.submit", {"words": 12, "scrubbed": True}) in entries
