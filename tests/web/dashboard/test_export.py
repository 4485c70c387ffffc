"""The candidate export as CSV and XLSX: the same rows in both, the trait
levels, the client account and the override (reason, reviewer, time, final
vs computed decision), no formula in either file, and every export audited."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from assessor.db.models import Assessment, Attempt, AuditLog, ClientAccount, Score, User
from assessor.services import record_review
from assessor.services.export import EXPORT_COLUMNS
from tests.support.dashboard import post, scored_attempt

FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture
def exported(db, queue, fake_score, org, as_role):
    """Two scored attempts (one named like a formula) of an assessment for a
    client account; the weak one's grammar raised to B1 and its decision
    overridden by the recruiter."""
    weak = scored_attempt(db, queue, org, "weak@example.com", "Wanda Weak", 20)
    scored_attempt(db, queue, org, "strong@example.com", FORMULA, 130)
    with db.transaction() as s:
        client = ClientAccount(org_id=org.org_id, name="+Acme Telecom")
        s.add(client)
        s.flush()
        s.get(Assessment, org.assessment_id).client_account_id = client.id
        for answer in s.get(Attempt, weak).answers:
            score = s.get(Score, answer.latest_score.id)
            score.result = {**score.result, "grammar": {**score.result["grammar"], "level": 3.0}}
    done = post(as_role("recruiter"), f"/dashboard/attempts/{weak}/review",
                {"decision_override": "trainable", "reason": "Spoke well in the call"})
    assert done.status_code == 302
    return org


def _csv_rows(client, query=""):
    response = client.get(f"/dashboard/candidates.csv{query}")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _xlsx_sheet(client, query=""):
    response = client.get(f"/dashboard/candidates.xlsx{query}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(response.get_data()))["Candidates"]


def test_csv_has_traits_client_and_the_override(exported, as_role):
    rows = {r["email"]: r for r in _csv_rows(as_role("viewer"))}
    weak = rows["weak@example.com"]
    assert list(weak)[:16] == list(EXPORT_COLUMNS)[:16]  # the old columns stay first
    assert (weak["computed_decision"], weak["decision"]) == ("not_yet", "trainable")
    assert (weak["grammar_level"], weak["grammar_score"]) == ("B1", "41.7")
    assert (weak["vocabulary_level"], weak["vocabulary_score"]) == ("A2", "16.7")
    assert weak["client_account"] == "'+Acme Telecom"  # defused like every cell
    assert weak["override_reason"] == "Spoke well in the call"
    assert weak["override_reviewer"] == f"Recruiter {exported.org_id}"  # as the dashboard names them
    assert datetime.fromisoformat(weak["override_at"]).utcoffset().total_seconds() == 0
    strong = rows["strong@example.com"]
    assert strong["name"] == "'" + FORMULA
    assert strong["override_reason"] == strong["override_reviewer"] == strong["override_at"] == ""


def test_xlsx_has_the_same_rows_and_no_formula(exported, as_role):
    client = as_role("viewer")
    sheet = _xlsx_sheet(client, "?sort=name&order=asc")
    header, *cells = list(sheet.iter_rows())
    assert tuple(c.value for c in header) == EXPORT_COLUMNS
    assert all(c.data_type != "f" for row in cells for c in row)
    table = [[c.value for c in row] for row in cells]
    by_name = {row[1]: dict(zip(EXPORT_COLUMNS, row)) for row in table}
    assert by_name[FORMULA]["email"] == "strong@example.com"  # the text itself, not a formula
    weak = by_name["Wanda Weak"]
    assert isinstance(weak["attempt_id"], int) and weak["grammar_score"] == 41.7
    assert weak["client_account"] == "+Acme Telecom"
    assert (weak["computed_decision"], weak["decision"]) == ("not_yet", "trainable")
    # The same rows as the CSV: compare as the CSV writes them (defused text).
    from assessor.services.export import safe_cell

    csv_rows = [list(r.values()) for r in _csv_rows(client, "?sort=name&order=asc")]
    assert [[safe_cell(v) for v in row] for row in table] == csv_rows


def test_both_exports_are_filtered_and_audited(db, exported, as_role):
    client = as_role("viewer")
    assert [r["email"] for r in _csv_rows(client, "?decision=pass")] == ["strong@example.com"]
    sheet = _xlsx_sheet(client, "?decision=pass")
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["strong@example.com"]
    with db.transaction() as s:
        entries = s.scalars(select(AuditLog).where(AuditLog.action == "candidates.export")
                            .order_by(AuditLog.id)).all()
        assert [e.details["format"] for e in entries] == ["csv", "xlsx"]
        assert "pass" in str(entries[1].details["filters"]["decision"])


def test_the_candidate_table_links_both_exports(exported, as_role):
    page = as_role("viewer").get("/dashboard/candidates?decision=pass").get_data(as_text=True)
    assert "/dashboard/candidates.csv?" in page and "/dashboard/candidates.xlsx?" in page


def test_the_latest_override_counts_not_a_later_note(db, exported, as_role):
    weak = exported.attempts["weak@example.com"]
    path = f"/dashboard/attempts/{weak}/review"
    assert post(as_role("admin"), path, {"cefr_override": "B1",
                                         "reason": "Second opinion"}).status_code == 302
    with db.transaction() as s:  # a review note without an override (the API allows it)
        recruiter = s.scalars(select(User).where(User.email == exported.emails["recruiter"])).one()
        record_review(s, recruiter, s.get(Attempt, weak), {"note": "Called back"})
    row = {r["email"]: r for r in _csv_rows(as_role("viewer"))}["weak@example.com"]
    assert row["override_reason"] == "Second opinion"
    assert row["override_reviewer"] == f"Admin {exported.org_id}"
    assert (row["level"], row["computed_level"], row["decision"]) == ("B1", "A2", "trainable")


def test_xlsx_drops_characters_xml_cannot_hold(db, exported, as_role):
    with db.transaction() as s:
        s.get(Attempt, exported.attempts["weak@example.com"]).candidate.name = "Wanda\x01 Weak"
    sheet = _xlsx_sheet(as_role("viewer"), "?sort=name&order=desc")
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Wanda Weak", FORMULA]
