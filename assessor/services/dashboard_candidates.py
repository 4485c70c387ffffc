"""Queries behind the dashboard's candidate table: filters, sorting,
pagination, the funnel, the level distribution and the CSV export.

One row is one attempt (a candidate taking one assessment), because that is
what a recruiter decides on; invitations not yet started count in the funnel.
"""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from ..db.models import CANDIDATE_STATUSES, Assessment, Attempt, Candidate, Invitation
from ..scoring.types import CEFR_LEVELS, OUTCOMES
from .decision_reasons import Explanation, explain_ids
from .errors import InputError

FLAGS = ("paste", "focus_lost", "inhuman_typing", "no_key_events", "near_duplicate",
         "auto_submitted", "scoring_failed")
SORTS = {
    "started": Attempt.started_at, "name": Candidate.name, "email": Candidate.email,
    "level": Attempt.final_cefr, "score": Attempt.score, "decision": Attempt.final_decision, "status": Candidate.status,
    "assessment": Assessment.title,
}
PER_PAGE = (10, 25, 50, 100)
#: More rows than this is not a spreadsheet anyone reads; filter first.
EXPORT_LIMIT = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Filters:
    q: str = ""
    assessment: int | None = None
    decision: str = ""
    level: str = ""
    status: str = ""
    flag: str = ""
    review: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "started"
    order: str = "desc"
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "Filters":
        """Read and check the query string; anything malformed is an InputError."""
        get = lambda k: (args.get(k) or "").strip()  # noqa: E731
        f = cls(q=get("q")[:200], decision=get("decision"), level=get("level"),
                status=get("status"), flag=get("flag"), review=get("review"),
                sort=get("sort") or "started", order=get("order") or "desc")
        _choose("decision", f.decision, OUTCOMES + ("pending",))
        _choose("level", f.level, CEFR_LEVELS)
        _choose("status", f.status, CANDIDATE_STATUSES)
        _choose("flag", f.flag, FLAGS + ("any", "none"))
        _choose("review", f.review, ("yes", "no"))
        _choose("sort", f.sort, tuple(SORTS))
        _choose("order", f.order, ("asc", "desc"))
        f.assessment = _int(get("assessment"), "assessment", 1, 2**31 - 1)
        f.page = _int(get("page"), "page", 1, 1_000_000) or 1
        f.per_page = _int(get("per_page"), "per_page", 1, 100) or 25
        if f.per_page not in PER_PAGE:
            raise InputError(f"per_page must be one of {', '.join(map(str, PER_PAGE))}")
        f.date_from, f.date_to = _date(get("from"), "from"), _date(get("to"), "to")
        if f.date_from and f.date_to and f.date_to < f.date_from:
            raise InputError("the 'to' date is before the 'from' date")
        return f

    def to_args(self, **changes: Any) -> dict[str, str]:
        """The non-default filters as query arguments (for links and the export)."""
        values = {**asdict(self), **changes}
        default = Filters()
        out = {}
        for fld in fields(self):
            value = values[fld.name]
            if value in (None, "") or value == getattr(default, fld.name):
                continue
            key = {"date_from": "from", "date_to": "to"}.get(fld.name, fld.name)
            out[key] = value.isoformat() if isinstance(value, date) else str(value)
        return out


def _choose(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value and value not in allowed:
        raise InputError(f"{name} must be one of {', '.join(allowed)}")


def _int(raw: str, name: str, low: int, high: int) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}")
    return value


def _date(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{name} must be a date such as 2026-01-31") from None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def _filtered(org_id: int, f: Filters, *, skip: tuple[str, ...] = ()):
    """The attempts of ``org_id`` matching ``f`` (``skip`` names filters to
    leave out, e.g. the level for the level chart)."""
    A = Attempt
    query = (select(A, Candidate, Assessment)
             .join(Candidate, A.candidate_id == Candidate.id)
             .join(Assessment, A.assessment_id == Assessment.id)
             .where(Assessment.org_id == org_id))
    if f.assessment:
        query = query.where(A.assessment_id == f.assessment)
    if f.decision == "pending":
        query = query.where(A.final_decision.is_(None))
    elif f.decision:
        query = query.where(A.final_decision == f.decision)
    if f.level and "level" not in skip:
        query = query.where(A.final_cefr == f.level)
    if f.status:
        query = query.where(Candidate.status == f.status)
    if f.review:
        query = query.where(A.needs_review.is_(f.review == "yes"))
    query = _flag_filter(query, f.flag)
    if f.date_from:
        query = query.where(A.started_at >= _day_start(f.date_from))
    if f.date_to:
        query = query.where(A.started_at < _day_start(f.date_to + timedelta(days=1)))
    if f.q:
        q = f.q.lower()
        query = query.where(Candidate.email.contains(q, autoescape=True)
                            | func.lower(Candidate.name).contains(q, autoescape=True))
    return query


def _flag_filter(query, flag: str):
    # Flags are a JSON list; a LIKE on its text works the same on SQLite and
    # PostgreSQL, and the names are fixed identifiers without wildcards.
    text = cast(Attempt.flags, String)
    empty = text.in_(["[]", "null"]) | Attempt.flags.is_(None)
    if flag == "any":
        return query.where(~empty)
    if flag == "none":
        return query.where(empty)
    if flag:
        return query.where(text.like(f'%"{flag}"%'))
    return query


@dataclass
class Row:
    attempt: Attempt
    candidate: Candidate
    assessment: Assessment


@dataclass
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int
    per_page: int


def candidate_page(session: Session, org_id: int, f: Filters) -> Page:
    query = _filtered(org_id, f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, (total + f.per_page - 1) // f.per_page)
    page_no = min(f.page, pages)
    column = SORTS[f.sort]
    ordered = column.asc() if f.order == "asc" else column.desc()
    # nulls last either way, then a stable tie-break so pages never overlap.
    rows = session.execute(query.order_by(column.is_(None), ordered, Attempt.id.desc())
                           .offset((page_no - 1) * f.per_page).limit(f.per_page)).all()
    return Page([Row(*r) for r in rows], total, page_no, pages, f.per_page)


def funnel(session: Session, org_id: int, f: Filters) -> list[tuple[str, str, int]]:
    """(key, label, count) for invited → started → submitted → each decision,
    over the chosen assessment and dates (the other filters would hide the
    stages they filter on)."""
    invited = select(func.count(Invitation.id)).join(
        Assessment, Invitation.assessment_id == Assessment.id).where(Assessment.org_id == org_id)
    if f.assessment:
        invited = invited.where(Invitation.assessment_id == f.assessment)
    if f.date_from:
        invited = invited.where(Invitation.created_at >= _day_start(f.date_from))
    if f.date_to:
        invited = invited.where(Invitation.created_at < _day_start(f.date_to + timedelta(days=1)))
    scope = Filters(assessment=f.assessment, date_from=f.date_from, date_to=f.date_to)
    attempts = _filtered(org_id, scope).subquery()
    counts = session.execute(select(
        func.count(attempts.c.id),
        func.count(attempts.c.id).filter(attempts.c.status.in_(("submitted", "scored"))),
        *[func.count(attempts.c.id).filter(attempts.c.final_decision == o) for o in OUTCOMES],
    )).one()
    labels = ("started", "submitted") + OUTCOMES
    out = [("invited", "Invited", session.scalar(invited) or 0)]
    names = {"pass": "Pass", "trainable": "Trainable", "not_yet": "Not yet",
             "started": "Started", "submitted": "Submitted"}
    out += [(key, names[key], int(n)) for key, n in zip(labels, counts)]
    return out


def percentiles(session: Session, attempts: list[Attempt]) -> dict[int, int]:
    """Attempt id → its score's percentile among the scored attempts of the
    same assessment (the share scoring lower, ties counted half), so a
    recruiter can compare applicants who took the same tasks."""
    ids = {a.assessment_id for a in attempts if a.score is not None}
    if not ids:
        return {}
    rows = session.execute(select(Attempt.assessment_id, Attempt.score).where(
        Attempt.assessment_id.in_(ids), Attempt.score.is_not(None))).all()
    scores: dict[int, list[float]] = {}
    for assessment_id, score in rows:
        scores.setdefault(assessment_id, []).append(score)
    out = {}
    for a in attempts:
        pool = scores.get(a.assessment_id) or []
        if a.score is None or len(pool) < 2:
            continue  # one applicant is no comparison
        below = sum(1 for v in pool if v < a.score) + 0.5 * (sum(1 for v in pool if v == a.score) - 1)
        out[a.id] = round(100 * below / (len(pool) - 1))
    return out


def level_distribution(session: Session, org_id: int, f: Filters) -> list[tuple[str, int]]:
    """How many filtered attempts sit at each final CEFR level."""
    sub = _filtered(org_id, f, skip=("level",)).subquery()
    counts = dict(session.execute(select(sub.c.final_cefr, func.count())
                                  .where(sub.c.final_cefr.is_not(None))
                                  .group_by(sub.c.final_cefr)).all())
    return [(level, int(counts.get(level, 0))) for level in CEFR_LEVELS]


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP
    CSV injection): cells starting with = + - @ tab or CR get a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


EXPORT_COLUMNS = ("attempt_id", "name", "email", "assessment", "started_at", "submitted_at",
                  "attempt_status", "level", "score", "decision", "computed_level",
                  "computed_decision", "needs_review", "flags", "candidate_status",
                  "decision_reason")


def _export_query(org_id: int, f: Filters):
    """Plain columns, not ORM objects: an export of thousands of rows then
    costs a tenth of the time."""
    A = Attempt
    columns = (A.id, Candidate.name, Candidate.email, Assessment.title, A.started_at,
               A.submitted_at, A.status, A.final_cefr, A.score, A.final_decision, A.cefr,
               A.decision, A.needs_review, A.flags, Candidate.status)
    query = _filtered(org_id, f).with_only_columns(*columns)
    column = SORTS[f.sort]
    ordered = column.asc() if f.order == "asc" else column.desc()
    return query.order_by(column.is_(None), ordered, Attempt.id.desc())


def _export_cells(row: tuple, why: Explanation | None) -> list[str]:
    out = list(row) + [why.summary if why else ""]
    for i in (4, 5):
        out[i] = out[i].isoformat() if out[i] else ""
    out[12] = "yes" if out[12] else "no"
    out[13] = " ".join(out[13] or [])
    return [safe_cell(v) for v in out]


def export_csv(session: Session, org_id: int, f: Filters) -> str:
    """Every row of the filtered table (all pages) as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    rows = session.execute(_export_query(org_id, f).limit(EXPORT_LIMIT + 1)).all()
    if len(rows) > EXPORT_LIMIT:
        raise InputError(f"more than {EXPORT_LIMIT} rows; narrow the filters and export again")
    why = explain_ids(session, [row[0] for row in rows])
    writer.writerows(_export_cells(tuple(row), why.get(row[0])) for row in rows)
    return out.getvalue()
