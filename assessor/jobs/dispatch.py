"""The one way work leaves a transaction: write the job rows, commit, then
enqueue. Used by requests, CLI commands and jobs alike.

Enqueueing only after the commit means a worker never looks for a row that
is not there yet; if the process dies between the two, recovery finds the
committed rows and enqueues them (nothing is lost, at worst delayed).
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from ..services.outbox import pending_for
from ..services.work import Work
from . import rows
from .context import JobQueue

log = logging.getLogger(__name__)


def prepare(session: Session, work: Work) -> None:
    """Inside the transaction: the job rows of the answers to score."""
    rows.mark_queued(session, work.score)
    rows.mark_queued(session, work.rescore, fresh=True)


def enqueue(queue: JobQueue | None, work: Work, *, smtp: bool) -> None:
    """After the commit. Without SMTP the outbox is only shown, not sent."""
    if queue is None:
        return
    for answer_id in [*work.score, *work.rescore]:
        queue.enqueue_score(answer_id)
    for delivery_id in work.webhooks:
        queue.enqueue_webhook(delivery_id)
    if smtp:
        for message_id in work.emails:
            queue.enqueue_email(message_id)


def commit_and_enqueue(session: Session, queue: JobQueue | None, work: Work | None = None, *,
                       smtp: bool = False) -> None:
    work = work or Work()
    prepare(session, work)
    session.commit()
    enqueue(queue, work, smtp=smtp)


def enqueue_invitation_emails(session: Session, queue: JobQueue | None,
                              invitation_ids: list[int], *, smtp: bool) -> None:
    """After the commit: the invitations' pending emails, each at its due time
    (reminders wait); without SMTP they stay in the outbox for the dashboard."""
    if queue is None or not smtp:
        return
    for message_id, delay in pending_for(session, invitation_ids):
        queue.enqueue_email(message_id, delay=delay)
