"""Shared fixtures: databases (SQLite and PostgreSQL), the Flask app and its
client, a deterministic stand-in for the scorer, and a tenant factory.

``db_url`` is parametrised, so every test using ``app``/``client``/``db``
runs on SQLite and (marked ``postgres``) on PostgreSQL. PostgreSQL tests use
a uniquely named database created for the session and dropped after it;
they skip with a reason when no server answers on 127.0.0.1:5432.
"""
from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text

from tests.support.service import fake_result

PG_HOST = os.environ.get("ASSESSOR_TEST_PG_HOST", "127.0.0.1")
REDIS_TEST_URL = os.environ.get("ASSESSOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _pg_admin():
    psycopg = pytest.importorskip("psycopg")
    last = None
    for user in ("postgres", "root"):
        try:
            return psycopg.connect(host=PG_HOST, user=user, dbname="test", autocommit=True,
                                   connect_timeout=3), user
        except psycopg.Error as exc:
            last = exc
    pytest.skip(f"PostgreSQL not reachable at {PG_HOST}:5432 (database 'test'): {last}")


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for the session; yields its URL."""
    conn, user = _pg_admin()
    name = f"assessor_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{user}@{PG_HOST}/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def db_url(request, tmp_path_factory):
    """A migrated database URL, once per backend per session."""
    from assessor.db.migrate import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'assessor.db'}"
    else:
        url = request.getfixturevalue("pg_database")
    upgrade(url)
    return url


def wipe(database, tries: int = 5) -> None:
    """Empty every table (faster than re-migrating per test).

    Retried: a worker process killed by a test may leave a PostgreSQL backend
    finishing its last query, and TRUNCATE can deadlock with it once.
    """
    from sqlalchemy.exc import OperationalError

    for attempt in range(tries):
        try:
            return _wipe(database)
        except OperationalError:
            if attempt == tries - 1:
                raise
            time.sleep(0.5 * (attempt + 1))


def _wipe(database) -> None:
    from assessor.db import Base

    tables = list(reversed(Base.metadata.sorted_tables))
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # TRUNCATE does not fire the audit log's row trigger.
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


def make_config(db_url: str, **overrides):
    from assessor.config import Config

    env = {"DATABASE_URL": db_url, "ASSESSOR_JOB_BACKOFF": "0.05",
           "ASSESSOR_WEBHOOK_BACKOFF": "0.05", "ASSESSOR_RECOVERY_INTERVAL": "3600",
           "ASSESSOR_APPLICANT_RATE_LIMIT": "10000", "SECRET_KEY": "test",
           "ASSESSOR_ENGINE": "builtin",
           # The webhook tests' receivers listen on 127.0.0.1.
           "ASSESSOR_WEBHOOK_ALLOW_PRIVATE": "1"}
    env.update({k: str(v) for k, v in overrides.items()})
    return Config(env)


@pytest.fixture
def app_factory(db_url, tmp_path):
    """Build apps on the session database (worker thread not started; tests
    drain the queue with ``queue.run_pending()``); wipes the tables after."""
    from assessor.web import create_app

    apps = []

    def build(**overrides):
        app = create_app(make_config(db_url, **overrides), start_worker=False,
                         instance_path=str(tmp_path / "instance"))
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield build
    for app in apps:
        queue = app.extensions["assessor"]["queue"]
        if hasattr(queue, "stop"):
            queue.stop()
    if apps:
        wipe(apps[0].extensions["assessor"]["db"])
        for app in apps:
            app.extensions["assessor"]["db"].dispose()


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db(app):
    return app.extensions["assessor"]["db"]


@pytest.fixture
def queue(app):
    return app.extensions["assessor"]["queue"]


@pytest.fixture
def fake_score(monkeypatch):
    """Replace the scorer with :func:`fake_result`; records every call."""
    import assessor.scoring as scoring

    calls = []

    def score(text, prompt=None, profile=None, settings=None, target_words=None):
        calls.append({"text": text, "prompt": prompt, "profile": profile, "target_words": target_words})
        return fake_result(text, profile)

    monkeypatch.setattr(scoring, "score", score)
    monkeypatch.setattr("assessor.jobs.scoring.current_model_version", lambda ctx: "test-model-1")
    return calls


@dataclass
class Tenant:
    org_id: int
    admin: str
    recruiter: str
    viewer: str
    task_ids: list[int]
    assessment_id: int
    invitations: list[str] = field(default_factory=list)

    def auth(self, who: str = "admin") -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, who)}"}


@pytest.fixture
def make_tenant(db):
    """Create an organisation with admin/recruiter/viewer tokens, two tasks,
    an assessment and ``invitations`` invitation tokens."""
    from assessor import services

    counter = iter(range(1, 1000))

    def build(name: str | None = None, invitations: int = 2, **assessment) -> Tenant:
        n = next(counter)
        name = name or f"Org {uuid.uuid4().hex[:6]}"
        with db.transaction() as s:
            org = services.create_org(s, name)
            tokens = {}
            for role in ("admin", "recruiter", "viewer"):
                user = services.create_user(s, org, f"{role}{n}@{org.id}.example", role=role)
                tokens[role] = services.create_api_token(s, user)[1]
            admin = services.user_for_token(s, tokens["admin"])
            tasks = [services.create_task(s, admin, {"kind": k, "title": f"T {k}",
                                                     "prompt": f"Write a {k}.", "min_words": 5,
                                                     "max_words": 200})
                     for k in ("email_reply", "essay")]
            spec = {"title": "Assessment", "tasks": [t.id for t in tasks],
                    "role_profile": "voice", **assessment}
            a = services.create_assessment(s, admin, spec)
            invites = [services.invite(s, admin, a, f"applicant{i}@example.com", f"App {i}")[1]
                       for i in range(invitations)]
            return Tenant(org.id, tokens["admin"], tokens["recruiter"], tokens["viewer"],
                          [t.id for t in tasks], a.id, invites)

    return build


@pytest.fixture
def tenant(make_tenant):
    return make_tenant()


@pytest.fixture
def redis_queue():
    """A unique RQ queue name on the test Redis, emptied afterwards (skips without Redis)."""
    redis = pytest.importorskip("redis")
    from rq import Queue

    conn = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        conn.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_TEST_URL}: {exc}")
    name = f"assessor-test-{uuid.uuid4().hex[:8]}"
    yield name
    Queue(name, connection=conn).delete(delete_jobs=True)
