"""The Flask application factory.

Blueprints are listed in :data:`BLUEPRINTS` as ``"module:attribute"``;
adding an area is one line. Areas not written yet (the applicant pages and
the recruiter dashboard) are skipped while their module does not exist.
"""
from __future__ import annotations

import importlib
import logging
import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ..config import Config
from ..errors import ConfigError
from .errors import register_error_handlers
from .jsonio import StrictJSONProvider
from ..observability import Observability
from .extensions import Service

BLUEPRINTS = (
    "assessor.web.health:bp",
    "assessor.web.docs:bp",
    "assessor.web.api.recruiter:bp",
    "assessor.web.api.applicant:bp",
    "assessor.web.applicant:bp",
    "assessor.web.dashboard:bp",
)

service = Service()


class IdConverter(IntegerConverter):
    """``<int:...>`` whose out-of-range values become 0, an id no row has, so
    a huge id in a URL is a clean 404 rather than a database overflow."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else 0


def _register_blueprints(app: Flask) -> None:
    for spec in BLUEPRINTS:
        module_name, _, attr = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            # Only a missing area of our own is tolerated, not a missing dependency.
            if exc.name != module_name:
                raise
            continue
        app.register_blueprint(getattr(module, attr))


def _database_url(app: Flask, config: Config) -> str:
    if config.DATABASE_URL:
        return config.DATABASE_URL
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'assessor.db'}"


def create_app(config: Config | None = None, *, start_worker: bool = True,
               instance_path: str | None = None, blueprints: bool = True) -> Flask:
    """Build the app. ``config`` defaults to :class:`Config` from the
    environment; ``start_worker=False`` skips the embedded worker thread and
    ``blueprints=False`` the views (one-off commands need neither)."""
    config = config or Config()
    if config.ENV == "production" and not config.SECRET_KEY:
        raise ConfigError("SECRET_KEY is required in production (ASSESSOR_ENV=production, the "
                          "default under gunicorn): without it each process signs sessions with "
                          "its own random key and recruiters are signed out between requests")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(
        ASSESSOR_CONFIG=config,
        # A random key per process is safe for the API (it keeps no
        # sessions) but logs out dashboard users on restart: set SECRET_KEY.
        SECRET_KEY=config.SECRET_KEY or secrets.token_hex(32),
        MAX_CONTENT_LENGTH=config.MAX_CONTENT_LENGTH,
        JSON_SORT_KEYS=False,
    )
    app.url_map.converters["int"] = IdConverter
    # Lone surrogates and deep nesting in a request body are a 400, not a 500.
    app.json = StrictJSONProvider(app)
    if config.TRUSTED_PROXIES:
        # request.remote_addr becomes the client the last N proxies saw, so
        # every per-address limit counts clients, not the proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.TRUSTED_PROXIES,
                                x_proto=config.TRUSTED_PROXIES)
    app.config["DATABASE_URL"] = _database_url(app, config)
    config.DATABASE_URL = app.config["DATABASE_URL"]
    logging.basicConfig(level=logging.INFO)
    register_error_handlers(app)
    Observability().init_app(app, config)
    service.init_app(app, config, start_worker=start_worker)
    if blueprints:
        _register_blueprints(app)
    return app
