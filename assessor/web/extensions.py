"""The service's extension: database, job queue and grammar-engine probe,
wired into an app with :meth:`Service.init_app` (Flask extension style)."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from ..config import Config
from ..db import Database
from ..jobs import JobContext, dispatch, make_queue
from ..services.work import Work

log = logging.getLogger(__name__)


class Service:
    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask, config: Config | None = None,
                 start_worker: bool = True) -> None:
        config = config or app.config["ASSESSOR_CONFIG"]
        db = Database(app.config["DATABASE_URL"])
        ctx = JobContext(db=db, config=config)
        queue = make_queue(ctx)
        state = {"db": db, "ctx": ctx, "queue": queue, "engines": None}
        app.extensions["assessor"] = state
        app.teardown_appcontext(_close_session)
        if start_worker and hasattr(queue, "start") and config.EMBEDDED_WORKER:
            queue.start()


def state() -> dict[str, Any]:
    return current_app.extensions["assessor"]


def database() -> Database:
    return state()["db"]


def invitation_days() -> int:
    """How long an invitation lasts when the request does not say."""
    return current_app.config["ASSESSOR_CONFIG"].INVITATION_DAYS


def queue():
    return state()["queue"]


def _smtp() -> bool:
    return bool(current_app.config["ASSESSOR_CONFIG"].SMTP_HOST)


def commit(work: Work | None = None) -> None:
    """Commit the request's transaction, then enqueue what it left to do: the
    request owns its transaction, services only flush."""
    dispatch.commit_and_enqueue(session(), queue(), work, smtp=_smtp())


def send_emails(invitation_ids: list[int]) -> None:
    """After the commit: enqueue the invitations' pending emails (without
    SMTP they wait in the outbox, where the dashboard shows them)."""
    dispatch.enqueue_invitation_emails(session(), queue(), invitation_ids, smtp=_smtp())


def mailing() -> dict[str, Any]:
    """What :func:`assessor.services.invite` needs to queue the emails."""
    config = current_app.config["ASSESSOR_CONFIG"]
    return {"public_url": config.PUBLIC_URL, "remind_days": config.REMINDER_DAYS}


def public_url() -> str:
    """Links are built from ASSESSOR_PUBLIC_URL, never from the request's Host."""
    return current_app.config["ASSESSOR_CONFIG"].PUBLIC_URL


def job_context() -> JobContext:
    return state()["ctx"]


def session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = database().session()
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is None:
        return
    try:
        if exc is not None:
            s.rollback()
    finally:
        s.close()


def engine_plan():
    """One grammar-engine plan per app, for /readyz."""
    st = state()
    if st["engines"] is None:
        from ..scoring.engines.select import build_engines

        st["engines"] = build_engines(st["ctx"].config.scoring_settings())
    return st["engines"]
