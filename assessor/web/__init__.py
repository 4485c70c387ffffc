"""The Flask application factory.

Every area is imported here and registered in :data:`BLUEPRINTS`, so a
missing or misspelt module is an ImportError at start-up, never a silently
absent set of routes (and their CSRF protection with them). Security, the
service extension (database, queue) and observability are wired here too,
for the whole app.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from ..config import Config
from ..errors import ConfigError
from ..observability import Observability
from . import docs, health, security
from .api import applicant as api_applicant
from .api import recruiter as api_recruiter
from .applicant import bp as applicant_bp
from .dashboard import bp as dashboard_bp
from .dashboard import filters as dashboard_filters
from .errors import register_error_handlers
from .extensions import Service
from .jsonio import StrictJSONProvider

BLUEPRINTS = (health.bp, docs.bp, api_recruiter.bp, api_applicant.bp, applicant_bp, dashboard_bp)

service = Service()


class IdConverter(IntegerConverter):
    """``<int:...>`` whose out-of-range values become 0, an id no row has, so
    a huge id in a URL is a clean 404 rather than a database overflow."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else 0


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
    # Observability configures logging (text or JSON) for the process.
    Observability().init_app(app, config)
    register_error_handlers(app)
    security.init_app(app)
    service.init_app(app, config, start_worker=start_worker)
    if blueprints:
        for blueprint in BLUEPRINTS:
            app.register_blueprint(blueprint)
        dashboard_filters.register(app)
    return app
