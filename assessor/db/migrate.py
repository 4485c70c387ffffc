"""Run the Alembic migrations in ``assessor/migrations/`` programmatically, so
that ``assessor db upgrade`` needs no alembic.ini and no working directory.

They live inside the package so that an installed wheel carries them.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy.exc import SQLAlchemyError

from ..errors import ConfigError
from .base import Database

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    if not (MIGRATIONS_DIR / "env.py").is_file():
        raise ConfigError(f"migrations folder not found at {MIGRATIONS_DIR}")
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # env.py takes the URL from here; '%' would be read as interpolation.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    try:
        command.upgrade(alembic_config(url), revision)
    except SQLAlchemyError as exc:
        raise ConfigError(f"database migration failed: {exc}") from exc


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    """Autogenerate a new migration from the models (for developers)."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
