"""The audit log names people and things and filters by actor, target and date."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from assessor.db.models import User
from tests.support.dashboard import post, scored_attempt


def test_audit_names_people_and_targets_and_filters(db, queue, fake_score, org, as_role):
    attempt_id = scored_attempt(db, queue, org, "ann@example.com", "Ann Applicant", 60)
    recruiter = as_role("recruiter")
    assert post(recruiter, f"/dashboard/attempts/{attempt_id}/review",
                {"decision_override": "pass", "reason": "Good call"}).status_code == 302
    with db.transaction() as s:
        who = s.scalar(select(User).where(User.email == org.emails["recruiter"]))
        actor, name = f"user:{who.id}", who.name or who.email
    admin = as_role("admin")
    page = admin.get("/dashboard/audit").get_data(as_text=True)
    assert "Attempt: <a" in page and "Ann Applicant · " in page  # not "attempts #3"
    by_actor = admin.get(f"/dashboard/audit?actor={actor}").get_data(as_text=True)
    table = by_actor[by_actor.index("<table"):]
    assert "review.override" in table and "attempt.start" not in table and name in table
    by_target = admin.get(f"/dashboard/audit?target=attempts&target_id={attempt_id}")
    assert "review.override" in by_target.get_data(as_text=True)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    assert "0 entries" in admin.get(f"/dashboard/audit?from={tomorrow}").get_data(as_text=True)
    bad = admin.get("/dashboard/audit?target=planets")
    assert bad.status_code == 422 and "target must be one of" in bad.get_data(as_text=True)
