"""Production settings: SECRET_KEY required, gunicorn's worker count from WEB_CONCURRENCY."""
from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

from assessor.config import Config
from assessor.errors import ConfigError
from assessor.web import create_app

ROOT = Path(__file__).resolve().parents[2]


def test_production_without_secret_key_refuses_to_start(tmp_path):
    config = Config({"ASSESSOR_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    with pytest.raises(ConfigError, match="SECRET_KEY is required in production"):
        create_app(config, start_worker=False, instance_path=str(tmp_path))


def test_production_with_a_secret_key_starts(tmp_path):
    config = Config({"ASSESSOR_ENV": "production", "SECRET_KEY": "k" * 32,
                     "DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    app = create_app(config, start_worker=False, instance_path=str(tmp_path), blueprints=False)
    assert app.config["SECRET_KEY"] == "k" * 32
    app.extensions["assessor"]["db"].dispose()


def test_development_keeps_a_random_key(tmp_path):
    config = Config({"DATABASE_URL": f"sqlite:///{tmp_path}/a.db"})
    app = create_app(config, start_worker=False, instance_path=str(tmp_path), blueprints=False)
    assert len(app.config["SECRET_KEY"]) == 64
    app.extensions["assessor"]["db"].dispose()


@pytest.mark.parametrize("value", ["0", "65", "many"])
def test_web_concurrency_is_checked(value):
    with pytest.raises((ConfigError, ValueError)):
        Config({"WEB_CONCURRENCY": value})


def test_gunicorn_takes_workers_from_web_concurrency_and_defaults_to_production(monkeypatch):
    # setenv first, so that teardown removes what gunicorn.conf.py sets.
    monkeypatch.setenv("ASSESSOR_ENV", "")
    monkeypatch.delenv("ASSESSOR_ENV")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert conf["workers"] == 3
    assert os.environ["ASSESSOR_ENV"] == "production"
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] == 2


def test_reading_the_settings_does_not_load_the_scorer():
    import subprocess
    import sys

    code = ("import sys; from assessor.config import Config; Config(); "
            "print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.strip()
    assert out == "False"
