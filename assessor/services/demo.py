"""``assessor demo``: load ``assessor/data/demo/demo.json``. Safe to re-run:
existing rows are kept; only the demo API token and the unused demo
invitations are renewed, because their secrets cannot be shown twice."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import (ApiToken, Assessment, Attempt, Candidate, ClientAccount, Invitation,
                         Organisation, Task, User)
from .accounts import create_api_token, create_org, create_user
from .assessments import create_assessment, create_task
from .attempts import start_attempt, submit_answer
from .invitations import invite


@dataclass
class DemoInfo:
    org_id: int
    email: str
    password: str
    api_token: str
    assessment_id: int
    invitations: list[tuple[str, str]] = field(default_factory=list)
    submitted_answers: list[int] = field(default_factory=list)


def load_spec() -> dict[str, Any]:
    raw = (resources.files("assessor") / "data" / "demo" / "demo.json").read_text("utf-8")
    return json.loads(raw)


def _org_and_user(session: Session, spec: dict[str, Any]) -> tuple[Organisation, User]:
    org = session.scalar(select(Organisation).where(Organisation.name == spec["organisation"]))
    if org is None:
        org = create_org(session, spec["organisation"])
        session.add(ClientAccount(org_id=org.id, name=spec["client_account"]))
    who = spec["recruiter"]
    user = session.scalar(select(User).where(User.email == who["email"]))
    if user is None:
        user = create_user(session, org, who["email"], role="admin", name=who["name"],
                           password=who["password"])
    return org, user


def _assessment(session: Session, user: User, spec: dict[str, Any]) -> Assessment:
    existing = session.scalar(select(Assessment).where(
        Assessment.org_id == user.org_id, Assessment.title == spec["assessment"]["title"]))
    if existing is not None:
        return existing
    task_ids = []
    for task_spec in spec["tasks"]:
        task = session.scalar(select(Task).where(Task.org_id == user.org_id,
                                                 Task.title == task_spec["title"]))
        task_ids.append((task or create_task(session, user, task_spec)).id)
    client = session.scalar(select(ClientAccount).where(ClientAccount.org_id == user.org_id))
    return create_assessment(session, user, {**spec["assessment"], "tasks": task_ids,
                                             "client_account_id": client.id if client else None})


def _fresh_invitations(session: Session, user: User, assessment: Assessment,
                       people: list[dict[str, str]],
                       public_url: str | None) -> list[tuple[str, str]]:
    out = []
    for person in people:
        old = session.scalars(select(Invitation).join(Candidate).where(
            Invitation.assessment_id == assessment.id, Candidate.email == person["email"],
            Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))).all()
        for invitation in old:
            invitation.revoked_at = utcnow()
        if _has_attempt(session, assessment, person["email"]):
            continue
        _, token = invite(session, user, assessment, person["email"], person["name"],
                          public_url=public_url)
        out.append((person["email"], token))
    return out


def _has_attempt(session: Session, assessment: Assessment, email: str) -> bool:
    return session.scalar(select(Attempt.id).join(Candidate).where(
        Attempt.assessment_id == assessment.id, Candidate.email == email).limit(1)) is not None


def _sample_submission(session: Session, user: User, assessment: Assessment,
                       sample: dict[str, Any]) -> list[int]:
    """One applicant who has already submitted, so the dashboard has a result."""
    if _has_attempt(session, assessment, sample["email"]):
        return []
    invitation, _ = invite(session, user, assessment, sample["email"], sample["name"])
    # A made-up applicant: the consent is part of the sample data.
    attempt, _ = start_attempt(session, invitation, consent=True)
    ids = []
    for item, text in zip(assessment.items, sample["answers"]):
        answer, _, _ = submit_answer(session, attempt, item.task_id, text, "demo")
        ids.append(answer.id)
    return ids


def load_demo(session: Session, public_url: str | None = None) -> DemoInfo:
    """With ``public_url`` the demo invitations' emails go into the outbox,
    so the dashboard's Outbox shows what would be sent."""
    spec = load_spec()
    org, user = _org_and_user(session, spec)
    for old in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                      ApiToken.name == "demo",
                                                      ApiToken.revoked_at.is_(None))):
        old.revoked_at = utcnow()
    _, token = create_api_token(session, user, "demo")
    assessment = _assessment(session, user, spec)
    invitations = _fresh_invitations(session, user, assessment, spec["invitations"], public_url)
    submitted = _sample_submission(session, user, assessment, spec["sample_submission"])
    return DemoInfo(org_id=org.id, email=user.email, password=spec["recruiter"]["password"],
                    api_token=token, assessment_id=assessment.id, invitations=invitations,
                    submitted_answers=submitted)
