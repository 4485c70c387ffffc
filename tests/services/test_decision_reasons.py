"""The one plain-words account of a decision that every page shows."""
from __future__ import annotations

from assessor.services.decision_reasons import TaskResult, explain_results


def _task(number, outcome, *reasons, status="scored", title=None):
    return TaskResult(number, title or f"T{number}",
                      {"status": status, "decision": {"outcome": outcome, "reasons": list(reasons)}})


AT_BAR = "Overall level is C1, only just at this role's bar (C1); a recruiter should confirm it."
REVIEW = "Needs human review: The level is within a quarter level of the bar."


def test_trainable_at_the_bar_says_why_not_pass():
    got = explain_results("scored", "trainable", "trainable", True, [_task(1, "trainable", AT_BAR, REVIEW)])
    assert (got.state, got.label) == ("trainable", "Trainable")
    assert got.reasons == [AT_BAR]
    assert got.review == ["The level is within a quarter level of the bar."]
    assert got.summary == AT_BAR


def test_only_the_deciding_tasks_explain_the_outcome_named_by_task():
    tasks = [_task(1, "pass", "Meets the Voice bar: overall C1, grammar C1, vocabulary C1."),
             _task(2, "not_yet", "Grammar is B1; this role needs C1.", title="Chat reply")]
    got = explain_results("scored", "not_yet", "not_yet", False, tasks)
    assert got.reasons == ["Task 2 (Chat reply): Grammar is B1; this role needs C1."]
    assert got.review == []  # nothing to review when the attempt does not need it


def test_an_answer_too_short_to_rate_says_so_instead_of_pending():
    short = "No decision: The answer has 18 words; at least 20 are needed for a reliable level."
    got = explain_results("scored", None, None, True, [_task(1, None, short, status="insufficient_text")])
    assert (got.state, got.label) == ("too_short", "Too short to rate")
    assert got.reasons == ["The answer has 18 words; at least 20 are needed for a reliable level."]


def test_an_override_names_the_change_and_keeps_the_recruiters_words_apart():
    got = explain_results("scored", "trainable", "pass", False, [_task(1, "trainable", AT_BAR)],
                          override_reason="Strong interview")
    assert got.overridden and got.computed == "trainable"
    assert got.reasons == ["A recruiter changed the decision from Trainable to Pass."]
    assert got.override_reason == "Strong interview"
    assert "Strong interview" not in got.summary


def test_each_task_says_its_reasons_in_one_line():
    tasks = [_task(1, "not_yet", "Overall level is A2; this role needs B2.",
                   "Grammar is A1; this role needs B2.", title="Late delivery"),
             _task(2, "not_yet", "Grammar is A2; this role needs B2.", title="Chat")]
    got = explain_results("scored", "not_yet", "not_yet", False, tasks)
    assert got.reasons == ["Task 1 (Late delivery): Overall level is A2; this role needs B2. "
                           "Grammar is A1; this role needs B2.",
                           "Task 2 (Chat): Grammar is A2; this role needs B2."]


def test_unfinished_attempts_have_a_state_not_a_decision():
    assert explain_results("started", None, None, False, []).label == "In progress"
    assert explain_results("submitted", None, None, False, []).label == "Being scored"
