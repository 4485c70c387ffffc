"""The OpenAPI 3 document, built from a small registry of operations.

Every route of the JSON API is listed here; a test checks that the registry
and the app's URL map agree, so the document cannot silently fall behind.
"""
from __future__ import annotations

from typing import Any

from ..db.models import ATTEMPT_STATUSES
from ..scoring.types import CEFR_LEVELS, OUTCOMES
from ..services.lifecycle import FLAGS
from .openapi_schemas import SCHEMAS, arr, ref, t

TOKEN = [{"apiToken": []}]
INVITATION = [{"invitationHeader": []}, {"invitationQuery": []}]
_ERRORS = {"400": "Malformed request", "401": "Missing or invalid credentials",
           "403": "Not allowed", "404": "Not found", "409": "Conflict with the current state",
           "413": "Request too large", "422": "Invalid input", "429": "Too many requests",
           "503": "Database or queue unavailable; retry"}

OPERATIONS: list[dict[str, Any]] = []


def op(method: str, path: str, summary: str, tag: str, *, responses: dict[str, Any],
       security=TOKEN, body: str | None = None, params: list[dict] | None = None,
       content_type: str = "application/json", errors: tuple[str, ...] = ()) -> None:
    OPERATIONS.append(dict(method=method, path=path, summary=summary, tag=tag, security=security,
                           responses=responses, body=body, params=params or [],
                           content_type=content_type, errors=errors))


def q(name: str, schema: dict, description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def p(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": t("integer", minimum=1, maximum=2**31 - 1)}


def csv_of(values) -> dict[str, Any]:
    """A comma-separated list of ``values``, as a pattern clients can generate."""
    one = "(" + "|".join(values) + ")"
    return t("string", pattern=f"^{one}(,{one})*$")


PAGING = [q("page", t("integer", minimum=1, maximum=100000)),
          q("per_page", t("integer", minimum=1, maximum=200))]
R, A = "Recruiter", "Applicant"

op("get", "/healthz", "Liveness", "Health", security=[], responses={"200": "Health"})
op("get", "/readyz", "Readiness: database, queue, grammar engine", "Health", security=[],
   responses={"200": "Ready", "503": "Ready"})
op("get", "/api/v1/me", "The token's user and organisation", R, responses={"200": "Me"})
op("get", "/api/v1/tasks", "List the task bank", R, responses={"200": "TaskList"})
op("post", "/api/v1/tasks", "Add a task to the bank", R, body="TaskInput",
   responses={"201": "Task"})
op("get", "/api/v1/tasks/{task_id}", "Read a task", R, params=[p("task_id")],
   responses={"200": "Task"})
op("get", "/api/v1/role-profiles", "List role profiles", R, responses={"200": "RoleProfileList"})
op("post", "/api/v1/role-profiles", "Create or replace a role profile", R,
   body="RoleProfileInput", responses={"201": "RoleProfile"})
op("get", "/api/v1/client-accounts", "List client accounts", R,
   responses={"200": "ClientAccountList"})
op("post", "/api/v1/client-accounts", "Add a client account", R, body="ClientAccountInput",
   responses={"201": "ClientAccount"})
op("get", "/api/v1/assessments", "List assessments", R,
   params=[q("archived", t("string", enum=["true", "false", "1", "0"]))],
   responses={"200": "AssessmentList"})
op("post", "/api/v1/assessments", "Create an assessment", R, body="AssessmentInput",
   responses={"201": "Assessment"})
op("get", "/api/v1/assessments/{assessment_id}", "Read an assessment", R,
   params=[p("assessment_id")], responses={"200": "Assessment"})
op("patch", "/api/v1/assessments/{assessment_id}", "Change an assessment", R,
   params=[p("assessment_id")], body="AssessmentPatch", responses={"200": "Assessment"})
op("delete", "/api/v1/assessments/{assessment_id}", "Archive an assessment", R,
   params=[p("assessment_id")], responses={"204": None})
op("get", "/api/v1/assessments/{assessment_id}/invitations", "List invitations", R,
   params=[p("assessment_id"), *PAGING], responses={"200": "InvitationPage"})
op("post", "/api/v1/assessments/{assessment_id}/invitations",
   "Invite one applicant (the token is returned once)", R, params=[p("assessment_id")],
   body="InvitationInput", responses={"201": "Invitation"})
op("post", "/api/v1/assessments/{assessment_id}/invitations/bulk",
   "Invite from a CSV (columns email, name); per-row error report", R,
   params=[p("assessment_id"), q("expires_in_days", t("integer", minimum=1, maximum=365)),
           q("confirm", t("string", enum=["true", "false", "1", "0"]),
             "invite again emails that hold an open invitation (else an already_invited row)")],
   body="csv", content_type="text/csv", responses={"200": "BulkReport"})
op("post", "/api/v1/invitations/{invitation_id}/revoke", "Revoke an invitation", R,
   params=[p("invitation_id")], responses={"200": "Invitation"})
op("get", "/api/v1/attempts", "List and filter attempts", R, params=[
    q("assessment_id", t("integer", minimum=1, maximum=2**31 - 1)),
    q("decision", csv_of(OUTCOMES), "comma-separated: pass,trainable,not_yet"),
    q("cefr", csv_of(CEFR_LEVELS), "comma-separated CEFR levels"),
    q("status", csv_of(ATTEMPT_STATUSES), "comma-separated attempt statuses"),
    q("needs_review", t("string", enum=["true", "false", "1", "0"])),
    q("flag", csv_of(FLAGS), "comma-separated flags the attempt must all have"),
    q("flagged", t("string", enum=["true", "false", "1", "0"])),
    q("from", t("string", format="date-time")), q("to", t("string", format="date-time")),
    q("q", t("string"), "search in candidate email and name"), *PAGING],
   responses={"200": "AttemptSummaryPage"})
op("get", "/api/v1/attempts/{attempt_id}", "Read an attempt with answers, scores, reviews", R,
   params=[p("attempt_id")], responses={"200": "AttemptDetail"})
op("post", "/api/v1/attempts/{attempt_id}/reviews",
   "Record a review; overrides need a reason (audited)", R, params=[p("attempt_id")],
   body="ReviewInput", responses={"201": "ReviewResult"})
op("get", "/api/v1/answers/{answer_id}/score", "Read an answer's score (202 while pending)", R,
   params=[p("answer_id")], responses={"200": "ScoreEnvelope", "202": "ScoreEnvelope"})
op("post", "/api/v1/answers/{answer_id}/rescore",
   "Score an answer again (after a failure or a model update); audited", R,
   params=[p("answer_id")], responses={"202": "ScoreEnvelope"})
op("get", "/api/v1/candidates/{candidate_id}", "Read a candidate with notes", R,
   params=[p("candidate_id")], responses={"200": "Candidate"})
op("patch", "/api/v1/candidates/{candidate_id}", "Set a candidate's status", R,
   params=[p("candidate_id")], body="CandidatePatch", responses={"200": "Candidate"})
op("delete", "/api/v1/candidates/{candidate_id}",
   "Erase a candidate's personal data, answers and scores on request (admins); audited "
   "without the personal data", R, params=[p("candidate_id")], responses={"200": "Erasure"})
op("post", "/api/v1/candidates/{candidate_id}/notes", "Add a note to a candidate", R,
   params=[p("candidate_id")], body="NoteInput", responses={"201": "Note"})
op("get", "/api/v1/webhooks", "List webhooks", R, responses={"200": "WebhookList"})
op("post", "/api/v1/webhooks", "Add a webhook (admins); the secret is returned", R,
   body="WebhookInput", responses={"201": "Webhook"})
op("delete", "/api/v1/webhooks/{webhook_id}", "Disable a webhook (admins)", R,
   params=[p("webhook_id")], responses={"204": None})
op("get", "/api/v1/webhooks/{webhook_id}/deliveries", "List a webhook's deliveries", R,
   params=[p("webhook_id"), *PAGING], responses={"200": "DeliveryPage"})
op("get", "/api/v1/audit", "Read the audit log (admins)", R, params=PAGING,
   responses={"200": "AuditEntryPage"})
op("get", "/api/v1/applicant", "The assessment, tasks and attempt of the invitation", A,
   security=INVITATION, responses={"200": "ApplicantOverview"})
op("post", "/api/v1/applicant/attempt",
   "Start the attempt (idempotent); needs consent to the privacy notice (409 consent_required)",
   A, security=INVITATION, body="StartInput",
   responses={"201": "ApplicantAttempt", "200": "ApplicantAttempt"})
op("put", "/api/v1/applicant/answers/{task_id}/draft", "Save a draft", A, security=INVITATION,
   params=[p("task_id")], body="DraftInput", responses={"200": "DraftSaved"})
op("post", "/api/v1/applicant/answers/{task_id}/submit",
   "Submit an answer; a retry with the same Idempotency-Key is not scored twice", A,
   security=INVITATION, body="SubmitInput",
   params=[p("task_id"), {"name": "Idempotency-Key", "in": "header", "required": False,
                          "schema": t("string", minLength=1, maxLength=200)}],
   responses={"202": "Submitted", "200": "Submitted"})
op("post", "/api/v1/applicant/attempt/finish",
   "Finish: open drafts are submitted with the checks of a single submit (409 too_long)",
   A, security=INVITATION, responses={"200": "ApplicantAttempt"})
op("get", "/api/v1/applicant/status", "Attempt and scoring status", A, security=INVITATION,
   responses={"200": "ApplicantStatus"})
op("get", "/api/v1/applicant/feedback", "Levels and errors, when the assessment shows feedback",
   A, security=INVITATION, responses={"200": "Feedback"})


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for code, schema in spec["responses"].items():
        entry: dict[str, Any] = {"description": "OK" if code < "300" else "Not ready"}
        if schema:
            entry["content"] = {"application/json": {"schema": ref(schema)}}
        responses[code] = entry
    for code, text in _ERRORS.items():
        if code not in responses and (spec["security"] or code in ("400", "503")):
            responses[code] = {"description": text,
                               "content": {"application/json": {"schema": ref("Error")}}}
    out: dict[str, Any] = {
        "summary": spec["summary"], "tags": [spec["tag"]], "responses": responses,
        "operationId": spec["method"] + spec["path"].replace("/api/v1", "")
        .replace("/", "_").replace("{", "").replace("}", "").replace("-", "_"),
        "security": spec["security"]}
    if spec["params"]:
        out["parameters"] = spec["params"]
    if spec["body"] == "csv":
        out["requestBody"] = {"required": True, "content": {
            "text/csv": {"schema": t("string", minLength=1)},
            "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                               "properties": {"file": t("string",
                                                                        format="binary")}}}}}
    elif spec["body"]:
        out["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": ref(spec["body"])}}}
    return out


def build_spec(server_url: str = "/") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for spec in OPERATIONS:
        paths.setdefault(spec["path"], {})[spec["method"]] = _operation(spec)
    return {
        "openapi": "3.0.3",
        "info": {"title": "assessor API", "version": "1.0.0",
                 "description": "English writing assessment for BPO hiring: recruiters manage "
                                "assessments and read CEFR scores; applicants answer by "
                                "invitation token. Errors are {\"error\": {\"code\", \"message\"}}.",
                 "license": {"name": "GPL-3.0-or-later",
                             "url": "https://www.gnu.org/licenses/gpl-3.0.html"}},
        "servers": [{"url": server_url}],
        "tags": [{"name": "Health"}, {"name": R}, {"name": A}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "apiToken": {"type": "http", "scheme": "bearer",
                             "description": "A recruiter's API token (assessor create-user --token)"},
                "invitationHeader": {"type": "apiKey", "in": "header", "name": "X-Invitation-Token"},
                "invitationQuery": {"type": "apiKey", "in": "query", "name": "token"}},
        },
    }


def routes() -> set[tuple[str, str]]:
    """(method, Flask-style path) of every documented operation."""
    return {(s["method"].upper(), s["path"].replace("{", "<").replace("}", ">"))
            for s in OPERATIONS}


__all__ = ["build_spec", "routes", "OPERATIONS", "arr"]
