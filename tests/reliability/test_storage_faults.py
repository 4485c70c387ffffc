"""A full or read-only disk on the upload path: the CSV import answers a
clear JSON error, saves nothing half-way, and the same upload succeeds once
the disk is back, without duplicates."""
from __future__ import annotations

import errno

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.dashboard import csrf_of

CSV = "email,name\n" + "".join(f"bulk{i}@example.com,Bulk {i}\n" for i in range(20))


def _invitations(db) -> int:
    from assessor.db.models import Invitation

    # A bare connection: the fault fixture breaks Session.commit.
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count(Invitation.id)))


@pytest.fixture
def failing_disk(monkeypatch):
    """Make every commit fail as a full (or read-only) disk would, until cleared."""
    state = {"errno": None}
    real_commit = Session.commit

    def commit(self):
        if state["errno"] is not None:
            raise OSError(state["errno"], "simulated storage fault")
        return real_commit(self)

    monkeypatch.setattr(Session, "commit", commit)
    return state


@pytest.mark.parametrize(("fault", "status", "code"), [
    (errno.ENOSPC, 507, "insufficient_storage"),
    (errno.EDQUOT, 507, "insufficient_storage"),
    (errno.EROFS, 503, "storage_unavailable"),
])
def test_csv_import_on_a_failing_disk(client, db, tenant, failing_disk, fault, status, code):
    before = _invitations(db)
    path = f"/api/v1/assessments/{tenant.assessment_id}/invitations/bulk"
    head = {**tenant.auth(), "Content-Type": "text/csv"}
    failing_disk["errno"] = fault
    response = client.post(path, headers=head, data=CSV)
    assert response.status_code == status
    assert response.json["error"]["code"] == code and "nothing was saved" in \
        response.json["error"]["message"]
    assert _invitations(db) == before
    failing_disk["errno"] = None
    retried = client.post(path, headers=head, data=CSV)
    assert retried.status_code in (200, 201), retried.json
    assert _invitations(db) == before + 20


def test_dashboard_csv_upload_on_a_full_disk(dash_app, as_role, org, db, failing_disk):
    admin = as_role("admin")
    token = csrf_of(admin.get("/dashboard/tasks").get_data(as_text=True))
    before = _invitations(db)
    failing_disk["errno"] = errno.ENOSPC
    response = admin.post(f"/dashboard/assessments/{org.assessment_id}/invitations/bulk",
                          data={"csrf_token": token, "csv": CSV})
    assert response.status_code == 507
    assert _invitations(db) == before


def test_other_os_errors_stay_internal_errors(app, client, monkeypatch):
    def broken():
        raise OSError(errno.EIO, "simulated I/O error")

    app.view_functions["health.healthz"] = broken
    response = client.get("/healthz")
    assert response.status_code == 500 and response.json["error"]["code"] == "internal_error"
