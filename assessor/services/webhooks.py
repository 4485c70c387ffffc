"""Webhooks: the endpoints an organisation registers, and the deliveries a
scored attempt creates for them. Sending is :mod:`assessor.jobs.webhooks`."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import Attempt, User, Webhook, WebhookDelivery
from .assessments import owned
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, InputError, NotFound
from .netguard import parse_target, private_address
from .security import new_token

EVENTS = ("score.ready",)


def attempt_payload(attempt: Attempt) -> dict[str, Any]:
    return {
        "attempt_id": attempt.id,
        "assessment_id": attempt.assessment_id,
        "candidate": {"id": attempt.candidate_id, "email": attempt.candidate.email,
                      "name": attempt.candidate.name},
        "status": attempt.status,
        "cefr": attempt.final_cefr, "score": attempt.score, "decision": attempt.final_decision,
        "needs_review": attempt.needs_review, "flags": list(attempt.flags or []),
        "answers": [{"answer_id": a.id, "task_id": a.task_id,
                     "cefr": a.latest_score.cefr if a.latest_score else None,
                     "score": a.latest_score.score if a.latest_score else None,
                     "decision": a.latest_score.decision if a.latest_score else None}
                    for a in attempt.answers if a.submitted_at is not None],
    }


def create_deliveries(session: Session, attempt: Attempt, event: str) -> list[int]:
    """One pending delivery per active webhook of the attempt's organisation;
    returns their ids (to enqueue after the commit)."""
    hooks = session.scalars(select(Webhook).where(Webhook.org_id == attempt.assessment.org_id,
                                                  Webhook.active.is_(True))).all()
    payload = {"event": event, "data": attempt_payload(attempt)}
    deliveries = [WebhookDelivery(webhook_id=h.id, event=event, payload=payload, status="pending",
                                  attempts=0, next_attempt_at=utcnow())
                  for h in hooks if event in (h.events or EVENTS)]
    session.add_all(deliveries)
    session.flush()
    return [d.id for d in deliveries]


def _require_admin(user: User) -> None:
    if user.role != "admin":
        raise Forbidden("only admins manage webhooks")


def check_url(url: object, allow_private: bool) -> str:
    # The parser the HTTP client connects with decides the host (netguard).
    target = parse_target(url)
    if not allow_private and private_address(target.host):
        raise InputError("url must point to a public address, not loopback or a private "
                         "network (ASSESSOR_WEBHOOK_ALLOW_PRIVATE=1 allows internal receivers)")
    return str(url)


def active_webhooks(session: Session, org_id: int) -> list[Webhook]:
    return list(session.scalars(select(Webhook).where(Webhook.org_id == org_id,
                                                      Webhook.active.is_(True))
                                .order_by(Webhook.id)))


def create_webhook(session: Session, user: User, data: dict, *, max_per_org: int,
                   allow_private: bool) -> Webhook:
    _require_admin(user)
    events = data.get("events") or list(EVENTS)
    if not all(e in EVENTS for e in events):
        raise InputError("the only event is score.ready")
    active = session.scalar(select(func.count(Webhook.id)).where(
        Webhook.org_id == user.org_id, Webhook.active.is_(True)))
    if active >= max_per_org:
        raise Conflict(f"an organisation may have at most {max_per_org} webhooks; delete one "
                       "first", "webhook_limit")
    hook = Webhook(org_id=user.org_id, url=check_url(data.get("url"), allow_private),
                   secret=data.get("secret") or new_token(), events=events, active=True)
    session.add(hook)
    session.flush()
    audit(session, actor_of(user), "webhook.create", org_id=user.org_id, target=hook,
          details={"url": hook.url})
    return hook


def live_webhook(session: Session, webhook_id: int, org_id: int) -> Webhook:
    # A deleted webhook stays in the database (its deliveries are history)
    # but is gone for its users.
    hook = owned(session, Webhook, webhook_id, org_id)
    if not hook.active:
        raise NotFound(f"webhook {webhook_id} not found")
    return hook


def disable_webhook(session: Session, user: User, webhook_id: int) -> Webhook:
    _require_admin(user)
    hook = live_webhook(session, webhook_id, user.org_id)
    hook.active = False
    # Its queued deliveries carry candidate data: none of them may go out now.
    cancelled = session.execute(
        update(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id,
                                      WebhookDelivery.status == "pending")
        .values(status="cancelled", next_attempt_at=None)
        .execution_options(synchronize_session=False)).rowcount
    audit(session, actor_of(user), "webhook.disable", org_id=user.org_id, target=hook,
          details={"cancelled_deliveries": cancelled})
    return hook


def deliveries_query(hook: Webhook):
    return select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id) \
        .order_by(WebhookDelivery.id.desc())
