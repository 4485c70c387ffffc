"""The dashboard's candidate queries: filters, sorting, pagination, funnel,
level distribution and the formula-safe CSV export."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from assessor.errors import InputError
from assessor.services.export import export_csv, safe_cell
from assessor.services.filters import Filters
from assessor.services.results import candidate_page, funnel, level_distribution
from tests.support.dashboard import make_org, scored_attempt


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1 555 0100", "'+1 555 0100"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Ana Reyes", "Ana Reyes"),
    ("ana=b@example.com", "ana=b@example.com"),
    (None, ""),
    (4.5, "4.5"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


@pytest.mark.parametrize("args, field, expected", [
    ({}, "sort", "started"),
    ({"decision": "pass"}, "decision", "pass"),
    ({"level": "B2"}, "level", "B2"),
    ({"from": "2026-01-02"}, "date_from", date(2026, 1, 2)),
    ({"per_page": "50"}, "per_page", 50),
    ({"flag": "any"}, "flag", "any"),
    ({"q": "  Ana  "}, "q", "Ana"),
])
def test_filters_read_the_query_string(args, field, expected):
    assert getattr(Filters.from_args(args), field) == expected


@pytest.mark.parametrize("args", [
    {"decision": "maybe"}, {"level": "D1"}, {"flag": "cheating"}, {"sort": "password"},
    {"order": "sideways"}, {"per_page": "7"}, {"page": "0"}, {"page": "x"},
    {"from": "yesterday"}, {"from": "2026-02-01", "to": "2026-01-01"}, {"assessment": "-1"},
])
def test_filters_refuse_malformed_values(args):
    with pytest.raises(InputError):
        Filters.from_args(args)


def test_filters_round_trip_through_links():
    f = Filters.from_args({"decision": "pass", "from": "2026-01-02", "page": "3", "q": "ana"})
    assert Filters.from_args(f.to_args()) == f
    assert "sort" not in f.to_args()  # defaults stay out of links


@pytest.fixture
def people(db, queue, fake_score):
    """Three scored candidates in one org (fake scorer: level follows
    length) and one in another org that must never show up."""
    org = make_org(db)
    scored_attempt(db, queue, org, "low@example.com", "Lowe", 20)       # A2, not yet
    scored_attempt(db, queue, org, "mid@example.com", "Middleton", 90)  # B1, trainable
    scored_attempt(db, queue, org, "top@example.com", "=Toppe", 130)    # B2, pass
    stranger = make_org(db)
    scored_attempt(db, queue, stranger, "other@example.com", "Other", 130)
    return org


def _emails(db, org, **args):
    with db.transaction() as s:
        page = candidate_page(s, org.org_id, Filters.from_args(args))
        return [r.candidate.email for r in page.rows]


@pytest.mark.parametrize("args, expected", [
    ({}, {"low@example.com", "mid@example.com", "top@example.com"}),
    ({"decision": "pass"}, {"top@example.com"}),
    ({"decision": "not_yet"}, {"low@example.com"}),
    ({"level": "B1"}, {"mid@example.com"}),
    ({"q": "MIDDLE"}, {"mid@example.com"}),
    ({"q": "%"}, set()),
    ({"flag": "any"}, set()),
    ({"flag": "none"}, {"low@example.com", "mid@example.com", "top@example.com"}),
    ({"status": "new"}, {"low@example.com", "mid@example.com", "top@example.com"}),
    ({"from": "2000-01-01", "to": "2000-12-31"}, set()),
])
def test_filters_select_rows_of_the_org_only(db, people, args, expected):
    assert set(_emails(db, people, **args)) == expected


def test_sorting_and_pagination(db, people):
    by_level = _emails(db, people, sort="level", order="asc")
    assert by_level == ["low@example.com", "mid@example.com", "top@example.com"]
    assert _emails(db, people, sort="level", order="desc") == by_level[::-1]
    with db.transaction() as s:
        first = candidate_page(s, people.org_id, Filters.from_args(
            {"per_page": "10", "sort": "email", "order": "asc"}))
    assert (first.total, first.pages, first.page) == (3, 1, 1)
    with db.transaction() as s:
        beyond = candidate_page(s, people.org_id, Filters.from_args({"page": "9"}))
    assert beyond.page == 1 and len(beyond.rows) == 3  # clamped to the last page


def test_flag_filter_matches_one_flag(db, people):
    from assessor.db.models import Attempt

    with db.transaction() as s:
        s.get(Attempt, people.attempts["mid@example.com"]).flags = ["paste", "focus_lost"]
    assert _emails(db, people, flag="paste") == ["mid@example.com"]
    assert _emails(db, people, flag="near_duplicate") == []
    assert _emails(db, people, flag="any") == ["mid@example.com"]


def test_funnel_and_levels(db, people):
    from assessor import services
    from assessor.db.models import Assessment, User

    with db.transaction() as s:  # one more invitation, never started
        admin = s.query(User).filter_by(email=people.emails["admin"]).one()
        services.invite(s, admin, s.get(Assessment, people.assessment_id), "late@example.com")
    with db.transaction() as s:
        stages = {key: n for key, _, n in funnel(s, people.org_id, Filters())}
        levels = dict(level_distribution(s, people.org_id, Filters.from_args({"level": "B1"})))
    assert stages == {"invited": 4, "started": 3, "submitted": 3, "pass": 1, "trainable": 1,
                      "not_yet": 1}
    # The level chart ignores the level filter, or it would show one bar.
    assert levels == {"A1": 0, "A2": 1, "B1": 1, "B2": 1, "C1": 0, "C2": 0}


def test_export_has_every_filtered_row_and_defuses_formulas(db, people):
    with db.transaction() as s:
        text = export_csv(s, people.org_id, Filters.from_args({"per_page": "10",
                                                              "decision": "pass"}))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["email"] for r in rows] == ["top@example.com"]
    assert rows[0]["name"] == "'=Toppe" and rows[0]["decision"] == "pass"
    with db.transaction() as s:
        everything = list(csv.DictReader(io.StringIO(export_csv(
            s, people.org_id, Filters.from_args({"per_page": "10"})))))
    assert len(everything) == 3  # all pages, not the first ten rows only


def test_percentile_among_the_assessments_applicants():
    from types import SimpleNamespace

    from assessor.services.results import percentiles

    attempts = [SimpleNamespace(id=i, assessment_id=7, score=s)
                for i, s in enumerate([10.0, 20.0, 20.0, 40.0, None])]

    class Session:  # the query's rows, without a database
        def __init__(self, rows):
            self.rows = [(a.assessment_id, a.score) for a in rows if a.score is not None]

        def execute(self, _query):
            return SimpleNamespace(all=lambda: self.rows)

    got = percentiles(Session(attempts), attempts)
    assert got == {0: 0, 1: 50, 2: 50, 3: 100}  # ties share a rank; unscored has none
    alone = [SimpleNamespace(id=1, assessment_id=8, score=50.0)]
    assert percentiles(Session(alone), alone) == {}  # no one to compare with
