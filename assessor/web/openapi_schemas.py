"""Component schemas of the OpenAPI document (OpenAPI 3.0.3)."""
from __future__ import annotations

from typing import Any

from ..db.models import (ATTEMPT_STATUSES, CANDIDATE_STATUSES, JOB_STATUSES, OUTBOX_STATUSES,
                         TASK_KINDS)
from ..scoring.types import CEFR_LEVELS, OUTCOMES
from ..services.attempts import MAX_ANSWER_CHARS


def t(kind: str, nullable: bool = False, **extra: Any) -> dict[str, Any]:
    schema = {"type": kind, **extra}
    if nullable:
        schema["nullable"] = True
    return schema


def ref(name: str, nullable: bool = False) -> dict[str, Any]:
    if nullable:
        return {"allOf": [{"$ref": f"#/components/schemas/{name}"}], "nullable": True}
    return {"$ref": f"#/components/schemas/{name}"}


def arr(items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "array", "items": items, **extra}


def obj(props: dict[str, Any], required: list[str] | tuple = (), **extra: Any) -> dict[str, Any]:
    schema = {"type": "object", "properties": props, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def enum(values, nullable: bool = False) -> dict[str, Any]:
    return t("string", nullable, enum=list(values) + ([None] if nullable else []))


S, I, N, B = "string", "integer", "number", "boolean"
DT = {"type": "string", "format": "date-time"}
DTN = {"type": "string", "format": "date-time", "nullable": True}
ID = t(I)
ANY_OBJ = t("object", additionalProperties=True)
CEFR_N = enum(CEFR_LEVELS, True)
OUTCOME_N = enum(OUTCOMES, True)


def page_of(name: str) -> dict[str, Any]:
    return obj({"items": arr(ref(name)), "total": t(I), "page": t(I), "per_page": t(I),
                "pages": t(I)}, ["items", "total", "page", "per_page", "pages"])


def list_of(name: str) -> dict[str, Any]:
    return obj({"items": arr(ref(name))}, ["items"])


_TASK_ITEM = obj({"task_id": t(I, minimum=1), "min_words": t(I, minimum=0, maximum=5000),
                  "max_words": t(I, minimum=0, maximum=5000)}, ["task_id"])
_ASSESSMENT_FIELDS = {
    "title": t(S, minLength=1, maxLength=200), "description": t(S),
    "time_limit_minutes": t(I, True, minimum=1, maximum=1440),
    "opens_at": DTN, "closes_at": DTN,
    "max_attempts": t(I, minimum=1, maximum=100), "cooldown_days": t(I, minimum=0, maximum=3650),
    "show_feedback": t(B), "allow_paste": t(B), "client_account_id": t(I, True),
    "archived": t(B), "role_profile": t(S), "role_profile_id": t(I),
    "thresholds": ANY_OBJ, "tasks": arr({"oneOf": [t(I, minimum=1), _TASK_ITEM]}, minItems=1),
}
_EVENT = obj({"type": enum(("paste", "focus", "blur", "tab_hidden", "tab_visible",
                            "typing_burst", "copy", "cut")),
              "at": t(S), "chars": t(I), "ms": t(N)}, ["type"])

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({"code": t(S), "message": t(S)}, ["code", "message"])}, ["error"]),
    "Health": obj({"status": t(S)}, ["status"]),
    "Ready": obj({"status": enum(("ready", "not_ready")), "checks": ANY_OBJ}, ["status", "checks"]),
    "Me": obj({"id": ID, "email": t(S), "name": t(S), "role": enum(("admin", "recruiter", "viewer")),
               "organisation": obj({"id": ID, "name": t(S)})}, ["id", "email", "role"]),
    "Task": obj({"id": ID, "kind": enum(TASK_KINDS), "title": t(S), "prompt": t(S),
                 "min_words": t(I), "max_words": t(I), "time_limit_minutes": t(I, True),
                 "archived": t(B), "created_at": DT}, ["id", "kind", "title", "prompt"]),
    "TaskInput": obj({"kind": enum(TASK_KINDS), "title": t(S, minLength=1),
                      "prompt": t(S, minLength=1), "min_words": t(I, minimum=0, maximum=5000),
                      "max_words": t(I, minimum=0, maximum=5000),
                      "time_limit_minutes": t(I, True, minimum=1, maximum=1440)},
                     ["kind", "title", "prompt"]),
    "RoleProfile": obj({"id": ID, "name": t(S), "builtin_name": t(S, True),
                        "client_account_id": t(I, True), "thresholds": ANY_OBJ},
                       ["id", "name", "thresholds"]),
    "RoleProfileInput": obj({"name": t(S, minLength=1), "label": t(S),
                             "min_overall": enum(CEFR_LEVELS), "min_grammar": enum(CEFR_LEVELS),
                             "min_vocabulary": enum(CEFR_LEVELS),
                             "trainable_margin": t(N, minimum=0, maximum=2),
                             "pass_margin": t(N, minimum=0, maximum=1),
                             "max_grammar_errors_per_100": t(N, True, minimum=0, maximum=100),
                             "max_spelling_errors_per_100": t(N, True, minimum=0, maximum=100),
                             "review_band": t(N), "min_confidence": t(N), "description": t(S),
                             "client_account_id": t(I, True)},
                            ["name", "label", "min_overall", "min_grammar", "min_vocabulary"]),
    "ClientAccount": obj({"id": ID, "name": t(S)}, ["id", "name"]),
    "ClientAccountInput": obj({"name": t(S, minLength=1, maxLength=200)}, ["name"]),
    "Assessment": obj({"id": ID, **{k: v for k, v in _ASSESSMENT_FIELDS.items()
                                    if k not in ("tasks", "role_profile")},
                       "role_profile_id": t(I, True), "created_at": DT,
                       "tasks": arr(obj({"task_id": ID, "position": t(I), "title": t(S),
                                         "kind": enum(TASK_KINDS), "min_words": t(I),
                                         "max_words": t(I)}))},
                      ["id", "title", "tasks", "thresholds"]),
    "AssessmentInput": obj(_ASSESSMENT_FIELDS, ["title", "tasks"]),
    "AssessmentPatch": obj(_ASSESSMENT_FIELDS),
    "Invitation": obj({"id": ID, "assessment_id": ID, "candidate_id": ID, "email": t(S),
                       "name": t(S), "expires_at": DT, "used_at": DTN, "revoked_at": DTN,
                       "created_at": DT, "token": t(S), "url": t(S),
                       "email_delivery": ref("EmailDelivery", nullable=True)},
                      ["id", "assessment_id", "email", "expires_at"]),
    # pending also means "no SMTP configured": the dashboard's Outbox shows it.
    "EmailDelivery": obj({"id": ID, "status": enum(OUTBOX_STATUSES), "attempts": t(I),
                          "last_error": t(S, nullable=True), "sent_at": DTN},
                         ["id", "status", "attempts"]),
    "InvitationInput": obj({"email": t(S, format="email"), "name": t(S),
                            "expires_in_days": t(I, minimum=1, maximum=365),
                            # Without it, an open invitation of the same
                            # email answers 409 already_invited.
                            "confirm": t(B)}, ["email"]),
    "BulkReport": obj({
        "created": arr(obj({"line": t(I), "email": t(S), "invitation_id": ID, "token": t(S),
                            "url": t(S)})),
        "errors": arr(obj({"line": t(I), "email": t(S), "code": t(S), "message": t(S)})),
        "summary": obj({"created": t(I), "errors": t(I)})}, ["created", "errors", "summary"]),
    "AttemptSummary": obj({
        "id": ID, "assessment_id": ID, "candidate_id": ID, "email": t(S), "name": t(S),
        "candidate_status": enum(CANDIDATE_STATUSES), "status": enum(ATTEMPT_STATUSES),
        "started_at": DT, "deadline": DTN, "submitted_at": DTN, "scored_at": DTN,
        "cefr": CEFR_N, "score": t(N, True), "decision": OUTCOME_N, "computed_cefr": CEFR_N,
        "computed_decision": OUTCOME_N, "needs_review": t(B), "flags": arr(t(S)),
        "decision_reason": ref("DecisionReason")},
        ["id", "status", "flags"]),
    # The same plain-words account the dashboard and the feedback page show.
    "DecisionReason": obj({
        "state": t(S), "label": t(S), "summary": t(S), "reasons": arr(t(S)),
        "review": arr(t(S)), "overridden": t(B), "computed": OUTCOME_N, "needs_review": t(B),
        "override_reason": t(S, True)}, ["state", "label", "summary", "reasons"]),
    "ScoringState": obj({"status": enum((*JOB_STATUSES, "not_submitted")),
                         "attempts": t(I, True), "last_error": t(S, True)}, ["status"]),
    "Score": obj({"id": ID, "status": t(S), "cefr": CEFR_N, "score": t(N, True),
                  "grammar_cefr": CEFR_N, "vocabulary_cefr": CEFR_N, "decision": OUTCOME_N,
                  "needs_review": t(B), "engine": t(S), "model_version": t(S), "created_at": DT,
                  "result": ANY_OBJ}, ["id", "status", "result"]),
    "Answer": obj({"id": ID, "task_id": ID, "submitted_at": DTN, "saved_at": DTN,
                   "word_count": t(I, True), "scoring": ref("ScoringState"), "text": t(S, True),
                   "draft_text": t(S, True), "fingerprint": t(S, True),
                   "integrity_events": arr(ANY_OBJ), "integrity_note": t(S, True),
                   "score": ref("Score", True)},
                  ["id", "task_id", "scoring"]),
    "Review": obj({"id": ID, "attempt_id": ID, "reviewer_id": t(I, True),
                   "cefr_override": CEFR_N, "decision_override": OUTCOME_N,
                   "reason": t(S, True), "note": t(S), "created_at": DT}, ["id", "attempt_id"]),
    "ReviewInput": obj({"note": t(S), "reason": t(S), "cefr_override": CEFR_N,
                        "decision_override": OUTCOME_N}),
    "Note": obj({"id": ID, "author_id": t(I, True), "text": t(S), "created_at": DT},
                ["id", "text"]),
    "NoteInput": obj({"text": t(S, minLength=1, maxLength=10000)}, ["text"]),
    "Candidate": obj({"id": ID, "email": t(S), "name": t(S), "status": enum(CANDIDATE_STATUSES),
                      "created_at": DT, "notes": arr(ref("Note"))}, ["id", "email", "status"]),
    "Erasure": obj({"erased": obj({"candidate_id": ID, "attempts": t(I), "answers": t(I),
                                   "webhook_deliveries": t(I)},
                                  ["candidate_id", "attempts", "answers"])}, ["erased"]),
    "CandidatePatch": obj({"status": enum(CANDIDATE_STATUSES), "note": t(S)}, ["status"]),
    "Webhook": obj({"id": ID, "url": t(S), "events": arr(t(S)), "active": t(B),
                    "created_at": DT, "secret": t(S)}, ["id", "url", "events", "active"]),
    "WebhookInput": obj({"url": t(S, format="uri"), "secret": t(S),
                         "events": arr(enum(("score.ready",)))}, ["url"]),
    "Delivery": obj({"id": ID, "webhook_id": ID, "event": t(S),
                     "status": enum(("pending", "delivered", "failed", "cancelled")),
                     "attempts": t(I),
                     "last_error": t(S, True), "response_status": t(I, True),
                     "next_attempt_at": DTN, "created_at": DT, "delivered_at": DTN},
                    ["id", "status"]),
    "AuditEntry": obj({"id": ID, "actor": t(S), "action": t(S), "target_type": t(S),
                       "target_id": t(I, True), "details": ANY_OBJ, "created_at": DT},
                      ["id", "actor", "action", "created_at"]),
    "ApplicantAttempt": obj({"id": ID, "status": enum(ATTEMPT_STATUSES), "started_at": DT,
                             "deadline": DTN, "submitted_at": DTN}, ["id", "status"]),
    "ApplicantOverview": obj({
        "assessment": ANY_OBJ, "candidate": ANY_OBJ, "expires_at": DT,
        "max_answer_chars": t(I),
        "attempt": ref("ApplicantAttempt", True),
        "tasks": arr(obj({"task_id": ID, "position": t(I), "kind": enum(TASK_KINDS),
                          "title": t(S), "prompt": t(S, True, description=(
                              "null until the attempt has started")),
                          "min_words": t(I), "max_words": t(I),
                          "time_limit_minutes": t(I, True), "draft_text": t(S, True),
                          "saved_at": DTN, "submitted": t(B)}))},
        ["assessment", "tasks", "attempt"]),
    "StartInput": obj({"consent": t(B)}, []),
    "DraftInput": obj({"text": t(S, maxLength=MAX_ANSWER_CHARS), "events": arr(_EVENT, maxItems=2000)},
                      ["text"]),
    "DraftSaved": obj({"task_id": ID, "saved_at": DT, "deadline": DTN}, ["task_id", "saved_at"]),
    "SubmitInput": obj({"text": t(S, minLength=1, maxLength=MAX_ANSWER_CHARS),
                        "events": arr(_EVENT, maxItems=2000)}, ["text"]),
    "Submitted": obj({"answer_id": ID, "task_id": ID, "submitted_at": DT, "word_count": t(I),
                      "attempt_status": enum(ATTEMPT_STATUSES), "replayed": t(B)},
                     ["answer_id", "replayed"]),
    "ApplicantStatus": obj({"id": ID, "status": enum(ATTEMPT_STATUSES), "started_at": DT,
                            "deadline": DTN, "submitted_at": DTN, "grace_seconds": t(I),
                            "answers": arr(ref("Answer"))}, ["id", "status", "answers"]),
    "Feedback": obj({"attempt_id": ID, "cefr": CEFR_N, "answers": arr(ANY_OBJ)},
                    ["attempt_id", "answers"]),
    "ScoreEnvelope": obj({"answer_id": ID, "score": ref("Score", True),
                          "scoring": ref("ScoringState")}, ["answer_id", "scoring"]),
    "ReviewResult": obj({"review": ref("Review"), "attempt": ref("AttemptSummary")},
                        ["review", "attempt"]),
}
SCHEMAS["AttemptDetail"] = {"allOf": [ref("AttemptSummary"), obj(
    {"answers": arr(ref("Answer")), "reviews": arr(ref("Review"))}, ["answers", "reviews"])]}
for _name in ("Task", "RoleProfile", "ClientAccount", "Assessment", "Webhook"):
    SCHEMAS[f"{_name}List"] = list_of(_name)
for _name in ("Invitation", "AttemptSummary", "Delivery", "AuditEntry"):
    SCHEMAS[f"{_name}Page"] = page_of(_name)
