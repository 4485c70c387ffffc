"""The service layer shared by the JSON API, the HTML pages and the CLI.

Functions take a SQLAlchemy session first and flush, never commit, so a
caller can group several of them into one transaction. Writes that leave
work behind (answers to score, webhooks to send) return a
:class:`.work.Work`; the caller commits and hands it to
``assessor.jobs.dispatch``. This package never imports ``jobs`` or ``web``.
"""
from . import attempts
from .accounts import (authenticate, create_api_token, create_org, create_user, org_by_name,
                       save_role_profile, user_for_token)
from .assessments import create_assessment, create_task, owned, profile_for, update_assessment
from .attempts import (attempt_for, attempt_or_none, check_feedback_allowed, expire_overdue,
                       finish, save_draft, start_attempt, submit_answer)
from .audit import audit
from .invitations import invitation_for_token, invite, invite_csv, revoke
from .reviews import add_note, record_review, set_candidate_status, summarise

__all__ = [
    "attempts", "authenticate", "create_api_token", "create_org", "create_user", "org_by_name",
    "save_role_profile", "user_for_token", "create_assessment", "create_task", "owned",
    "profile_for", "update_assessment", "attempt_for", "attempt_or_none", "check_feedback_allowed",
    "expire_overdue", "finish", "save_draft", "start_attempt", "submit_answer", "audit",
    "invitation_for_token", "invite", "invite_csv", "revoke", "add_note", "record_review",
    "set_candidate_status", "summarise",
]
