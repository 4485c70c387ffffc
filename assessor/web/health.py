"""Liveness and readiness probes."""
from __future__ import annotations

import logging

from flask import Blueprint, jsonify, redirect, url_for
from sqlalchemy import text

from ..observability.readiness import check_schema
from . import extensions as ext

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """The process answers; nothing else is checked."""
    return jsonify({"status": "ok"})


def _check_database() -> dict:
    try:
        with ext.database().engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is the probe
        log.warning("readiness: database: %s", exc)
        return {"ok": False, "error": type(exc).__name__}


def _check_queue() -> dict:
    try:
        return ext.queue().ping()
    except Exception as exc:  # noqa: BLE001
        log.warning("readiness: queue: %s", exc)
        return {"ok": False, "error": type(exc).__name__}


def _check_engine() -> dict:
    try:
        report = ext.engine_plan().readiness()
        return {"ok": bool(report.get("ready")), **report}
    except Exception as exc:  # noqa: BLE001
        log.warning("readiness: grammar engine: %s", exc)
        return {"ok": False, "error": type(exc).__name__}


@bp.get("/readyz")
def readyz():
    checks = {"database": _check_database(), "queue": _check_queue(),
              "grammar_engine": _check_engine(), "schema": check_schema(ext.database())}
    ready = all(c["ok"] for c in checks.values())
    response = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    response.status_code = 200 if ready else 503
    return response


@bp.get("/")
def index():
    """The bare address leads people to the recruiters' sign-in (applicants arrive by their link)."""
    return redirect(url_for("dashboard.home"))
