"""Ids are never handed out twice, so an erased candidate's old links and
audit entries can never point at the next person."""
from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from tests.support.dashboard import make_org


def _invite_and_start(s, org, email):
    from assessor import services
    from assessor.db.models import Assessment, User

    admin = s.query(User).filter_by(email=org.emails["admin"]).one()
    invitation, token = services.invite(s, admin, s.get(Assessment, org.assessment_id), email,
                                        email.split("@")[0])
    attempt, _ = services.start_attempt(s, invitation, consent=True)
    return admin, invitation, attempt, token


def _erase(s, admin, candidate_id):
    from assessor.db.models import Candidate
    from assessor.services.erasure import erase_candidate

    erase_candidate(s, admin, s.get(Candidate, candidate_id))


def test_the_next_invitation_after_an_erasure_gets_new_ids(db):
    org = make_org(db)
    with db.transaction() as s:
        admin, invitation, attempt, _ = _invite_and_start(s, org, "first@example.com")
        old = (invitation.candidate_id, invitation.id, attempt.id)
        _erase(s, admin, invitation.candidate_id)
    with db.transaction() as s:
        _, invitation, attempt, _ = _invite_and_start(s, org, "second@example.com")
        new = (invitation.candidate_id, invitation.id, attempt.id)
    assert all(n > o for n, o in zip(new, old)), (old, new)


def test_an_erased_candidates_share_link_shows_nobody(app, db):
    org = make_org(db)
    client = app.test_client()
    with db.transaction() as s:
        admin, invitation, _, token = _invite_and_start(s, org, "first@example.com")
        candidate_id = invitation.candidate_id
    page = client.get(f"/progress/{token}").get_data(as_text=True)
    shared = re.search(r"/progress/shared/[\w.-]+", page).group(0)
    with db.transaction() as s:
        _erase(s, admin, candidate_id)
    with db.transaction() as s:
        _invite_and_start(s, org, "second@example.com")
    response = client.get(shared)
    assert response.status_code == 404 and "second" not in response.get_data(as_text=True)


def test_a_share_key_naming_only_an_id_is_refused(app, db):
    from itsdangerous import URLSafeSerializer

    org = make_org(db)
    with db.transaction() as s:
        _, invitation, _, _ = _invite_and_start(s, org, "first@example.com")
        key = URLSafeSerializer(app.secret_key, salt="assessor-progress").dumps(invitation.id)
    assert app.test_client().get(f"/progress/shared/{key}").status_code == 404


def test_the_sqlite_migration_keeps_rows_that_reference_rebuilt_tables(tmp_path):
    from assessor.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'populated.db'}"
    upgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=ON"))
        conn.execute(text("INSERT INTO organisations (id, name, created_at) "
                          "VALUES (1, 'Org', '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO users (id, org_id, email, name, role, active, created_at)"
                          " VALUES (7, 1, 'a@example.com', '', 'admin', 1, '2026-01-01')"))
    upgrade(url)
    with engine.begin() as conn:
        # The users table was rebuilt after organisations: the user survived.
        assert conn.execute(text("SELECT id FROM users")).scalars().all() == [7]
        conn.execute(text("DELETE FROM users"))
        conn.execute(text("INSERT INTO users (org_id, email, name, role, active, created_at) "
                          "VALUES (1, 'b@example.com', '', 'admin', 1, '2026-01-01')"))
        assert conn.execute(text("SELECT id FROM users")).scalars().all() == [8]
    engine.dispose()


def test_every_migrated_sqlite_table_keeps_autoincrement(tmp_path):
    # A later batch migration that rebuilds a table must not drop it again.
    from assessor.db import Base
    from assessor.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'head.db'}"
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        sql = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type='table'")).all())
    engine.dispose()
    missing = [t.name for t in Base.metadata.sorted_tables if "AUTOINCREMENT" not in sql[t.name]]
    assert missing == []
