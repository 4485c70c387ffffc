"""Alembic environment: the URL comes from assessor.db.migrate (built from
Config), never from the environment here."""
from alembic import context
from sqlalchemy import pool

from assessor.db import Base
from assessor.db.base import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds a SQLite table by copy, drop and rename;
            # with foreign keys enforced, the drop would cascade into (delete)
            # every row that references it. The pragma only takes effect
            # outside a transaction, hence on the raw connection, first.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        # Batch mode lets later ALTER TABLE migrations run on SQLite too.
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
