"""Sending webhook deliveries (created by :mod:`assessor.services.webhooks`):
signed POSTs with retries, one row per delivery.

Signature: ``X-Assessor-Signature: sha256=HMAC(secret, "{timestamp}.{body}")``
with the timestamp (Unix seconds) in ``X-Assessor-Timestamp``; receivers
should reject timestamps more than a few minutes old.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import timedelta
from typing import Any

import requests
from sqlalchemy import and_, or_, select, update

from ..db.base import utcnow
from ..db.models import Webhook, WebhookDelivery
from ..services.errors import UnsafeTarget
from ..services.netguard import parse_target, pinned_session, resolve_once
from ..services.security import sign
from .context import JobContext, Outcome, backoff

log = logging.getLogger(__name__)


def _claim(ctx: JobContext, delivery_id: int):
    now = utcnow()
    with ctx.db.transaction() as session:
        claimed = session.execute(
            update(WebhookDelivery).where(
                WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
                # A deleted webhook's deliveries never go out, even if
                # already on the queue when it was deleted.
                WebhookDelivery.webhook_id.in_(select(Webhook.id).where(Webhook.active.is_(True))),
                or_(WebhookDelivery.next_attempt_at.is_(None),
                    WebhookDelivery.next_attempt_at <= now + timedelta(seconds=1)))
            # Pushing next_attempt_at forward is the lease: a second worker
            # given the same id finds it not yet due.
            .values(attempts=WebhookDelivery.attempts + 1,
                    next_attempt_at=now + timedelta(seconds=ctx.config.WEBHOOK_TIMEOUT * 4 + 30))
        ).rowcount
        if not claimed:
            return None
        delivery = session.get(WebhookDelivery, delivery_id)
        return (delivery.webhook.url, delivery.webhook.secret, delivery.event, delivery.payload,
                delivery.attempts)


def deliver_webhook(ctx: JobContext, delivery_id: int) -> Outcome:
    claim = _claim(ctx, delivery_id)
    if claim is None:
        return Outcome("skip")
    url, secret, event, payload, attempts = claim
    body = json.dumps({**payload, "delivery_id": delivery_id}, sort_keys=True).encode("utf-8")
    stamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "assessor-webhooks/1",
               "X-Assessor-Event": event, "X-Assessor-Delivery": str(delivery_id),
               "X-Assessor-Timestamp": str(stamp), "X-Assessor-Signature": sign(secret, stamp, body)}
    status, error = None, None
    try:
        # Parsed, resolved and checked at every delivery (the name may point
        # elsewhere by now), then connected to the very address checked.
        target = parse_target(url)
        address = resolve_once(target, allow_private=ctx.config.WEBHOOK_ALLOW_PRIVATE)
    except UnsafeTarget as exc:
        return _record(ctx, delivery_id, attempts, None, str(exc))
    try:
        with pinned_session(address) as http:
            response = http.post(url, data=body, headers=headers,
                                 timeout=ctx.config.WEBHOOK_TIMEOUT, allow_redirects=False)
        status = response.status_code
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
    return _record(ctx, delivery_id, attempts, status, error)


def _record(ctx: JobContext, delivery_id: int, attempts: int, status: int | None,
            error: str | None) -> Outcome:
    now = utcnow()
    values: dict[str, Any] = {"response_status": status, "last_error": error}
    if error is None:
        values.update(status="delivered", delivered_at=now, next_attempt_at=None)
        outcome = Outcome("done")
    elif attempts >= ctx.config.WEBHOOK_MAX_ATTEMPTS:
        values.update(status="failed", next_attempt_at=None)
        outcome = Outcome("failed", detail=error)
    else:
        delay = backoff(ctx.config.WEBHOOK_BACKOFF_SECONDS, attempts)
        values.update(next_attempt_at=now + timedelta(seconds=delay))
        outcome = Outcome("retry", retry_in=delay, detail=error)
    with ctx.db.transaction() as session:
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                        .values(**values))
    if error:
        log.warning("webhook delivery %s: %s", delivery_id, error)
    return outcome


def due_deliveries(session, stale_before) -> list[int]:
    """Pending deliveries whose time has come and gone (their enqueue was lost)."""
    return list(session.scalars(select(WebhookDelivery.id).where(and_(
        WebhookDelivery.status == "pending",
        or_(WebhookDelivery.next_attempt_at.is_(None),
            WebhookDelivery.next_attempt_at <= stale_before)))))
