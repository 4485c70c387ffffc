"""Finding work a crash or restart left behind, so no submitted answer is
lost or silently left unscored."""
from __future__ import annotations

import logging
from datetime import timedelta

from ..db.base import utcnow
from ..services.attempts import expire_overdue
from ..services.work import Work
from . import dispatch, rows
from .context import JobContext
from .email import due_messages
from .webhooks import due_deliveries

log = logging.getLogger(__name__)


def recover(ctx: JobContext, *, startup: bool = False) -> dict[str, list[int]]:
    """Re-enqueue pending work; returns the ids enqueued.

    * attempts past their time limit or closing time are closed (drafts
      submitted as they stand);
    * submitted answers with no score and no job row get one;
    * queued jobs: all of them at ``startup`` (an in-process queue starts
      empty), else those overdue by more than a recovery interval;
    * running jobs whose lease ran out (their worker died);
    * pending webhook deliveries that are overdue;
    * outbox messages overdue or whose sender died (with SMTP configured).

    Duplicates are harmless: jobs claim their row before working.
    """
    now = utcnow()
    grace = timedelta(seconds=0 if startup else max(ctx.config.RECOVERY_INTERVAL, 30))
    with ctx.db.transaction() as session:
        closed = expire_overdue(session, now)
        dispatch.prepare(session, closed)
        orphans = rows.orphans(session)
        dispatch.prepare(session, Work(score=orphans))
        fresh = closed.score + orphans
        work = Work(score=fresh + rows.stalled(session, now, now - grace, fresh),
                    webhooks=list(dict.fromkeys(closed.webhooks + due_deliveries(session, now - grace))),
                    emails=due_messages(session, now - grace))
    smtp = bool(ctx.config.SMTP_HOST)
    dispatch.enqueue(ctx.queue, work, smtp=smtp)
    # Without SMTP the outbox is only shown, not sent: nothing to re-enqueue.
    emails = work.emails if smtp else []
    if work.score or work.webhooks or emails:
        log.info("recovery re-enqueued answers %s, deliveries %s and emails %s", work.score,
                 work.webhooks, emails)
    return {"answers": work.score, "deliveries": work.webhooks, "emails": emails}
