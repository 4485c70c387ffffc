"""Reading results: the attempts an :class:`.filters.AttemptFilter` selects
(the API's list, the dashboard's table and charts, the CSV export), one
attempt or answer of an organisation, and asking for a rescore."""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session

from ..db.models import Answer, Assessment, Attempt, Candidate, Invitation, User
from ..scoring.types import CEFR_LEVELS, OUTCOMES
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, NotFound
from .filters import AttemptFilter, Filters
from .work import Work

SORTS = {
    "started": Attempt.started_at, "name": Candidate.name, "email": Candidate.email,
    "level": Attempt.final_cefr, "score": Attempt.score, "decision": Attempt.final_decision,
    "status": Candidate.status, "assessment": Assessment.title,
}


def attempts_query(f: AttemptFilter):
    """(Attempt, Candidate, Assessment) rows of ``f.org_id`` matching ``f``."""
    A = Attempt
    query = (select(A, Candidate, Assessment)
             .join(Candidate, A.candidate_id == Candidate.id)
             .join(Assessment, A.assessment_id == Assessment.id)
             .where(Assessment.org_id == f.org_id))
    if f.assessment_id:
        query = query.where(A.assessment_id == f.assessment_id)
    if f.decisions:
        decided = [d for d in f.decisions if d != "pending"]
        clauses = [A.final_decision.in_(decided)] if decided else []
        if "pending" in f.decisions:
            clauses.append(A.final_decision.is_(None))
        query = query.where(or_(*clauses))
    for column, values in ((A.final_cefr, f.levels), (A.status, f.attempt_statuses),
                           (Candidate.status, f.candidate_statuses)):
        if values:
            query = query.where(column.in_(values))
    if f.needs_review is not None:
        query = query.where(A.needs_review.is_(f.needs_review))
    query = _flag_filter(query, f)
    if f.since:
        query = query.where(A.started_at >= f.since)
    if f.until:
        query = query.where(A.started_at < f.until)
    if f.q:
        q = f.q.lower()
        query = query.where(Candidate.email.contains(q, autoescape=True)
                            | func.lower(Candidate.name).contains(q, autoescape=True))
    return query


def _flag_filter(query, f: AttemptFilter):
    # Flags are a JSON list; a LIKE on its text works the same on SQLite and
    # PostgreSQL, and the names are fixed identifiers without wildcards.
    text = cast(Attempt.flags, String)
    for flag in f.flags:
        query = query.where(text.like(f'%"{flag}"%'))
    if f.flagged is not None:
        empty = text.in_(["[]", "null"]) | Attempt.flags.is_(None)
        query = query.where(~empty if f.flagged else empty)
    return query


def ordered(query, sort: str = "started", order: str = "desc"):
    column = SORTS[sort]
    direction = column.asc() if order == "asc" else column.desc()
    # nulls last either way, then a stable tie-break so pages never overlap.
    return query.order_by(column.is_(None), direction, Attempt.id.desc())


def count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


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
    """The dashboard's table: a page past the end shows the last one."""
    query = attempts_query(f.criteria(org_id))
    total = count(session, query)
    pages = max(1, (total + f.per_page - 1) // f.per_page)
    page_no = min(f.page, pages)
    rows = session.execute(ordered(query, f.sort, f.order)
                           .offset((page_no - 1) * f.per_page).limit(f.per_page)).all()
    return Page([Row(*r) for r in rows], total, page_no, pages, f.per_page)


def funnel(session: Session, org_id: int, f: Filters) -> list[tuple[str, str, int]]:
    """(key, label, count) for invited → started → submitted → each decision,
    over the chosen assessment and dates (the other filters would hide the
    stages they filter on)."""
    chosen = f.criteria(org_id)
    scope = AttemptFilter(org_id, assessment_id=f.assessment, since=chosen.since,
                          until=chosen.until)
    invited = select(func.count(Invitation.id)).join(
        Assessment, Invitation.assessment_id == Assessment.id).where(Assessment.org_id == org_id)
    if scope.assessment_id:
        invited = invited.where(Invitation.assessment_id == scope.assessment_id)
    if scope.since:
        invited = invited.where(Invitation.created_at >= scope.since)
    if scope.until:
        invited = invited.where(Invitation.created_at < scope.until)
    attempts = attempts_query(scope).subquery()
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
    """How many filtered attempts sit at each final CEFR level (the level
    filter itself left out, or the chart would show one bar)."""
    sub = attempts_query(replace(f.criteria(org_id), levels=())).subquery()
    counts = dict(session.execute(select(sub.c.final_cefr, func.count())
                                  .where(sub.c.final_cefr.is_not(None))
                                  .group_by(sub.c.final_cefr)).all())
    return [(level, int(counts.get(level, 0))) for level in CEFR_LEVELS]


def attempt_of(session: Session, attempt_id: int, org_id: int) -> Attempt:
    """The attempt if it belongs to ``org_id``; 404 otherwise (ids leak nothing)."""
    attempt = session.get(Attempt, attempt_id) if 1 <= attempt_id <= 2**31 - 1 else None
    if attempt is None or attempt.assessment.org_id != org_id:
        raise NotFound(f"attempt {attempt_id} not found")
    return attempt


def answer_of(session: Session, answer_id: int, org_id: int) -> Answer:
    answer = session.get(Answer, answer_id) if 1 <= answer_id <= 2**31 - 1 else None
    if answer is None or answer.attempt.assessment.org_id != org_id:
        raise NotFound(f"answer {answer_id} not found")
    return answer


def request_rescore(session: Session, user: User, answer: Answer) -> Work:
    """Score a submitted answer again (after a failure, or a fixed engine or
    model) with a fresh retry budget. A score for the current model version
    is kept, not redone. Audited."""
    if not user.can_write:
        raise Forbidden("viewers cannot rescore answers")
    if answer.submitted_at is None:
        raise Conflict("the answer has not been submitted", "not_submitted")
    audit(session, actor_of(user), "answer.rescore", org_id=user.org_id, target=answer)
    return Work(rescore=[answer.id])
