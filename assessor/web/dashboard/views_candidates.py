"""The candidate table with its filters, the funnel and level charts, and
the CSV and XLSX export of the filtered table."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, redirect, render_template, request, url_for
from sqlalchemy import select

from ...db.models import CANDIDATE_STATUSES, Assessment
from ...scoring.types import CEFR_LEVELS, OUTCOMES
from ...services.audit import actor_of, audit
from ...services.export import export_csv, export_xlsx as build_xlsx
from ...services.filters import PER_PAGE, Filters
from ...services.lifecycle import FLAGS
from ...services.results import candidate_page, funnel, level_distribution, percentiles
from ...services.decision_reasons import explain_many
from ...services.errors import InputError
from ..extensions import commit, session as db
from . import bp, charts
from .access import current_user, login_required


@bp.get("/dashboard")
def home():
    return redirect(url_for("dashboard.candidates"))


def _filters() -> tuple[Filters, str | None]:
    try:
        return Filters.from_args(request.args), None
    except InputError as exc:
        # A hand-edited or stale link: show everything and say why.
        return Filters(), str(exc)


@bp.get("/dashboard/candidates")
@login_required()
def candidates():
    f, error = _filters()
    org_id = current_user().org_id
    page = candidate_page(db(), org_id, f)
    assessments = db().scalars(select(Assessment).where(Assessment.org_id == org_id)
                               .order_by(Assessment.title)).all()
    return render_template(
        "dashboard/candidates.html", f=f, page=page, error=error, assessments=assessments,
        why=explain_many(db(), [row.attempt for row in page.rows]),
        pct=percentiles(db(), [row.attempt for row in page.rows]),
        funnel=charts.funnel_chart(funnel(db(), org_id, f)),
        levels_chart=charts.level_chart(level_distribution(db(), org_id, f)),
        outcomes=OUTCOMES, levels=CEFR_LEVELS, statuses=CANDIDATE_STATUSES, flags=FLAGS,
        per_page_choices=PER_PAGE, sort_link=_sort_link), 200 if error is None else 422


def _sort_link(f: Filters, column: str) -> str:
    order = "asc" if f.sort == column and f.order == "desc" else "desc"
    return url_for("dashboard.candidates", **f.to_args(sort=column, order=order, page=1))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/dashboard/candidates.csv")
@login_required()
def export():
    # A BOM makes Excel read the file as UTF-8 (names with accents).
    return _export("csv", lambda *a: "\ufeff" + export_csv(*a), "text/csv")


@bp.get("/dashboard/candidates.xlsx")
@login_required()
def export_xlsx():
    return _export("xlsx", build_xlsx, XLSX)


def _export(kind: str, build, mimetype: str) -> Response:
    f = Filters.from_args(request.args)
    user = current_user()
    body = build(db(), user.org_id, f)
    # Exports carry personal data out of the system: who took what is audited.
    # The search text may be a candidate's name or email: only whether there was one.
    filters = {k: v for k, v in f.to_args(page=1, per_page=25).items() if k != "q"}
    audit(db(), actor_of(user), "candidates.export", org_id=user.org_id,
          details={"filters": filters, "search": bool(f.q), "format": kind})
    commit()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="candidates-{stamp}.{kind}"',
        "Cache-Control": "no-store"})
