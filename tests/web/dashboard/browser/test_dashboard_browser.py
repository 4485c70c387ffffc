"""The dashboard in a real headless Chromium: sign-in, creating an
assessment, bulk invite, the candidate table, detail, override and export.
Answers are submitted through the applicant API and scored by the real
scorer in the embedded worker."""
from __future__ import annotations

import csv
import io
import re

import pytest
import requests

from tests.support.dashboard import PASSWORD, make_org
from .conftest import shoot, wait_until

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

GOOD = ("Dear Mr Patel,\n\nThank you for contacting us about your delayed order. I have checked "
        "the tracking details and the parcel left our warehouse this morning, so it should reach "
        "you within two working days. If it has not arrived by Friday, please reply to this email "
        "and I will arrange a full refund or a replacement, whichever you prefer.\n\nKind regards,\nSam")
WEAK = ("hello sir i am sorry for you problem. we send you order yesterday and it come tomorrow "
        "maybe. if it not come you can call to us again and we check it for you. thank you very "
        "much for you patient and have nice day sir")
MIDDLE = ("Hello, thanks for your message. I am sorry your order is late. I checked and the "
          "parcel was send yesterday, it will arrive in two or three days. If you dont receive "
          "it please write again and we will help you to get refund. Have a good day.")


def _answer(live, token: str, text: str, task_ids: list[int]) -> None:
    headers = {"X-Invitation-Token": token}
    started = requests.post(f"{live.base}/api/v1/applicant/attempt", headers=headers, json={"consent": True}, timeout=30)
    assert started.status_code in (200, 201), started.text
    for task_id in task_ids:
        sent = requests.post(f"{live.base}/api/v1/applicant/answers/{task_id}/submit",
                             headers=headers, json={"text": text}, timeout=30)
        assert sent.status_code in (200, 201, 202), sent.text


@pytest.fixture(scope="module")
def org(live):
    """An organisation with 12 scored candidates (so the table has two
    pages of ten), one of them named like a spreadsheet formula."""
    from assessor import services
    from assessor.db.models import Assessment, Attempt, Job, User

    org = make_org(live.db, "Browser BPO")
    people = [("=SUM(1+1)", "formula@example.com", WEAK), ("Grace Good", "grace@example.com", GOOD),
              ("Mel Middle", "mel@example.com", MIDDLE)]
    people += [(f"Candidate {n:02d}", f"c{n:02d}@example.com", (GOOD, WEAK, MIDDLE)[n % 3])
               for n in range(9)]
    tokens = []
    with live.db.transaction() as s:
        admin = s.query(User).filter_by(email=org.emails["admin"]).one()
        assessment = s.get(Assessment, org.assessment_id)
        for name, email, text in people:
            tokens.append((services.invite(s, admin, assessment, email, name)[1], text))
    for token, text in tokens:
        _answer(live, token, text, org.task_ids)

    def all_scored():
        with live.db.transaction() as s:
            failed = s.query(Job).filter(Job.status == "failed").first()
            assert failed is None, f"scoring failed: {failed.last_error}"
            return s.query(Attempt).filter(Attempt.status != "scored").count() == 0
    wait_until(all_scored, timeout=300)
    return org


def sign_in(page, live, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live.base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    go(page, "Sign in")


def nav(page, name: str) -> None:
    go(page, page.get_by_role("navigation", name="Main").get_by_role("link", name=name,
                                                                     exact=True))


def go(page, target) -> None:
    """Click a link or submit button and wait for the page it loads, so that
    nothing is read from the page before."""
    if isinstance(target, str):
        target = page.get_by_role("button", name=target)
    with page.expect_navigation():
        target.click()


def test_sign_in(page, live, org):
    page.goto(f"{live.base}/dashboard/candidates")
    assert "/login" in page.url
    shoot(page, "login")
    # Keyboard first: the skip link is the first stop.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    sign_in(page, live, org.emails["recruiter"], "not the password")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "Wrong email or password."
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url("**/dashboard/candidates")
    cookie = next(c for c in page.context.cookies() if c["name"] == "session")
    # Secure too: Chromium accepts Secure cookies from 127.0.0.1 over plain HTTP.
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["secure"]
    go(page, "Sign out")
    assert page.url.endswith("/login")


def test_create_assessment(page, live, org):
    sign_in(page, live, org.emails["recruiter"])
    nav(page, "Assessments")
    shoot(page, "assessments")
    go(page, page.get_by_role("link", name="New assessment"))
    page.get_by_label("Title").fill("Chat agents for Acme")
    page.get_by_label("Role profile").select_option(label="Live chat support — B2")
    page.get_by_label("Minimum overall").select_option("B2")
    page.get_by_role("checkbox", name="Task email_reply").check()
    page.get_by_label("Maximum words for Task email_reply").fill("180")
    page.get_by_label("Time limit (minutes)").fill("30")
    shoot(page, "assessment-new")
    page.get_by_role("button", name="Create assessment").click()
    page.wait_for_url(re.compile(r"/dashboard/assessments/\d+/invitations"))
    assert "created" in page.get_by_role("status").inner_text()
    nav(page, "Assessments")
    card = page.locator(".card", has_text="Chat agents for Acme")
    assert "Open" in card.inner_text() and "1 task" in card.inner_text()
    go(page, card.get_by_role("link", name=re.compile("^Preview")))
    assert "Nothing you type here is saved" in page.content()
    page.get_by_label("Your answer").fill("one two three")
    assert page.locator("#main [aria-live]").first.inner_text().startswith("3 words")
    shoot(page, "preview")


def test_bulk_invite(page, live, org, tmp_path):
    sign_in(page, live, org.emails["recruiter"])
    page.goto(f"{live.base}/dashboard/assessments/{org.assessment_id}/invitations")
    upload = tmp_path / "people.csv"
    upload.write_text("email,name\nnew1@example.com,New One\nbroken-address,Broken\n"
                      "new2@example.com,New Two\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(upload))
    go(page, "Upload and invite")
    expect(page.get_by_role("heading", name="2 new links")).to_be_visible()
    expect(page.get_by_role("heading", name="1 row not invited")).to_be_visible()
    assert "broken-address" in page.locator(".errors table").inner_text()
    link = page.get_by_label("Link for new1@example.com").input_value()
    assert link.startswith(f"{live.base}/take/")
    shoot(page, "invitations-bulk")
    old_link = page.get_by_label("Link for new2@example.com").input_value()
    go(page, "Resend to new2@example.com")
    new_link = page.get_by_label("Link for new2@example.com").input_value()
    assert new_link.startswith(f"{live.base}/take/") and new_link != old_link
    page.once("dialog", lambda d: d.accept())
    go(page, "Revoke link for new1@example.com")
    row = page.locator("tr", has_text="new1@example.com")
    assert "Revoked" in row.inner_text()


def test_candidate_table(page, live, org):
    sign_in(page, live, org.emails["viewer"])
    assert "12 results" in page.locator("#result-count").inner_text()
    assert page.locator("svg[role=img]").count() == 2
    shoot(page, "candidates")
    page.get_by_label("Rows per page").select_option("10")
    go(page, "Apply filters")
    assert page.locator("table.candidates tbody tr").count() == 10
    go(page, page.get_by_role("link", name="Next page"))
    assert page.locator("table.candidates tbody tr").count() == 2
    go(page, page.get_by_role("link", name="Level"))
    header = page.locator("th[aria-sort]")
    assert header.inner_text().startswith("Level")
    page.get_by_label("Search name or email").fill("grace")
    go(page, "Apply filters")
    assert "1 result" in page.locator("#result-count").inner_text()
    go(page, page.get_by_role("link", name="Clear"))
    counts = {}
    for value, label in (("pass", "Pass"), ("trainable", "Trainable"), ("not_yet", "Not yet")):
        page.get_by_label("Decision").select_option(value)
        go(page, "Apply filters")
        counts[value] = int(page.locator("#result-count").inner_text().split()[0])
        badges = page.locator("table.candidates td[data-label=Decision] .badge:first-child")
        assert set(badges.all_inner_texts()) <= {label}
    assert sum(counts.values()) == 12  # every scored candidate has exactly one decision


def test_detail_and_override(page, live, org):
    sign_in(page, live, org.emails["recruiter"])
    page.get_by_label("Search name or email").fill("formula@")
    go(page, "Apply filters")
    go(page, page.get_by_role("link", name="=SUM(1+1)"))
    assert page.locator("mark.issue").count() >= 1  # the weak answer's errors are marked
    expect(page.get_by_role("table", name="Scores").first).to_be_visible()
    if live.stand_in_reason is None:  # the stand-in scorer has no vocabulary profile
        assert page.locator("figure.vocab svg").count() >= 1
    assert "Model version" in page.content()
    shoot(page, "detail")
    before = page.locator(".summary").inner_text()
    page.get_by_label("New decision").select_option("trainable")
    page.get_by_label("Reason (required, kept in the audit log)").fill(
        "Strong phone interview; writing can be trained")
    go(page, "Save override")
    assert "Override saved" in page.get_by_role("status").inner_text()
    summary = page.locator(".summary").inner_text()
    assert "Trainable" in summary and "Overridden" in summary and summary != before
    assert "A recruiter changed the decision from" in summary  # the reason says what changed
    page.get_by_label("Candidate status").select_option("shortlisted")
    go(page, "Save status")
    page.get_by_label("New note").fill("Call back Tuesday")
    go(page, "Add note")
    assert "Call back Tuesday" in page.locator("#notes").inner_text()
    go(page, page.get_by_role("link", name="Printable report"))
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.emulate_media(media="screen")
    shoot(page, "report")


def test_export(page, live, org):
    sign_in(page, live, org.emails["viewer"])
    page.get_by_label("Search name or email").fill("example.com")
    go(page, "Apply filters")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Export CSV")).click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 12
    formula = next(r for r in rows if r["email"] == "formula@example.com")
    assert formula["name"] == "'=SUM(1+1)"


def test_admin_pages(page, live, org):
    sign_in(page, live, org.emails["admin"])
    for link, name in (("Task bank", "tasks"), ("Thresholds", "profiles"), ("Users", "users"),
                       ("Audit log", "audit")):
        nav(page, link)
        assert page.locator("h1").inner_text()
        shoot(page, name)
    page.get_by_label("Action").select_option("invitation.bulk")
    go(page, "Filter")
    assert "invitation.bulk" in page.locator("table.audit").inner_text()


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_keyboard_only(page, live, org):
    page.goto(f"{live.base}/login")
    _tab_to(page, "#email")
    page.keyboard.type(org.emails["recruiter"])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard/candidates")
    # The skip link jumps over the navigation straight to the page's content.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    _tab_to(page, "#q", limit=3)
    _tab_to(page, "table.candidates tbody a")
    name = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard/attempts/\d+$"))
    assert page.locator("h1").inner_text() == name
    _tab_to(page, "#note-text")
    page.keyboard.type("Reached by keyboard")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**#notes")
    assert "Reached by keyboard" in page.locator("#notes").inner_text()
