"""The export of the candidate table: every filtered row, all pages, as CSV
or XLSX. :func:`export_rows` builds the rows once; the two writers only
serialise them, so both files always carry the same columns and values, and
neither lets a spreadsheet run a cell as a formula."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterator

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..db.models import Answer, Assessment, Attempt, Candidate, ClientAccount, Review, User
from ..scoring.types import level_to_score
from .decision_reasons import explain_many
from .errors import InputError
from .filters import Filters
from .results import attempts_query, ordered
from .reviews import trait_levels

#: More rows than this is not a spreadsheet anyone reads; filter first.
EXPORT_LIMIT = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Attempts loaded with their answers and scores at a time, so a large export
#: never holds every answer at once.
CHUNK = 500


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP
    CSV injection): cells starting with = + - @ tab or CR get a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# New columns go at the end: recruiters' spreadsheets read these by position.
EXPORT_COLUMNS = ("attempt_id", "name", "email", "assessment", "started_at", "submitted_at",
                  "attempt_status", "level", "score", "decision", "computed_level",
                  "computed_decision", "needs_review", "flags", "candidate_status",
                  "decision_reason", "grammar_level", "grammar_score", "vocabulary_level",
                  "vocabulary_score", "client_account", "override_reason", "override_reviewer",
                  "override_at")


def _export_query(org_id: int, f: Filters):
    """Plain columns, not ORM objects: an export of thousands of rows then
    costs a tenth of the time."""
    A = Attempt
    columns = (A.id, Candidate.name, Candidate.email, Assessment.title, A.started_at,
               A.submitted_at, A.status, A.final_cefr, A.score, A.final_decision, A.cefr,
               A.decision, A.needs_review, A.flags, Candidate.status, ClientAccount.name)
    query = (attempts_query(f.criteria(org_id)).with_only_columns(*columns)
             .outerjoin(ClientAccount, Assessment.client_account_id == ClientAccount.id))
    return ordered(query, f.sort, f.order)


def _iso(when) -> str | None:
    return when.isoformat() if when else None


def _latest_overrides(session: Session, ids: list[int]) -> dict[int, tuple]:
    """attempt id → (reason, reviewer, time) of its latest override: the one
    the dashboard's detail page shows last. A reviewer is named as there."""
    rows = session.execute(
        select(Review.attempt_id, Review.reason, Review.created_at, Review.reviewer_id,
               User.name, User.email)
        .outerjoin(User, User.id == Review.reviewer_id)
        .where(Review.attempt_id.in_(ids),
               or_(Review.cefr_override.is_not(None), Review.decision_override.is_not(None)))
        .order_by(Review.id)).all()
    # Later rows overwrite earlier ones: the latest override per attempt stays.
    return {r.attempt_id: (r.reason, (r.name or r.email) if r.reviewer_id else "unknown",
                           _iso(r.created_at)) for r in rows}


def _details(session: Session, ids: list[int]) -> Iterator[tuple[int, tuple]]:
    """(attempt id, (decision reason, [grammar and vocabulary level and
    score], (override reason, reviewer, time))) for every id, a chunk of attempts with their answers and scores at a time."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        attempts = session.scalars(select(Attempt).where(Attempt.id.in_(chunk)).options(
            selectinload(Attempt.answers).selectinload(Answer.scores),
            selectinload(Attempt.answers).selectinload(Answer.task))).all()
        why = explain_many(session, list(attempts))
        overrides = _latest_overrides(session, chunk)
        for attempt in attempts:
            traits = trait_levels(attempt.answers)
            reason = why.get(attempt.id)
            yield attempt.id, (
                reason.summary if reason else None,
                [traits["grammar_cefr"], level_to_score(traits["grammar"]),
                 traits["vocabulary_cefr"], level_to_score(traits["vocabulary"])],
                overrides.get(attempt.id, (None, None, None)))


def export_rows(session: Session, org_id: int, f: Filters) -> list[list[Any]]:
    """Every row of the filtered table (all pages), one value per
    :data:`EXPORT_COLUMNS`: numbers as numbers, times as ISO 8601 UTC text,
    None for nothing."""
    rows = session.execute(_export_query(org_id, f).limit(EXPORT_LIMIT + 1)).all()
    if len(rows) > EXPORT_LIMIT:
        raise InputError(f"more than {EXPORT_LIMIT} rows; narrow the filters and export again")
    details = dict(_details(session, [row[0] for row in rows]))
    out = []
    for row in rows:
        *plain, client = row
        plain[4], plain[5] = _iso(plain[4]), _iso(plain[5])
        plain[12] = "yes" if plain[12] else "no"
        plain[13] = " ".join(plain[13] or [])
        reason, traits, override = details[row[0]]
        out.append([*plain, reason, *traits, client, *override])
    return out


def export_csv(session: Session, org_id: int, f: Filters) -> str:
    """Every row of the filtered table (all pages) as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([safe_cell(v) for v in row] for row in export_rows(session, org_id, f))
    return out.getvalue()


def export_xlsx(session: Session, org_id: int, f: Filters) -> bytes:
    """The same rows as an XLSX workbook (one sheet)."""
    # Imported here: only an export needs it, not every web and worker process.
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # streams rows: a 50 000-row export stays small
    sheet = book.create_sheet("Candidates")
    sheet.append(list(EXPORT_COLUMNS))
    for row in export_rows(session, org_id, f):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: Any):
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # openpyxl refuses control characters (XML cannot hold them) and would
    # store text starting with '=' as a formula: text stays text, always.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
