"""Finding work a crash or restart left behind, so no submitted answer is
lost or silently left unscored."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import and_, or_, select

from ..db.base import utcnow
from ..db.models import Answer, Job, Score
from ..services.attempts import enqueue_scoring_row, expire_overdue
from .context import JobContext
from .email import due_messages
from .webhooks import due_deliveries

log = logging.getLogger(__name__)


def recover(ctx: JobContext, *, startup: bool = False) -> dict[str, list[int]]:
    """Re-enqueue pending work; returns the ids enqueued.

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
        orphans = session.scalars(
            select(Answer).outerjoin(Job, and_(Job.answer_id == Answer.id, Job.kind == "score"))
            .where(Answer.submitted_at.is_not(None), Job.id.is_(None),
                   ~select(Score.id).where(Score.answer_id == Answer.id).exists())).all()
        for answer in orphans:
            enqueue_scoring_row(session, answer)
        session.flush()
        due = now - grace
        fresh = closed + [a.id for a in orphans]
        answers = fresh + list(session.scalars(select(Job.answer_id).where(Job.kind == "score", or_(
            and_(Job.status == "queued", or_(and_(Job.run_after.is_(None), Job.updated_at <= due),
                                             Job.run_after <= due)),
            and_(Job.status == "running", Job.lease_until < now)))
            .where(Job.answer_id.not_in(fresh))))
        deliveries = due_deliveries(session, now - grace)
        # Without SMTP the outbox is only shown, not sent: nothing to re-enqueue.
        emails = due_messages(session, now - grace) if ctx.config.SMTP_HOST else []
    if ctx.queue is not None:
        for answer_id in answers:
            ctx.queue.enqueue_score(answer_id)
        for delivery_id in deliveries:
            ctx.queue.enqueue_webhook(delivery_id)
        for message_id in emails:
            ctx.queue.enqueue_email(message_id)
    if answers or deliveries or emails:
        log.info("recovery re-enqueued answers %s, deliveries %s and emails %s", answers,
                 deliveries, emails)
    return {"answers": answers, "deliveries": deliveries, "emails": emails}
