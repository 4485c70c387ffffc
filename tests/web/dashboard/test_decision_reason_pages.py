"""The decision's plain-words reason is the same on the list, the detail, the
report, the export and the API, and an unrated answer shows its real state."""
from __future__ import annotations

import csv
import io

import pytest

from assessor.db.models import Attempt, Score
from assessor.services import summarise
from tests.support.dashboard import post, scored_attempt

SHORT = "The answer has 18 words; at least 20 are needed for a reliable level."


def _too_short(db, attempt_id):
    """Store what the scorer returns for an 18-word answer (the fake scorer rates everything)."""
    with db.transaction() as s:
        attempt = s.get(Attempt, attempt_id)
        for answer in attempt.answers:
            score = s.get(Score, answer.latest_score.id)
            score.result = {**score.result, "status": "insufficient_text", "level": None,
                            "cefr": None, "decision": {"outcome": None, "profile": "voice",
                                                       "reasons": [f"No decision: {SHORT}"],
                                                       "needs_review": True}}
            score.decision, score.needs_review = None, True
        summarise(attempt)


@pytest.fixture
def people(db, queue, fake_score, org):
    scored_attempt(db, queue, org, "weak@example.com", "Wanda Weak", 40)
    _too_short(db, scored_attempt(db, queue, org, "short@example.com", "Sam Short", 18))
    return org


def test_list_shows_the_reason_and_the_real_state(as_role, people):
    page = as_role("viewer").get("/dashboard/candidates").get_data(as_text=True)
    assert "Too short to rate" in page and SHORT in page
    assert "length rule" in page  # the stand-in scorer's reason for "not yet"
    table = page[page.index("<table"):]
    assert ">scored<" not in table and ">Pending<" not in table
    assert table.count("badge-review") == 1  # the unrated one still waits for a person


def test_override_is_marked_and_explained_everywhere(db, as_role, people):
    attempt_id = people.attempts["weak@example.com"]
    client = as_role("recruiter")
    assert post(client, f"/dashboard/attempts/{attempt_id}/review",
                {"decision_override": "pass", "reason": "Strong interview"}).status_code == 302
    changed = "A recruiter changed the decision from Not yet to Pass."
    listing = client.get("/dashboard/candidates").get_data(as_text=True)
    assert "badge-overridden" in listing and changed in listing
    for path in (f"/dashboard/attempts/{attempt_id}", f"/dashboard/attempts/{attempt_id}/report"):
        page = client.get(path).get_data(as_text=True)
        assert changed in page and "Strong interview" in page
    body = client.get("/dashboard/candidates.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = {r["email"]: r for r in csv.DictReader(io.StringIO(body))}
    assert rows["weak@example.com"]["decision_reason"] == changed
    assert rows["short@example.com"]["decision_reason"].endswith(SHORT)
