"""Stored XSS through names, answers and CSV imports is rendered escaped on
every page; exports neutralise spreadsheet formulas; every page type sends
the security headers and the strict Content-Security-Policy."""
from __future__ import annotations

import csv
import io

import pytest

from assessor.web.security import CSP, HEADERS
from tests.security.conftest import FORMULA, XSS
from tests.support.dashboard import csrf_of

LIVE_MARKUP = ("<script>alert(1)", "<img src=x onerror")


def _assert_escaped(html: str, where: str) -> None:
    for markup in LIVE_MARKUP:
        assert markup not in html, f"{where} renders {markup!r} unescaped"


def _dashboard_pages(attempt_id: int, assessment_id: int) -> list[str]:
    return ["/dashboard/candidates", f"/dashboard/attempts/{attempt_id}",
            f"/dashboard/attempts/{attempt_id}/report", "/dashboard/audit",
            f"/dashboard/assessments/{assessment_id}/invitations"]


def test_names_and_answers_are_escaped_on_dashboard_pages(as_role, org, hostile_attempt):
    admin = as_role("admin")
    detail = admin.get(f"/dashboard/attempts/{hostile_attempt[0]}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in detail  # shown, as text
    for path in _dashboard_pages(hostile_attempt[0], org.assessment_id):
        response = admin.get(path)
        assert response.status_code == 200, path
        _assert_escaped(response.get_data(as_text=True), path)


def test_answers_are_escaped_on_the_applicant_pages(client, hostile_attempt):
    token = hostile_attempt[1]
    for path in (f"/take/{token}/feedback", f"/take/{token}/status", f"/take/{token}/done",
                 f"/progress/{token}"):
        response = client.get(path)
        assert response.status_code in (200, 302, 404), path
        _assert_escaped(response.get_data(as_text=True), path)


def test_csv_import_names_are_escaped(as_role, org):
    admin = as_role("admin")
    token = csrf_of(admin.get("/dashboard/tasks").get_data(as_text=True))
    body = "email,name\nimport@example.com,\"" + XSS.replace('"', '""') + "\"\n"
    response = admin.post(f"/dashboard/assessments/{org.assessment_id}/invitations/bulk",
                          data={"csrf_token": token, "csv": body}, follow_redirects=True)
    assert response.status_code == 200
    page = admin.get(f"/dashboard/assessments/{org.assessment_id}/invitations")
    assert "import@example.com" in page.get_data(as_text=True), "the import created nothing"
    assert "&lt;script&gt;" in page.get_data(as_text=True)
    _assert_escaped(response.get_data(as_text=True), "bulk result")
    _assert_escaped(page.get_data(as_text=True), "invitations")
    _assert_escaped(admin.get("/dashboard/candidates").get_data(as_text=True), "candidates")


def test_export_neutralises_formulas_and_keeps_the_text(as_role, db, queue, org, hostile_attempt):
    from tests.support.dashboard import scored_attempt

    scored_attempt(db, queue, org, "formula@example.com", FORMULA, 60)
    response = as_role("admin").get("/dashboard/candidates.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the export is empty"
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert any(XSS in cell for cell in cells), "the name is not exported verbatim as text"
    assert any(FORMULA in cell for cell in cells), "the formula-like name was dropped, not defused"


def _page_types(token: str, attempt_id: int) -> list[tuple[str, str]]:
    return [("login", "/login"), ("dashboard", "/dashboard"),
            ("detail", f"/dashboard/attempts/{attempt_id}"), ("export", "/dashboard/candidates.csv"),
            ("applicant", f"/take/{token}"), ("applicant feedback", f"/take/{token}/feedback"),
            ("docs", "/docs"), ("openapi", "/openapi.json"), ("health", "/healthz"),
            ("not found", "/no/such/page"), ("api error", "/api/v1/me")]


@pytest.mark.parametrize("signed_in", [True, False])
def test_security_headers_on_every_page_type(as_role, dash_app, hostile_attempt, signed_in):
    client = as_role("admin") if signed_in else dash_app.test_client()
    for kind, path in _page_types(hostile_attempt[1], hostile_attempt[0]):
        response = client.get(path)
        for name, value in HEADERS.items():
            assert response.headers.get(name) == value, (kind, name)
        csp = response.headers.get("Content-Security-Policy", "")
        if kind == "docs":
            # The API docs page may loosen style for its viewer, but never scripts.
            assert "script-src 'self'" in csp and "unsafe" not in csp.split("script-src")[1].split(";")[0]
        else:
            assert csp == CSP, kind
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "frame-ancestors 'none'" in CSP
