"""Schema and model invariants on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from assessor.db import Base, models as m
from assessor.db.migrate import current_revision


def test_migration_is_at_head_and_matches_models(db_url, db):
    from alembic import command
    from assessor.db.migrate import alembic_config

    assert current_revision(db) is not None
    # Raises if the models have drifted from the migrations.
    command.check(alembic_config(db_url))


def test_every_table_exists(db):
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_datetimes_come_back_aware_utc(db, make_tenant):
    make_tenant(invitations=1)
    with db.transaction() as s:
        invitation = s.scalar(select(m.Invitation))
        assert invitation.expires_at.tzinfo == timezone.utc
        assert invitation.expires_at > datetime.now(timezone.utc) + timedelta(days=13)


def test_naive_datetimes_are_refused(db, make_tenant):
    make_tenant(invitations=1)
    with pytest.raises(Exception, match="naive"):
        with db.transaction() as s:
            s.scalar(select(m.Invitation)).expires_at = datetime(2030, 1, 1)
            s.flush()


def test_audit_log_is_append_only_in_the_orm(db, make_tenant):
    make_tenant()
    with pytest.raises(m.AppendOnlyError):
        with db.transaction() as s:
            s.scalar(select(m.AuditLog)).action = "rewritten"
    with pytest.raises(m.AppendOnlyError):
        with db.transaction() as s:
            s.delete(s.scalar(select(m.AuditLog)))


@pytest.mark.postgres
def test_audit_log_trigger_refuses_sql_changes(db, make_tenant):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    make_tenant()
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))


def test_one_score_per_answer_and_model_version(db, client, tenant, queue, fake_score):
    from tests.support.service import SAMPLE, applicant_headers as H

    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    answer_id = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                            headers=H(token), json={"text": SAMPLE}).json["answer_id"]
    queue.run_pending()
    with pytest.raises(IntegrityError):
        with db.transaction() as s:
            s.add(m.Score(answer_id=answer_id, model_version="test-model-1", engine="x",
                          status="scored", result={}))


def test_downgrade_and_upgrade_round_trip(tmp_path):
    from assessor.db.migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'round.db'}"
    upgrade(url)
    downgrade(url, "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert "answers" in inspect(engine).get_table_names()
    engine.dispose()
