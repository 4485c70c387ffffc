"""The CSV export of the candidate table: every filtered row, all pages,
with cells a spreadsheet never runs as formulas."""
from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy.orm import Session

from ..db.models import Assessment, Attempt, Candidate
from .decision_reasons import Explanation, explain_ids
from .errors import InputError
from .filters import Filters
from .results import attempts_query, ordered

#: More rows than this is not a spreadsheet anyone reads; filter first.
EXPORT_LIMIT = 50_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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
    return ordered(attempts_query(f.criteria(org_id)).with_only_columns(*columns), f.sort,
                   f.order)


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
