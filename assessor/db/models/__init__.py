"""All ORM models; importing this registers every table on ``Base.metadata``."""
from .accounts import (ROLES, ApiToken, AppendOnlyError, AuditLog, ClientAccount, Organisation,
                       RoleProfileRow, User, Webhook, WebhookDelivery)
from .assessments import (ATTEMPT_STATUSES, CANDIDATE_STATUSES, JOB_STATUSES, TASK_KINDS, Answer,
                          Assessment, AssessmentTask, Attempt, Candidate, CandidateNote, Invitation,
                          Job, Review, Score, Task)
from .outbox import EMAIL_KINDS, OUTBOX_STATUSES, EmailTemplate, OutboxMessage

__all__ = [
    "ROLES", "ApiToken", "AppendOnlyError", "AuditLog", "ClientAccount", "Organisation",
    "RoleProfileRow", "User", "Webhook", "WebhookDelivery",
    "ATTEMPT_STATUSES", "CANDIDATE_STATUSES", "JOB_STATUSES", "TASK_KINDS", "Answer", "Assessment",
    "AssessmentTask", "Attempt", "Candidate", "CandidateNote", "Invitation", "Job", "Review",
    "Score", "Task", "EMAIL_KINDS", "OUTBOX_STATUSES", "EmailTemplate", "OutboxMessage",
]
