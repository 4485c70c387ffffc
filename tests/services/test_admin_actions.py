"""Service actions the dashboard and the API share: password reset, open/close, invitation states,
resend, client accounts and the edit lock."""
from __future__ import annotations

from datetime import timedelta

import pytest

from assessor import services
from assessor.db.base import utcnow
from assessor.db.models import Assessment, AuditLog, Invitation, User
from assessor.errors import InputError
from assessor.services import accounts, assessments, invitations
from assessor.services.errors import Conflict, Forbidden
from assessor.services.security import check_password
from tests.support.dashboard import make_org


def _user(s, org, role):
    return s.query(User).filter_by(email=org.emails[role]).one()


@pytest.mark.parametrize("password, ok", [
    ("short", False), ("x" * 9, False), ("x" * 10, True), ("a long pass phrase", True),
    ("x" * 201, False),
])
def test_password_rules(password, ok):
    if ok:
        assert accounts.check_password_rules(password) == password
    else:
        with pytest.raises(InputError):
            accounts.check_password_rules(password)


def test_reset_password_is_admin_only_and_audited(db):
    org = make_org(db)
    with db.transaction() as s:
        admin, viewer = _user(s, org, "admin"), _user(s, org, "viewer")
        accounts.reset_password(s, admin, viewer, "another pass phrase")
        assert check_password(viewer.password_hash, "another pass phrase")
        with pytest.raises(Forbidden):
            accounts.reset_password(s, _user(s, org, "recruiter"), viewer, "another pass phrase")
        entry = s.query(AuditLog).filter_by(action="user.password_reset").one()
        assert entry.target_id == viewer.id and "pass phrase" not in str(entry.details)


def test_admins_cannot_deactivate_themselves(db):
    org = make_org(db)
    with db.transaction() as s:
        admin = _user(s, org, "admin")
        with pytest.raises(Conflict):
            accounts.set_active(s, admin, admin, False)
        assert accounts.set_active(s, admin, _user(s, org, "viewer"), False).active is False


def test_open_and_close(db):
    org = make_org(db)
    with db.transaction() as s:
        user, assessment = _user(s, org, "recruiter"), s.get(Assessment, org.assessment_id)
        assert assessments.open_now(assessment)
        assessments.set_open(s, user, assessment, False)
        assert not assessments.open_now(assessment)
        assessment.opens_at = utcnow() + timedelta(days=3)
        assessments.set_open(s, user, assessment, True)
        assert assessments.open_now(assessment)
        with pytest.raises(Forbidden):
            assessments.set_open(s, _user(s, org, "viewer"), assessment, False)


def test_invitation_states_and_resend(db):
    org = make_org(db)
    with db.transaction() as s:
        user, assessment = _user(s, org, "recruiter"), s.get(Assessment, org.assessment_id)
        pending, _ = services.invite(s, user, assessment, "p@example.com")
        old, _ = services.invite(s, user, assessment, "o@example.com")
        old.expires_at = utcnow() - timedelta(days=1)
        used, _ = services.invite(s, user, assessment, "u@example.com")
        services.start_attempt(s, used, consent=True)
        gone, _ = services.invite(s, user, assessment, "g@example.com")
        services.revoke(s, user, gone)
        rows, total = invitations.invitation_rows(s, assessment)
        states = {r.invitation.candidate.email: r.state for r in rows}
        assert states == {"p@example.com": "pending", "o@example.com": "expired",
                          "u@example.com": "started", "g@example.com": "revoked"}
        new, token = invitations.resend(s, user, old, days=3)
        assert old.revoked_at is not None and new.id != old.id
        assert services.invitation_for_token(s, token).id == new.id
        with pytest.raises(Conflict):
            invitations.resend(s, user, used)
        assert s.query(Invitation).count() == total + 1


def test_client_accounts_are_unique_per_org(db):
    org = make_org(db)
    with db.transaction() as s:
        user = _user(s, org, "recruiter")
        accounts.create_client_account(s, user, "Acme Telecom")
        with pytest.raises(Conflict):
            accounts.create_client_account(s, user, "Acme Telecom")
        with pytest.raises(InputError):
            accounts.create_client_account(s, user, "  ")


def test_tasks_and_thresholds_lock_once_started(db):
    org = make_org(db)
    with db.transaction() as s:
        user, assessment = _user(s, org, "recruiter"), s.get(Assessment, org.assessment_id)
        task_ids = [i.task_id for i in assessment.items]
        services.update_assessment(s, user, assessment, {"tasks": task_ids})  # nobody started
        invitation, _ = services.invite(s, user, assessment, "x@example.com")
        services.start_attempt(s, invitation, consent=True)
        services.update_assessment(s, user, assessment, {"title": "New title"})
        assert assessment.title == "New title"
        with pytest.raises(Conflict, match="cannot change once attempts exist"):
            services.update_assessment(s, user, assessment, {"thresholds": {"min_overall": "A1"}})
