"""One plain-words account of an attempt's decision, built from the stored
results, so the feedback page, the dashboard list, detail and report, the CSV
export and the API all say the same thing.

The scorer (``scoring/decision.py``) already writes each answer's reasons in
plain words; an attempt's decision is the worst of its answers'
(``reviews.summarise``), so its reasons are those of the answers that decided
it, named by task. Human-review reasons come apart from the decision's
reasons, because they say why a person looks, not why the outcome is what it
is. An override says who changed what; the recruiter's own words stay on the
dashboard and in the API, never on the applicant's page.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from ..db.models import Attempt, Review

_REVIEW_PREFIX = "Needs human review: "
_NO_DECISION_PREFIX = "No decision: "
LABELS = {"pass": "Pass", "trainable": "Trainable", "not_yet": "Not yet",
          "too_short": "Too short to rate", "not_english": "Not rated: not English",
          "unrated": "Not rated", "scoring": "Being scored", "in_progress": "In progress",
          "pending": "Pending"}
APPLICANT_OVERRIDE = "A member of the hiring team read your answers and made this decision."
#: An unrated answer's status → the state the attempt shows when no answer was rated.
_UNRATED_STATES = {"insufficient_text": "too_short", "not_english": "not_english"}


@dataclass(frozen=True)
class TaskResult:
    """One submitted answer's stored result, named as the applicant saw it."""
    number: int
    title: str
    result: dict[str, Any]


@dataclass
class Explanation:
    #: pass, trainable, not_yet, or why there is none (too_short, scoring …).
    state: str
    label: str
    reasons: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    overridden: bool = False
    computed: str | None = None
    #: The attempt still waits for a person (an unrated answer too).
    needs_review: bool = False
    #: The recruiter's words; for the dashboard and the API only.
    override_reason: str | None = None

    @property
    def summary(self) -> str:
        """One line for a list cell, a tooltip or a CSV column."""
        return " ".join(self.reasons)

    @property
    def applicant_reasons(self) -> list[str]:
        """What the applicant reads: an override is the hiring team's decision,
        and the recruiter's note is theirs, not the applicant's."""
        return [APPLICANT_OVERRIDE] if self.overridden else self.reasons

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "summary": self.summary}


def _named(task: TaskResult, text: str, many: bool) -> str:
    return f"Task {task.number} ({task.title}): {text}" if many else text


def _split(task: TaskResult, many: bool) -> tuple[list[str], list[str]]:
    """The answer's decision reasons and its review reasons, one line each
    under the task's name (a list of six "Task 1 …" lines reads as noise)."""
    reasons, review = [], []
    decision = task.result.get("decision") or {}
    for text in decision.get("reasons") or []:
        if text.startswith(_REVIEW_PREFIX):
            review.append(text[len(_REVIEW_PREFIX):])
        elif text.startswith(_NO_DECISION_PREFIX):
            review.append(text[len(_NO_DECISION_PREFIX):])
        else:
            reasons.append(text)
    return ([_named(task, " ".join(reasons), many)] if reasons else [],
            [_named(task, " ".join(review), many)] if review else [])


def _unrated_state(tasks: list[TaskResult]) -> str:
    statuses = {t.result.get("status") for t in tasks} - {"scored"}
    for status, state in _UNRATED_STATES.items():
        if status in statuses:
            return state
    return "unrated" if tasks else "pending"


def explain_results(status: str, computed: str | None, final: str | None, needs_review: bool,
                    tasks: list[TaskResult], override_reason: str | None = None) -> Explanation:
    """The account of one attempt from its summary columns and stored results."""
    if status not in ("submitted", "scored"):
        return Explanation("in_progress", LABELS["in_progress"])
    if status == "submitted":
        return Explanation("scoring", LABELS["scoring"])
    many = len(tasks) > 1
    reasons, review = [], []
    for task in tasks:
        outcome = (task.result.get("decision") or {}).get("outcome")
        task_reasons, task_review = _split(task, many)
        review += task_review
        # Only the answers that decided the outcome explain it; a passing
        # task beside a failing one is no reason for "not yet".
        if outcome == computed:
            reasons += task_reasons
    state = final or _unrated_state(tasks)
    if final is None:
        reasons, review = review, []
    out = Explanation(state, LABELS[state], _dedupe(reasons), _dedupe(review) if needs_review else [],
                      computed=computed, needs_review=needs_review)
    if final is not None and final != computed:
        out.overridden, out.override_reason = True, override_reason
        was = LABELS.get(computed or "pending", computed)
        out.reasons = [f"A recruiter changed the decision from {was} to {LABELS[final]}."]
        out.review = []
    return out


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def task_results(attempt: Attempt) -> list[TaskResult]:
    position = {item.task_id: n for n, item in enumerate(attempt.assessment.items, start=1)}
    out = []
    for answer in attempt.answers:
        score = answer.latest_score
        if answer.submitted_at is None or score is None:
            continue
        out.append(TaskResult(position.get(answer.task_id, len(out) + 1), answer.task.title,
                              score.result or {}))
    return sorted(out, key=lambda t: t.number)


def explain(attempt: Attempt, override_reason: str | None = None) -> Explanation:
    return explain_results(attempt.status, attempt.decision, attempt.final_decision,
                           attempt.needs_review, task_results(attempt), override_reason)


def explain_attempt(attempt: Attempt) -> Explanation:
    """``explain`` with the override's reason looked up in the attempt's session."""
    session = object_session(attempt)
    reason = None
    if session is not None and attempt.id is not None:
        reason = override_reasons(session, [attempt.id]).get(attempt.id)
    return explain(attempt, reason)


def override_reasons(session: Session, attempt_ids: Iterable[int]) -> dict[int, str]:
    """The latest decision override's reason per attempt."""
    ids = list(attempt_ids)
    if not ids:
        return {}
    rows = session.execute(select(Review.attempt_id, Review.reason).where(
        Review.attempt_id.in_(ids), Review.decision_override.is_not(None))
        .order_by(Review.id)).all()
    return {attempt_id: reason for attempt_id, reason in rows}


def explain_many(session: Session, attempts: list[Attempt]) -> dict[int, Explanation]:
    reasons = override_reasons(session, [a.id for a in attempts])
    return {a.id: explain(a, reasons.get(a.id)) for a in attempts}
