"""Declarative base, column types and the :class:`Database` handle.

Plain SQLAlchemy 2 (no Flask-SQLAlchemy) so that the RQ worker, the command
line and the web app share one session factory without an app context.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: SQLite otherwise hands out max(id) + 1, so after an erasure deleted the
#: newest rows the next ones took their ids, and old links and audit entries
#: pointed at another person. A model with its own ``__table_args__`` tuple
#: ends it with this.
NEVER_REUSE = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    __table_args__ = NEVER_REUSE


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, whatever the backend keeps.

    SQLite drops the zone; storing naive UTC everywhere and re-attaching UTC
    on the way out makes comparisons behave the same on both backends.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # pysqlite opens a transaction only before a write, so a SAVEPOINT issued
    # first (begin_nested) started one and its RELEASE committed it: a CSV
    # import that failed later kept its earlier rows. SQLAlchemy's recipe:
    # let SQLAlchemy emit BEGIN itself (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the worker thread write while requests read.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # IMMEDIATE takes the write lock at the start, waiting up to busy_timeout
    # for it. A deferred BEGIN read first and then failed at once with
    # "database is locked" when it tried to write after another thread's
    # commit (SQLite refuses to upgrade a stale snapshot), which lost the
    # embedded worker's claims and applicants' submits under concurrency.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """One engine and session factory per process (web app, worker, CLI)."""

    def __init__(self, url: str | None = None) -> None:
        self.engine: Engine | None = None
        self._factory: sessionmaker | None = None
        if url:
            self.configure(url)

    def configure(self, url: str) -> None:
        if self.engine is not None:
            self.engine.dispose()
        self.url = url
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        if self._factory is None:
            raise RuntimeError("Database used before configure()")
        return self._factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        session = self.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
