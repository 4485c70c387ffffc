"""Rows → JSON objects of the API (the shapes the OpenAPI document describes)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ...db import models as m
from ...services.decision_reasons import explain_attempt
from ...services.integrity import NO_EVENTS_NOTE


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def task(t: m.Task) -> dict[str, Any]:
    return {"id": t.id, "kind": t.kind, "title": t.title, "prompt": t.prompt,
            "min_words": t.min_words, "max_words": t.max_words,
            "time_limit_minutes": t.time_limit_minutes, "archived": t.archived,
            "created_at": iso(t.created_at)}


def assessment(a: m.Assessment) -> dict[str, Any]:
    return {
        "id": a.id, "title": a.title, "description": a.description,
        "client_account_id": a.client_account_id, "role_profile_id": a.role_profile_id,
        "thresholds": a.profile, "time_limit_minutes": a.time_limit_minutes,
        "opens_at": iso(a.opens_at), "closes_at": iso(a.closes_at),
        "max_attempts": a.max_attempts, "cooldown_days": a.cooldown_days,
        "show_feedback": a.show_feedback, "allow_paste": a.allow_paste, "archived": a.archived,
        "created_at": iso(a.created_at),
        "tasks": [{"task_id": i.task_id, "position": i.position, "title": i.task.title,
                   "kind": i.task.kind, "min_words": i.word_limits[0],
                   "max_words": i.word_limits[1]} for i in a.items],
    }


def invitation(i: m.Invitation, token: str | None = None, public_url: str = "") -> dict[str, Any]:
    body = {"id": i.id, "assessment_id": i.assessment_id, "candidate_id": i.candidate_id,
            "email": i.candidate.email, "name": i.candidate.name,
            "expires_at": iso(i.expires_at), "used_at": iso(i.used_at),
            "revoked_at": iso(i.revoked_at), "created_at": iso(i.created_at),
            "email_delivery": email_status(i.email)}
    if token:
        # Shown once: only the hash is stored.
        body["token"] = token
        body["url"] = f"{public_url}/take/{token}"
    return body


def email_status(msg: m.OutboxMessage | None) -> dict[str, Any] | None:
    """The invitation email's state: pending (waiting, or no SMTP configured),
    sending, sent or failed (refused or out of retries), with the last error."""
    if msg is None:
        return None
    return {"id": msg.id, "status": msg.status, "attempts": msg.attempts,
            "last_error": msg.last_error, "sent_at": iso(msg.sent_at)}


def score(s: m.Score | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"id": s.id, "status": s.status, "cefr": s.cefr, "score": s.score,
            "grammar_cefr": s.grammar_cefr, "vocabulary_cefr": s.vocabulary_cefr,
            "decision": s.decision, "needs_review": s.needs_review, "engine": s.engine,
            "model_version": s.model_version, "created_at": iso(s.created_at), "result": s.result}


def answer(a: m.Answer, job: m.Job | None = None, full: bool = True) -> dict[str, Any]:
    body = {"id": a.id, "task_id": a.task_id, "submitted_at": iso(a.submitted_at),
            "saved_at": iso(a.saved_at), "word_count": a.word_count,
            "scoring": scoring_state(a, job)}
    if full:
        body.update(text=a.text, draft_text=a.draft_text, fingerprint=a.fingerprint,
                    integrity_events=a.integrity_events or [], score=score(a.latest_score),
                    # An answer sent through the API has no events: say so
                    # rather than let an empty list read as "nothing happened".
                    integrity_note=NO_EVENTS_NOTE
                    if a.submitted_at and not a.integrity_events else None)
    return body


def scoring_state(a: m.Answer, job: m.Job | None) -> dict[str, Any]:
    if a.latest_score is not None:
        return {"status": "done", "attempts": job.attempts if job else None, "last_error": None}
    if job is None:
        return {"status": "not_submitted" if a.submitted_at is None else "queued",
                "attempts": 0, "last_error": None}
    return {"status": job.status, "attempts": job.attempts, "last_error": job.last_error}


def attempt_summary(t: m.Attempt) -> dict[str, Any]:
    return {"id": t.id, "assessment_id": t.assessment_id, "candidate_id": t.candidate_id,
            "email": t.candidate.email, "name": t.candidate.name,
            "candidate_status": t.candidate.status, "status": t.status,
            "started_at": iso(t.started_at), "deadline": iso(t.deadline),
            "submitted_at": iso(t.submitted_at), "scored_at": iso(t.scored_at),
            "cefr": t.final_cefr, "score": t.score, "decision": t.final_decision,
            "computed_cefr": t.cefr, "computed_decision": t.decision,
            "needs_review": t.needs_review, "flags": list(t.flags or []),
            "decision_reason": explain_attempt(t).to_dict()}


def review(r: m.Review) -> dict[str, Any]:
    return {"id": r.id, "attempt_id": r.attempt_id, "reviewer_id": r.reviewer_id,
            "cefr_override": r.cefr_override, "decision_override": r.decision_override,
            "reason": r.reason, "note": r.note, "created_at": iso(r.created_at)}


def candidate(c: m.Candidate, notes: list[m.CandidateNote] = ()) -> dict[str, Any]:
    return {"id": c.id, "email": c.email, "name": c.name, "status": c.status,
            "created_at": iso(c.created_at),
            "notes": [{"id": n.id, "author_id": n.author_id, "text": n.text,
                       "created_at": iso(n.created_at)} for n in notes]}


def webhook(w: m.Webhook, secret: bool = False) -> dict[str, Any]:
    body = {"id": w.id, "url": w.url, "events": w.events, "active": w.active,
            "created_at": iso(w.created_at)}
    if secret:
        body["secret"] = w.secret
    return body


def delivery(d: m.WebhookDelivery) -> dict[str, Any]:
    return {"id": d.id, "webhook_id": d.webhook_id, "event": d.event, "status": d.status,
            "attempts": d.attempts, "last_error": d.last_error,
            "response_status": d.response_status, "next_attempt_at": iso(d.next_attempt_at),
            "created_at": iso(d.created_at), "delivered_at": iso(d.delivered_at)}


def audit(e: m.AuditLog) -> dict[str, Any]:
    return {"id": e.id, "actor": e.actor, "action": e.action, "target_type": e.target_type,
            "target_id": e.target_id, "details": e.details, "created_at": iso(e.created_at)}


def role_profile(p: m.RoleProfileRow) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "builtin_name": p.builtin_name,
            "client_account_id": p.client_account_id, "thresholds": p.thresholds}


def page(items: list[dict[str, Any]], total: int, page_no: int, per_page: int) -> dict[str, Any]:
    return {"items": items, "total": total, "page": page_no, "per_page": per_page,
            "pages": (total + per_page - 1) // per_page}
