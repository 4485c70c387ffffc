"""The whole applicant flow in a real headless Chromium: invitation, consent,
autosave, reload and resume on another device, timer expiry, submit,
feedback, and links that cannot be used. Screenshots of every page land in
bench/out/screenshots/ (phone and desktop)."""
from __future__ import annotations

import re
import time

import pytest

from assessor.scoring.text import word_count

from .conftest import (ANSWER_WITH_ERRORS, WEAK_ANSWER, CHAT_ANSWER, DESKTOP, ESSAY_ANSWER, attempt_of,
                       invite, shift_deadline, shoot)

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def _start(page, base, token, shots: bool = False):
    page.goto(f"{base}/take/{token}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    if shots:
        shoot(page, "01-welcome")
    page.get_by_role("button", name="Continue to the instructions").click()
    expect(page.get_by_role("alert")).to_contain_text("tick the box")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Continue to the instructions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    if shots:
        shoot(page, "02-instructions")
    page.get_by_role("button", name=re.compile("Start the test")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Task 1 of 3")


def _wait_saved(page):
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=15_000)


def test_whole_flow_with_autosave_resume_submit_and_feedback(live, employer, page_factory, db):
    base, _ = live
    who = employer(show_feedback=True, allow_paste=False, max_attempts=2, cooldown_days=7)
    token = who.tokens[0]
    page = page_factory()
    _start(page, base, token, shots=True)
    expect(page.locator("#timer-value")).to_have_text(re.compile(r"^\d+:\d\d:\d\d$|^\d+:\d\d$"))

    # Autosave: type (no button pressed), the script saves within seconds.
    box = page.get_by_label("Your answer")
    box.click()
    box.press_sequentially(ANSWER_WITH_ERRORS[:60], delay=5)
    box.fill(ANSWER_WITH_ERRORS)  # the rest at once, to keep the test quick
    # The page counts words exactly as the server does.
    expect(page.locator("#word-count-n")).to_have_text(str(word_count(ANSWER_WITH_ERRORS)))
    _wait_saved(page)
    shoot(page, "03-task")
    assert attempt_of(db, token).answers[0].draft_text == ANSWER_WITH_ERRORS

    # A reload and another device both resume where the applicant stopped.
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value(ANSWER_WITH_ERRORS)
    other = page_factory(viewport=DESKTOP)
    other.goto(f"{base}/take/{token}")
    # Where the applicant was (Task 1, saved last), not an empty Task 2.
    expect(other.get_by_role("heading", level=1)).to_contain_text("Task 1 of 3")
    expect(other.get_by_label("Your answer")).to_have_value(ANSWER_WITH_ERRORS)

    page.get_by_role("button", name="Next task").click()
    page.get_by_label("Your answer").fill(CHAT_ANSWER)
    page.get_by_role("button", name="Next task").click()
    page.get_by_label("Your answer").fill(ESSAY_ANSWER)
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    shoot(page, "04-review")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("confirm")
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("submitted")
    shoot(page, "05-done")

    page.get_by_role("link", name="See your feedback").click()
    # Waiting state first or straight to feedback: either way it ends on feedback by itself.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback", timeout=60_000)
    expect(page.locator(".marked-answer mark").first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Overall:"))).to_be_visible()
    shoot(page, "07-feedback")
    page.get_by_role("link", name="See your progress across attempts").click()
    expect(page.locator("svg.progress-chart")).to_be_visible()
    # On a phone the attempts table fits: no column is cut off behind a sideways scroll.
    assert page.evaluate("(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.table-wrap'))")
    shoot(page, "08-progress")

    # The used link now leads to the confirmation, never back into the test.
    page.goto(f"{base}/take/{token}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("submitted")
    assert page.errors == [] and other.errors == []


def test_waiting_page_updates_by_itself(live, employer, page_factory, db):
    base, app = live
    who = employer(show_feedback=True)
    token = who.tokens[0]
    queue = app.extensions["assessor"]["queue"]
    page = page_factory()
    _start(page, base, token)
    page.get_by_label("Your answer").fill(ESSAY_ANSWER)
    queue.stop()  # hold scoring so the waiting state is visible
    page.goto(f"{base}/take/{token}/review")
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("link", name="See your feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are being rated")
    shoot(page, "06-waiting")
    queue.start()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback", timeout=60_000)
    assert page.errors == []


def test_timer_expiry_submits_the_answer_as_it_stands(live, employer, page_factory, db):
    base, _ = live
    who = employer(show_feedback=False)
    token = who.tokens[0]
    page = page_factory()
    _start(page, base, token)
    shift_deadline(db, token, 8)
    page.reload()  # the page takes the new deadline from the server
    page.get_by_label("Your answer").fill(ESSAY_ANSWER)  # typed, never saved by a button
    expect(page.get_by_role("heading", level=1)).to_contain_text("submitted", timeout=30_000)
    expect(page.get_by_role("status").first).to_contain_text("time ran out")
    shoot(page, "09-time-up")
    attempt = attempt_of(db, token)
    assert attempt.status in ("submitted", "scored")
    assert "auto_submitted" in attempt.flags
    assert attempt.answers[0].text == ESSAY_ANSWER
    assert page.errors == []


def test_server_enforces_the_deadline_without_the_browser(live, employer, page_factory, db):
    base, _ = live
    who = employer()
    token = who.tokens[0]
    page = page_factory(java_script_enabled=False)
    _start(page, base, token)
    page.get_by_label("Your answer").fill(CHAT_ANSWER)
    page.get_by_role("button", name="Save").click()
    shift_deadline(db, token, -120)  # past the deadline and the grace period
    page.get_by_label("Your answer").fill(CHAT_ANSWER + " More words typed too late.")
    page.get_by_role("button", name="Next task").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("submitted")
    assert attempt_of(db, token).answers[0].text == CHAT_ANSWER


def test_no_javascript_flow_saves_with_the_form(live, employer, page_factory, db):
    base, _ = live
    token = employer().tokens[0]
    page = page_factory(java_script_enabled=False)
    _start(page, base, token)
    expect(page.locator("#timer-value")).to_contain_text("about")
    page.get_by_label("Your answer").fill(CHAT_ANSWER)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")
    assert attempt_of(db, token).answers[0].draft_text == CHAT_ANSWER
    for _ in range(2):
        page.get_by_role("button", name=re.compile("Next task|Review and submit")).click()
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("submitted")


def test_paste_blocked_and_integrity_events_recorded(live, employer, page_factory, db):
    base, _ = live
    token = employer(allow_paste=False).tokens[0]
    page = page_factory()
    _start(page, base, token)
    box = page.get_by_label("Your answer")
    box.click()
    box.press_sequentially("I am typing this answer myself, word by word.", delay=20)
    page.evaluate("""() => {
        const dt = new DataTransfer(); dt.setData('text/plain', 'copied text from somewhere else');
        document.getElementById('answer').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
    }""")
    expect(page.locator("#paste-note")).to_contain_text("Pasting is turned off")
    expect(page.locator("#paste-note")).to_be_visible()  # on a phone too, not only for readers
    shoot(page, "09-paste-blocked")
    expect(box).to_have_value("I am typing this answer myself, word by word.")
    # Text a script puts in, announced as typing but with no key pressed.
    page.wait_for_timeout(2200)  # a new burst (the page splits bursts at 2 s pauses)
    page.evaluate("""() => {
        const box = document.getElementById('answer'), more = ' injected'.repeat(40);
        box.value += more;
        box.dispatchEvent(new InputEvent('input', {inputType: 'insertText', data: more, bubbles: true}));
    }""")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.get_by_role("button", name="Save").click()  # blur + form post deliver the events
    deadline = time.time() + 10
    while time.time() < deadline:
        attempt = attempt_of(db, token)
        kinds = {e["type"] for e in attempt.answers[0].integrity_events}
        if {"paste", "typing_burst", "task_time"} <= kinds:
            break
        time.sleep(0.3)
    paste = [e for e in attempt.answers[0].integrity_events if e["type"] == "paste"]
    assert paste and paste[0]["chars"] == len("copied text from somewhere else")
    assert paste[0]["blocked"] is True
    assert {"paste", "typing_burst", "task_time"} <= kinds
    # Nothing reached the answer, so no "Pasted text" flag; the script's text is flagged.
    assert "paste" not in attempt.flags
    assert {"no_key_events", "inhuman_typing"} <= set(attempt.flags)
    assert attempt.status == "started"


@pytest.mark.parametrize("setup, heading", [
    ("expired", "This link has expired"),
    ("revoked", "This link has been withdrawn"),
    ("unknown", "This link is not valid"),
])
def test_links_that_cannot_be_used(live, employer, page_factory, db, setup, heading):
    from datetime import timedelta

    from sqlalchemy import select

    from assessor.db import models as m
    from assessor.db.base import utcnow

    base, _ = live
    who = employer()
    token = who.tokens[0]
    with db.transaction() as s:
        invitation = s.scalar(select(m.Invitation).where(m.Invitation.assessment_id == who.assessment_id))
        if setup == "expired":
            invitation.expires_at = utcnow() - timedelta(days=1)
        elif setup == "revoked":
            invitation.revoked_at = utcnow()
    page = page_factory()
    page.goto(f"{base}/take/{token if setup != 'unknown' else 'not-a-real-link'}")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    shoot(page, f"10-link-{setup}")


def test_keyboard_only_and_200_percent_zoom(live, employer, page_factory):
    base, _ = live
    token = employer().tokens[0]
    # 200 % zoom of a 1280 px window: the layout gets 640 CSS pixels.
    page = page_factory(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page.goto(f"{base}/take/{token}")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    # Tick the consent box and continue with the keyboard only.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "consent":
            break
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Before you start")
    page.get_by_role("button", name=re.compile("Start the test")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Task 1 of 3")
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order.index("answer") < order.index("Save") < order.index("Next task")
    wide = page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, "horizontal scrolling at 200 % zoom"
    shoot(page, "11-zoom-task")


def test_retake_after_not_yet_links_to_progress(live, employer, page_factory, db):
    base, _ = live
    who = employer(show_feedback=True, max_attempts=3, cooldown_days=0)
    first = who.tokens[0]
    page = page_factory()
    _start(page, base, first)
    page.get_by_label("Your answer").fill(WEAK_ANSWER)
    page.goto(f"{base}/take/{first}/review")
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.goto(f"{base}/take/{first}/feedback")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback", timeout=60_000)
    second = invite(db, who, "applicant0@example.com", "Applicant 0")
    _start(page, base, second)
    page.get_by_label("Your answer").fill(ANSWER_WITH_ERRORS)
    page.goto(f"{base}/take/{second}/review")
    page.get_by_label("I have finished").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.goto(f"{base}/take/{second}/feedback")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your feedback", timeout=60_000)
    page.goto(f"{base}/progress/{second}")
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("svg.progress-chart circle")).to_have_count(2)
    shoot(page, "12-progress-two")


def test_offline_typing_is_kept_on_the_device_and_saved_later(live, employer, page_factory, db):
    base, _ = live
    token = employer().tokens[0]
    page = page_factory()
    _start(page, base, token)
    page.context.set_offline(True)
    page.get_by_label("Your answer").fill(CHAT_ANSWER)
    page.get_by_label("Your answer").blur()
    expect(page.locator("#save-status")).to_contain_text("offline", timeout=15_000)
    assert not attempt_of(db, token).answers[0].draft_text
    # The connection comes back: the retry saves without the applicant doing anything.
    page.context.set_offline(False)
    _wait_saved(page)
    assert attempt_of(db, token).answers[0].draft_text == CHAT_ANSWER

    # A crash before any save reached the server leaves the text only in this
    # browser's storage (simulated from a page without the autosave script,
    # since a real tab close still sends a last-chance save); the next visit
    # restores it and saves it.
    form = page.locator("#task-form")
    key = f"assessor:{form.get_attribute('data-attempt')}:{form.get_attribute('data-task-id')}"
    lost = CHAT_ANSWER + " Typed just before the crash."
    page.goto(f"{base}/take/{token}/review")
    page.evaluate("([k, t]) => localStorage.setItem(k, JSON.stringify({text: t, at: Date.now(), synced: false}))",
                  [key, lost])
    page.goto(f"{base}/take/{token}/task/1")
    expect(page.locator("#restore-note")).to_contain_text("restored")
    expect(page.get_by_label("Your answer")).to_have_value(lost)
    _wait_saved(page)
    assert attempt_of(db, token).answers[0].draft_text == lost
    shoot(page, "13-restored")


def test_step_pills_move_and_keep_the_text(live, employer, page_factory, db):
    base, _ = live
    token = employer().tokens[0]
    page = page_factory()
    _start(page, base, token)
    page.get_by_label("Your answer").fill("Half of my first answer")
    page.get_by_role("button", name="Task 3").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Task 3 of 3")
    shoot(page, "10-step-pills")
    page.get_by_role("button", name="Task 1").click()
    expect(page.get_by_label("Your answer")).to_have_value("Half of my first answer")
    page.get_by_label("Your answer").press_sequentially(", and a little more", delay=5)
    _wait_saved(page)
    # Reopening the link lands on the task saved last, not an empty next one.
    page.goto(f"{base}/take/{token}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Task 1 of 3")
    assert page.errors == []
