"""/readyz also checks that the database schema is at the migration head."""
from __future__ import annotations

from sqlalchemy import text

from assessor.db import Database
from assessor.observability.readiness import check_schema


def test_migrated_database_is_ready(app_factory):
    app = app_factory()
    app.extensions["assessor"]["queue"].start()
    response = app.test_client().get("/readyz")
    assert response.status_code == 200, response.json
    schema = response.json["checks"]["schema"]
    assert schema["ok"] and schema["revision"] in schema["expected"]


def test_unmigrated_database_is_not_ready(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    report = check_schema(db)
    assert report == {"ok": False, "revision": None, "expected": report["expected"],
                      "error": "migrations_pending"}
    assert report["expected"]


def test_older_revision_is_not_ready(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0000_older')"))
    report = check_schema(db)
    assert not report["ok"] and report["revision"] == "0000_older"


def test_unreachable_database_is_reported_not_raised(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    report = check_schema(db)
    assert report["ok"] is False and report["error"]
