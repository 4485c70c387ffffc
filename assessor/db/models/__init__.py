"""All ORM models; importing this registers every table on ``Base.metadata``."""
from .accounts import (ROLES, ApiToken, AppendOnlyError, AuditLog, ClientAccount, Organisation,
                       RoleProfileRow, User, Webhook, WebhookDelivery)
from .assessments import (ATTEMPT_STATUSES, CANDIDATE_STATUSES, JOB_STATUSES, TASK_KINDS, Answer,
                          Assessment, AssessmentTask, Attempt, Candidate, CandidateNote, Invitation,
                          Job, Review, Score, Task)

__all__ = [
    "ROLES", "ApiToken", "AppendOnlyError", "AuditLog", "ClientAccount", "Organisation",
    "RoleProfileRow", "User", "Webhook", "WebhookDelivery",
    "ATTEMPT_STATUSES", "CANDIDATE_STATUSES", "JOB_STATUSES", "TASK_KINDS", "Answer", "Assessment",
    "AssessmentTask", "Attempt", "Candidate", "CandidateNote", "Invitation", "Job", "Review",
    "Score", "Task",
]
