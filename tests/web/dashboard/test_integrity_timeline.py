"""The detail page's integrity section: a summary above a merged timeline in
labelled UTC times, blocked pastes not counted, and answers without events
(the API) saying that nothing could be seen."""
from __future__ import annotations

from assessor.services import save_draft
from assessor.services.integrity import NO_EVENTS_NOTE
from tests.support.dashboard import scored_attempt


def test_api_answers_say_no_events_were_recorded(db, queue, fake_score, org, as_role):
    attempt_id = scored_attempt(db, queue, org, "api@example.com", "Api Person", 60)
    page = as_role("viewer").get(f"/dashboard/attempts/{attempt_id}").get_data(as_text=True)
    assert NO_EVENTS_NOTE in page.replace("&#39;", "'")


def _with_events(db, queue, org, events) -> tuple[int, list[str]]:
    """An attempt written in the browser: a draft with its events, then submitted."""
    from assessor import services
    from assessor.db.models import Assessment, User
    from tests.support.dashboard import words

    with db.transaction() as s:
        admin = s.query(User).filter_by(email=org.emails["admin"]).one()
        invitation, _ = services.invite(s, admin, s.get(Assessment, org.assessment_id),
                                        "web@example.com", "Web Person")
        attempt, _ = services.start_attempt(s, invitation, consent=True)
        for n, item in enumerate(attempt.assessment.items):
            text = words(60, f"web{n}")
            save_draft(s, attempt, item.task_id, text, events if n == 0 else None)
            services.submit_answer(s, attempt, item.task_id, text)
        ids, flags = [a.id for a in attempt.answers], list(attempt.flags)
        attempt_id = attempt.id
    for answer_id in ids:
        queue.enqueue_score(answer_id)
    queue.run_pending()
    return attempt_id, flags


def test_timeline_summary_and_blocked_paste(db, queue, fake_score, org, as_role):
    events = [{"type": "paste", "chars": 12, "blocked": True, "at": "2026-01-01T10:00:00Z"},
              {"type": "blur", "at": "2026-01-01T10:00:05.001Z"},
              {"type": "blur", "at": "2026-01-01T10:00:05.001Z"},
              {"type": "typing_burst", "chars": 641, "ms": 4900, "keys": 641,
               "at": "2026-01-01T10:01:00Z"},
              {"type": "task_time", "ms": 120_000, "at": "2026-01-01T10:02:00Z"}]
    attempt_id, flags = _with_events(db, queue, org, events)
    assert "paste" not in flags and {"focus_lost", "inhuman_typing"} <= set(flags)
    page = as_role("viewer").get(f"/dashboard/attempts/{attempt_id}").get_data(as_text=True)
    assert "Paste blocked (12 characters, none reached the answer)" in page
    assert "10:00:05 UTC" in page and "(×2)" in page
    assert "Time on task</dt><dd>2.0 min" in page and "Focus losses</dt><dd>2" in page
    assert "faster than a person types" in page


def test_a_saved_draft_reads_saved_not_submitted(db, org, as_role):
    from assessor import services
    from assessor.db.models import Assessment, User

    with db.transaction() as s:
        admin = s.query(User).filter_by(email=org.emails["admin"]).one()
        invitation, _ = services.invite(s, admin, s.get(Assessment, org.assessment_id),
                                        "draft@example.com", "Dee Draft")
        attempt, _ = services.start_attempt(s, invitation, consent=True)
        save_draft(s, attempt, attempt.assessment.items[0].task_id, "four words of draft")
        attempt_id = attempt.id
    page = as_role("viewer").get(f"/dashboard/attempts/{attempt_id}").get_data(as_text=True)
    assert "Saved, not submitted: a draft of 4 words." in page and "unsaved" not in page
    assert "No answer written." in page  # the task not touched
