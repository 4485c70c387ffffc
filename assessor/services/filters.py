"""Which attempts a recruiter is looking at: :class:`AttemptFilter`, the one
filter type behind the API's ``GET /attempts``, the dashboard's table, its
charts and the CSV export (all in :mod:`.results`), and :class:`Filters`,
the dashboard's query string that becomes one.

The API and the dashboard spell their query strings differently (the API
takes comma lists and ISO date-times, the dashboard one value per field and
dates), but a filter means the same everywhere: ``decisions`` may hold
"pending" (no decision yet), ``flags`` must all be present, ``until`` is
exclusive.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping

from ..db.models import CANDIDATE_STATUSES
from ..scoring.types import CEFR_LEVELS, OUTCOMES
from .errors import InputError
from .lifecycle import FLAGS

SORTS = ("started", "name", "email", "level", "score", "decision", "status", "assessment")
PER_PAGE = (10, 25, 50, 100)


@dataclass(frozen=True)
class AttemptFilter:
    org_id: int
    assessment_id: int | None = None
    decisions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    attempt_statuses: tuple[str, ...] = ()
    candidate_statuses: tuple[str, ...] = ()
    needs_review: bool | None = None
    flags: tuple[str, ...] = ()
    flagged: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""


def choose(name: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> tuple[str, ...]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise InputError(f"{name} must be one of {', '.join(allowed)}")
    return values


def bounded_number(raw: str | None, name: str, low: float, high: float, kind: type = int):
    """A number (``kind`` int or float) within [low, high] from a query
    string or form; None when absent (an empty string is not absent: it is
    refused)."""
    if raw is None:
        return None
    try:
        value = kind(raw)
    except ValueError:
        raise InputError(f"{name} must be {'a whole number' if kind is int else 'a number'}") \
            from None
    if not low <= value <= high:
        show = str if kind is int else (lambda v: f"{v:g}")
        raise InputError(f"{name} must be between {show(low)} and {show(high)}")
    return value


def _date(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{name} must be a date such as 2026-01-31") from None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


@dataclass
class Filters:
    """The dashboard's table state: one value per filter, sorting, paging."""

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
        for name, allowed in (("decision", OUTCOMES + ("pending",)), ("level", CEFR_LEVELS),
                              ("status", CANDIDATE_STATUSES), ("flag", FLAGS + ("any", "none")),
                              ("review", ("yes", "no")), ("sort", SORTS),
                              ("order", ("asc", "desc"))):
            choose(name, tuple(filter(None, [getattr(f, name)])), allowed)
        f.assessment = bounded_number(get("assessment") or None, "assessment", 1, 2**31 - 1)
        f.page = bounded_number(get("page") or None, "page", 1, 1_000_000) or 1
        f.per_page = bounded_number(get("per_page") or None, "per_page", 1, 100) or 25
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

    def criteria(self, org_id: int) -> AttemptFilter:
        """The same selection as the one filter type (a 'to' date is inclusive)."""
        flag_any = {"any": True, "none": False}.get(self.flag)
        return AttemptFilter(
            org_id=org_id, assessment_id=self.assessment,
            decisions=(self.decision,) if self.decision else (),
            levels=(self.level,) if self.level else (),
            candidate_statuses=(self.status,) if self.status else (),
            needs_review={"yes": True, "no": False}.get(self.review),
            flags=(self.flag,) if self.flag and flag_any is None else (), flagged=flag_any,
            since=day_start(self.date_from) if self.date_from else None,
            until=day_start(self.date_to + timedelta(days=1)) if self.date_to else None,
            q=self.q)
