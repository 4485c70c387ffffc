"""Dashboard pages through the Flask test client: assessments, invitations,
the candidate table and export, the detail page, overrides, notes, status,
set-up pages and organisation isolation."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from assessor.db.models import (Assessment, Attempt, AuditLog, Candidate, ClientAccount,
                                Invitation, RoleProfileRow, Score)
from tests.support.dashboard import post, scored_attempt


def _profile_id(db, org, name):
    with db.transaction() as s:
        return s.scalar(select(RoleProfileRow.id).where(RoleProfileRow.org_id == org.org_id,
                                                        RoleProfileRow.name == name))


def _text(response):
    return response.get_data(as_text=True)


def test_create_assessment_from_the_task_bank(db, as_role, org):
    client = as_role("recruiter")
    form = {"title": "Chat team", "role_profile_id": _profile_id(db, org, "chat"),
            "min_overall": "C1", "task": [str(t) for t in org.task_ids],
            f"order_{org.task_ids[0]}": "2", f"order_{org.task_ids[1]}": "1",
            f"max_{org.task_ids[1]}": "150", "time_limit_minutes": "40", "max_attempts": "2"}
    response = post(client, "/dashboard/assessments/new", form)
    assert response.status_code == 302 and "/invitations" in response.headers["Location"]
    with db.transaction() as s:
        a = s.scalar(select(Assessment).where(Assessment.title == "Chat team"))
        assert a.profile["name"] == "chat" and a.profile["min_overall"] == "C1"
        assert a.profile["min_grammar"] == "B2"  # the rest comes from the profile
        assert [i.task_id for i in a.items] == org.task_ids[::-1]
        assert a.items[0].max_words == 150 and a.time_limit_minutes == 40


@pytest.mark.parametrize("change, message", [
    ({"task": []}, "choose at least one task"),
    ({"title": ""}, "Title is required"),
    ({"role_profile_id": ""}, "choose a role profile"),
    ({"time_limit_minutes": "0"}, "Time limit must be between 1 and 1440"),
    ({"opens_at": "2026-02-01T00:00", "closes_at": "2026-01-01T00:00"},
     "closes_at must be after opens_at"),
])
def test_invalid_assessment_forms_say_why_and_keep_input(db, as_role, org, change, message):
    form = {"title": "Kept title", "role_profile_id": _profile_id(db, org, "voice"),
            "task": [str(org.task_ids[0])], **change}
    response = post(as_role("admin"), "/dashboard/assessments/new", form)
    assert response.status_code == 422
    assert message in _text(response)
    if change.get("title") != "":
        assert 'value="Kept title"' in _text(response)


def test_edit_locks_tasks_and_thresholds_once_started(db, queue, fake_score, as_role, org):
    scored_attempt(db, queue, org, "a@example.com", "A", 60)
    client = as_role("admin")
    page = client.get(f"/dashboard/assessments/{org.assessment_id}/edit")
    assert "tasks and thresholds are fixed" in _text(page)
    response = post(client, f"/dashboard/assessments/{org.assessment_id}/edit", {
        "title": "Renamed", "role_profile_id": _profile_id(db, org, "technical"),
        "min_overall": "A1", "task": [str(org.task_ids[0])]})
    assert response.status_code == 302
    with db.transaction() as s:
        a = s.get(Assessment, org.assessment_id)
        assert a.title == "Renamed" and a.profile["name"] == "voice" and len(a.items) == 2


def test_close_and_open(db, as_role, org):
    client = as_role("recruiter")
    path = f"/dashboard/assessments/{org.assessment_id}/state"
    assert post(client, path, {"action": "close"}).status_code == 302
    assert "Closed" in _text(client.get("/dashboard/assessments"))
    assert post(client, path, {"action": "open"}).status_code == 302
    with db.transaction() as s:
        assert s.get(Assessment, org.assessment_id).closes_at is None


def test_preview_shows_the_tasks_without_a_form_to_submit(as_role, org):
    page = _text(as_role("viewer").get(f"/dashboard/assessments/{org.assessment_id}/preview"))
    assert "Write a email_reply." in page and "Write a essay." in page
    assert "Submit (disabled in preview)" in page and "<form" not in page.split("<main")[1]


def test_single_invitation_shows_a_working_link_once(db, as_role, org):
    from assessor.services import invitation_for_token

    client = as_role("recruiter")
    path = f"/dashboard/assessments/{org.assessment_id}/invitations"
    page = _text(post(client, path, {"email": "Ana@Example.com", "name": "Ana", "days": "3"}))
    link = re.search(r'value="(http[^"]+/take/([^"]+))"', page)
    assert link, "no link on the page"
    with db.transaction() as s:
        assert invitation_for_token(s, link.group(2)).candidate.email == "ana@example.com"
    assert link.group(2) not in _text(client.get(path))  # shown once only


def test_bulk_invitations_report_each_bad_row(db, as_role, org):
    client = as_role("recruiter")
    rows = "email,name\nok1@example.com,One\nnot-an-email,Two\n,Three\nok2@example.com,Four\n"
    response = post(client, f"/dashboard/assessments/{org.assessment_id}/invitations/bulk",
                    {"file": (io.BytesIO(rows.encode()), "people.csv"), "days": "7"},
                    content_type="multipart/form-data")
    page = _text(response)
    assert response.status_code == 200
    assert "2 new links" in page and "2 rows not invited" in page
    report = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td>", page)
    assert report == [("3", "not-an-email"), ("4", "(empty)")]
    assert page.count("/take/") >= 4  # two fields plus the copy-all box


@pytest.mark.parametrize("body, message", [
    ("name\nAna\n", "needs a header row with an &#39;email&#39; column"),
    ("", "choose a CSV file or paste the rows"),
])
def test_bulk_invitation_refuses_unusable_files(as_role, org, body, message):
    response = post(as_role("admin"), f"/dashboard/assessments/{org.assessment_id}/invitations/bulk",
                    {"csv": body})
    assert response.status_code == 422 and message in _text(response)


def test_resend_and_revoke(db, as_role, org):
    from assessor import services
    from assessor.db.models import User

    with db.transaction() as s:
        user = s.query(User).filter_by(email=org.emails["admin"]).one()
        a = s.get(Assessment, org.assessment_id)
        first = services.invite(s, user, a, "r@example.com")[0].id
        second = services.invite(s, user, a, "v@example.com")[0].id
    client = as_role("recruiter")
    page = _text(post(client, f"/dashboard/invitations/{first}/resend", {"days": "5"}))
    assert "r@example.com" in page and "/take/" in page
    assert post(client, f"/dashboard/invitations/{second}/revoke").status_code == 302
    with db.transaction() as s:
        assert s.get(Invitation, first).revoked_at is not None
        assert s.get(Invitation, second).revoked_at is not None
        assert s.query(Invitation).filter_by(revoked_at=None).count() == 1


@pytest.fixture
def scored(db, queue, fake_score, org):
    scored_attempt(db, queue, org, "weak@example.com", "Wanda Weak", 20)
    scored_attempt(db, queue, org, "strong@example.com", "=cmd|' /C calc'!A0", 130)
    return org


def test_candidate_table_filters_and_charts(as_role, scored):
    client = as_role("viewer")
    page = _text(client.get("/dashboard/candidates"))
    assert "2 results" in page and "Wanda Weak" in page
    assert "percentile 100" in page and "percentile 0" in page  # beside each level
    assert page.count("<svg") == 2 and 'role="img"' in page
    assert "Candidates at each stage: Invited 2, Started 2, Submitted 2, Pass 1" in page
    filtered = _text(client.get("/dashboard/candidates?decision=not_yet"))
    assert "1 result" in filtered and "Wanda Weak" in filtered
    bad = client.get("/dashboard/candidates?level=Z9")
    assert bad.status_code == 422 and "level must be one of" in _text(bad)


def test_export_is_filtered_formula_safe_and_audited(db, as_role, scored):
    response = as_role("viewer").get("/dashboard/candidates.csv?decision=pass")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["email"] for r in rows] == ["strong@example.com"]
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    with db.transaction() as s:
        assert s.query(AuditLog).filter_by(action="candidates.export").count() == 1


def _add_issue(db, attempt_id):
    """Give the first answer's score one grammar issue (the fake scorer finds none)."""
    with db.transaction() as s:
        answer = s.get(Attempt, attempt_id).answers[0]
        score = s.get(Score, answer.latest_score.id)
        issue = {"offset": 0, "length": len(answer.text.split()[0]), "category": "grammar",
                 "rule_id": "TEST", "message": "Check this word", "suggestions": ["Word"],
                 "engine": "builtin"}
        score.result = {**score.result, "issues": [issue]}
        return answer.text.split()[0]


def test_detail_page_shows_answers_scores_and_versions(db, as_role, scored):
    attempt_id = scored.attempts["weak@example.com"]
    word = _add_issue(db, attempt_id)
    page = _text(as_role("viewer").get(f"/dashboard/attempts/{attempt_id}"))
    assert f'title="Check this word">{word}<a class="issue-ref"' in page
    for expected in ("Grammar", "Vocabulary", "test-model-1", "builtin", "Integrity timeline",
                     "Errors (1)", "Viewers cannot override results."):
        assert expected in page


def test_override_needs_a_reason_and_is_audited(db, as_role, scored):
    attempt_id = scored.attempts["weak@example.com"]
    client = as_role("recruiter")
    path = f"/dashboard/attempts/{attempt_id}/review"
    refused = post(client, path, {"decision_override": "pass", "reason": ""})
    assert refused.status_code == 422 and "an override needs a reason" in _text(refused)
    nothing = post(client, path, {"reason": "why not"})
    assert nothing.status_code == 422
    done = post(client, path, {"decision_override": "trainable", "cefr_override": "B1",
                               "reason": "Spoke well in the call"})
    assert done.status_code == 302
    with db.transaction() as s:
        attempt = s.get(Attempt, attempt_id)
        assert (attempt.final_decision, attempt.final_cefr) == ("trainable", "B1")
        entry = s.query(AuditLog).filter_by(action="review.override").one()
        # The reason is in the review row; the audit entry has its size only.
        assert entry.details["reason_chars"] == len("Spoke well in the call")
        assert "Spoke well" not in str(entry.details)
        assert entry.details["was"]["decision"] == "not_yet"
    page = _text(client.get(f"/dashboard/attempts/{attempt_id}"))
    assert "overridden" in page and "Spoke well in the call" in page


def test_notes_and_status(db, as_role, scored):
    attempt_id = scored.attempts["strong@example.com"]
    client = as_role("recruiter")
    assert post(client, f"/dashboard/attempts/{attempt_id}/note",
                {"text": "Call on Monday"}).status_code == 302
    assert post(client, f"/dashboard/attempts/{attempt_id}/status",
                {"status": "interview"}).status_code == 302
    assert post(client, f"/dashboard/attempts/{attempt_id}/status",
                {"status": "promoted"}).status_code == 422
    with db.transaction() as s:
        assert s.get(Attempt, attempt_id).candidate.status == "interview"
    page = _text(client.get(f"/dashboard/attempts/{attempt_id}"))
    assert "Call on Monday" in page
    filtered = _text(client.get("/dashboard/candidates?status=interview"))
    assert "1 result" in filtered


def test_printable_report(as_role, scored):
    page = _text(as_role("viewer").get(
        f"/dashboard/attempts/{scored.attempts['strong@example.com']}/report"))
    assert "Writing assessment report" in page and "data-print" in page
    assert 'class="report"' in page


def test_profiles_per_client_account(db, as_role, org):
    client = as_role("recruiter")
    assert post(client, "/dashboard/clients", {"name": "Acme Telecom"}).status_code == 302
    with db.transaction() as s:
        client_id = s.scalar(select(ClientAccount.id).where(ClientAccount.org_id == org.org_id))
    response = post(client, "/dashboard/profiles", {
        "name": "voice-acme", "label": "Voice for Acme", "client_account_id": str(client_id),
        "min_overall": "C1", "min_grammar": "B2", "min_vocabulary": "B2",
        "trainable_margin": "0.25", "max_grammar_errors_per_100": "3"})
    assert response.status_code == 302
    with db.transaction() as s:
        row = s.scalar(select(RoleProfileRow).where(RoleProfileRow.name == "voice-acme"))
        assert row.client_account_id == client_id and row.thresholds["min_overall"] == "C1"
    bad = post(client, "/dashboard/profiles", {"name": "Bad Name!", "label": "x",
                                               "min_overall": "B1", "min_grammar": "B1",
                                               "min_vocabulary": "B1"})
    assert bad.status_code == 422


def test_task_bank(db, as_role, org):
    client = as_role("recruiter")
    response = post(client, "/dashboard/tasks", {"kind": "chat_reply", "title": "Refund chat",
                                                 "prompt": "A customer asks for a refund.",
                                                 "min_words": "30", "max_words": "120"})
    assert response.status_code == 302
    assert "Refund chat" in _text(client.get("/dashboard/tasks"))
    bad = post(client, "/dashboard/tasks", {"kind": "poem", "title": "x", "prompt": "y"})
    assert bad.status_code == 422


def test_other_organisations_are_invisible(db, queue, fake_score, as_role, org, other_org):
    foreign = scored_attempt(db, queue, other_org, "theirs@example.com", "Theirs", 60)
    with db.transaction() as s:
        invitation = s.scalar(select(Invitation.id).join(Candidate).where(
            Candidate.email == "theirs@example.com"))
    client = as_role("admin")
    for path in (f"/dashboard/attempts/{foreign}", f"/dashboard/attempts/{foreign}/report",
                 f"/dashboard/assessments/{other_org.assessment_id}/invitations",
                 f"/dashboard/assessments/{other_org.assessment_id}/preview",
                 f"/dashboard/assessments/{other_org.assessment_id}/edit"):
        assert client.get(path).status_code == 404, path
    for path in (f"/dashboard/invitations/{invitation}/revoke",
                 f"/dashboard/attempts/{foreign}/review",
                 f"/dashboard/assessments/{other_org.assessment_id}/state"):
        assert post(client, path, {"action": "close", "reason": "x",
                                   "decision_override": "pass"}).status_code == 404, path
    assert "Theirs" not in _text(client.get("/dashboard/candidates"))
    assert "theirs@example.com" not in _text(client.get("/dashboard/candidates.csv"))
    assert "theirs@example.com" not in _text(client.get("/dashboard/audit"))
    with db.transaction() as s:
        assert s.get(Invitation, invitation).revoked_at is None


def test_invitation_forms_offer_the_configured_days(dash_app, as_role, org):
    dash_app.config["ASSESSOR_CONFIG"].INVITATION_DAYS = 21
    page = _text(as_role("recruiter").get(f"/dashboard/assessments/{org.assessment_id}/invitations"))
    assert 'id="inv-days" name="days" type="number" min="1" max="365" value="21"' in page
    assert 'id="bulk-days" name="days" type="number" min="1" max="365" value="21"' in page
