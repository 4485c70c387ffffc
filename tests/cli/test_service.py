"""The service sub-commands, run as the user runs them (a subprocess)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest


def run(args, db_url, **env):
    full = {**os.environ, "DATABASE_URL": db_url, **env}
    full.pop("REDIS_URL", None) if "REDIS_URL" not in env else None
    return subprocess.run([sys.executable, "-m", "assessor", *args], env=full,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def fresh_db(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_upgrade_demo_twice_and_users(fresh_db):
    assert run(["db", "upgrade"], fresh_db).returncode == 0
    first = run(["demo"], fresh_db)
    assert first.returncode == 0, first.stderr
    assert "recruiter@demo-bpo.example / demo-recruiter" in first.stdout
    assert re.search(r"/take/[\w-]{43}", first.stdout)
    second = run(["demo"], fresh_db)  # idempotent: nothing duplicated
    assert second.returncode == 0, second.stderr
    from sqlalchemy import create_engine, text

    engine = create_engine(fresh_db)
    with engine.connect() as conn:
        counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                  for t in ("organisations", "assessments", "tasks", "attempts", "answers")}
        live = conn.execute(text("SELECT COUNT(*) FROM invitations WHERE revoked_at IS NULL "
                                 "AND used_at IS NULL")).scalar()
    engine.dispose()
    assert counts == {"organisations": 1, "assessments": 1, "tasks": 3, "attempts": 1,
                      "answers": 3}
    assert live == 2
    org = run(["create-org", "Acme"], fresh_db)
    assert org.returncode == 0 and "Acme" in org.stdout
    user = run(["create-user", "--org", "Acme", "--email", "a@acme.example", "--role", "admin",
                "--token"], fresh_db)
    assert user.returncode == 0, user.stderr
    assert "password:" in user.stdout and re.search(r"asr_[\w-]{43}", user.stdout)
    again = run(["create-user", "--org", "Acme", "--email", "a@acme.example"], fresh_db)
    assert again.returncode == 1 and "exists" in again.stderr
    missing = run(["create-user", "--org", "Nope", "--email", "b@acme.example"], fresh_db)
    assert missing.returncode == 1 and "no organisation" in missing.stderr


def test_worker_needs_redis(fresh_db):
    done = run(["worker"], fresh_db)
    assert done.returncode == 1 and "REDIS_URL is not set" in done.stderr


def test_help_lists_service_commands():
    out = subprocess.run([sys.executable, "-m", "assessor", "--help"], capture_output=True,
                         text=True, timeout=120).stdout
    for command in ("serve", "worker", "db", "create-org", "create-user", "demo"):
        assert command in out
