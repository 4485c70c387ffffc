"""Task bank and assessments."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.base import utcnow
from ..db.models import (TASK_KINDS, Assessment, AssessmentTask, Attempt, ClientAccount,
                         RoleProfileRow, Task, User)
from ..scoring.profiles import RoleProfile
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, InputError, NotFound
from .lifecycle import is_open

ASSESSMENT_FIELDS = ("title", "description", "time_limit_minutes", "opens_at", "closes_at",
                     "max_attempts", "cooldown_days", "show_feedback", "allow_paste",
                     "client_account_id", "archived")


def owned(session: Session, model, obj_id: Any, org_id: int):
    """The row ``obj_id`` of ``model`` if it belongs to ``org_id``; other
    organisations' rows are reported as missing, not forbidden, so ids leak nothing."""
    try:
        key = int(obj_id)
    except (TypeError, ValueError):
        key = 0
    # Out-of-range ids would overflow the database's integer column.
    obj = session.get(model, key) if 1 <= key <= 2**31 - 1 else None
    if obj is None or getattr(obj, "org_id", None) != org_id:
        raise NotFound(f"{model.__tablename__[:-1]} {obj_id} not found")
    return obj


def create_task(session: Session, user: User, data: dict[str, Any]) -> Task:
    kind = data.get("kind")
    if kind not in TASK_KINDS:
        raise InputError(f"kind must be one of {', '.join(TASK_KINDS)}")
    title, prompt = str(data.get("title") or "").strip(), str(data.get("prompt") or "").strip()
    if not title or not prompt:
        raise InputError("a task needs a title and a prompt")
    min_words, max_words = int(data.get("min_words", 50)), int(data.get("max_words", 250))
    if not 0 <= min_words <= max_words <= 5000:
        raise InputError("word limits must satisfy 0 <= min_words <= max_words <= 5000")
    limit = data.get("time_limit_minutes")
    if limit is not None and not 1 <= int(limit) <= 24 * 60:
        raise InputError("time_limit_minutes must be between 1 and 1440")
    task = Task(org_id=user.org_id, kind=kind, title=title, prompt=prompt, min_words=min_words,
                max_words=max_words, time_limit_minutes=data.get("time_limit_minutes"))
    session.add(task)
    session.flush()
    audit(session, actor_of(user), "task.create", org_id=user.org_id, target=task,
          details={"title": title, "kind": kind})
    return task


def _check_fields(session: Session, user: User, values: dict[str, Any]) -> None:
    if "title" in values and not str(values["title"] or "").strip():
        raise InputError("an assessment needs a title")
    if values.get("max_attempts") is not None and not 1 <= values["max_attempts"] <= 100:
        raise InputError("max_attempts must be between 1 and 100")
    if values.get("cooldown_days") is not None and not 0 <= values["cooldown_days"] <= 3650:
        raise InputError("cooldown_days must be between 0 and 3650")
    limit = values.get("time_limit_minutes")
    if limit is not None and not 1 <= limit <= 24 * 60:
        raise InputError("time_limit_minutes must be between 1 and 1440")
    opens, closes = values.get("opens_at"), values.get("closes_at")
    if isinstance(opens, datetime) and isinstance(closes, datetime) and closes <= opens:
        raise InputError("closes_at must be after opens_at")
    if values.get("client_account_id") is not None:
        owned(session, ClientAccount, values["client_account_id"], user.org_id)


def _set_tasks(session: Session, user: User, assessment: Assessment, tasks: list[Any]) -> None:
    if not tasks:
        raise InputError("an assessment needs at least one task")
    assessment.items.clear()
    session.flush()
    for position, item in enumerate(tasks):
        spec = item if isinstance(item, dict) else {"task_id": item}
        task = owned(session, Task, spec.get("task_id"), user.org_id)
        if any(i.task_id == task.id for i in assessment.items):
            raise InputError(f"task {task.id} is listed twice")
        assessment.items.append(AssessmentTask(task_id=task.id, task=task, position=position,
                                               min_words=spec.get("min_words"),
                                               max_words=spec.get("max_words")))


def _profile_row(session: Session, user: User, data: dict[str, Any]) -> RoleProfileRow:
    if data.get("role_profile_id") is not None:
        return owned(session, RoleProfileRow, data["role_profile_id"], user.org_id)
    name = data.get("role_profile") or "voice"
    row = session.scalar(select(RoleProfileRow).where(RoleProfileRow.org_id == user.org_id,
                                                      RoleProfileRow.name == name))
    if row is None:
        raise NotFound(f"no role profile named {name!r}")
    return row


def create_assessment(session: Session, user: User, data: dict[str, Any]) -> Assessment:
    values = {k: data[k] for k in ASSESSMENT_FIELDS if k in data}
    values.setdefault("title", "")
    _check_fields(session, user, values)
    row = _profile_row(session, user, data)
    thresholds = dict(row.thresholds)
    thresholds.update(data.get("thresholds") or {})
    # Validate now: a broken profile must fail here, not in the scoring job.
    RoleProfile.from_dict(thresholds)
    assessment = Assessment(org_id=user.org_id, role_profile_id=row.id, profile=thresholds,
                            created_by=user.id, **values)
    session.add(assessment)
    _set_tasks(session, user, assessment, data.get("tasks") or [])
    session.flush()
    audit(session, actor_of(user), "assessment.create", org_id=user.org_id, target=assessment,
          details={"title": assessment.title, "profile": row.name})
    return assessment


def attempts_started(session: Session, assessment: Assessment) -> int:
    return session.scalar(select(func.count(Attempt.id)).where(
        Attempt.assessment_id == assessment.id)) or 0


#: What applicants answered under: frozen once an attempt exists.
FROZEN = ("tasks", "thresholds", "role_profile", "role_profile_id")


def update_assessment(session: Session, user: User, assessment: Assessment,
                      data: dict[str, Any]) -> Assessment:
    if any(k in data for k in FROZEN) and attempts_started(session, assessment):
        # Changing the tasks or the bars would make the results incomparable.
        raise Conflict("tasks and thresholds cannot change once attempts exist; "
                       "create a new assessment", "assessment_in_use")
    values = {k: data[k] for k in ASSESSMENT_FIELDS if k in data}
    _check_fields(session, user, {**{f: getattr(assessment, f) for f in ("opens_at", "closes_at")},
                                  **values})
    for key, value in values.items():
        setattr(assessment, key, value)
    if "role_profile_id" in data or "role_profile" in data or "thresholds" in data:
        row = _profile_row(session, user, data) if (
            "role_profile_id" in data or "role_profile" in data) else None
        thresholds = dict(row.thresholds if row else assessment.profile)
        thresholds.update(data.get("thresholds") or {})
        RoleProfile.from_dict(thresholds)
        assessment.profile = thresholds
        if row is not None:
            assessment.role_profile_id = row.id
    if "tasks" in data:
        _set_tasks(session, user, assessment, data["tasks"] or [])
    session.flush()
    audit(session, actor_of(user), "assessment.update", org_id=user.org_id, target=assessment,
          details={"fields": sorted(k for k in data if k != "tasks") + (
              ["tasks"] if "tasks" in data else [])})
    return assessment


def profile_for(assessment: Assessment) -> RoleProfile:
    """The role profile the scoring core gets: the assessment's own thresholds."""
    return RoleProfile.from_dict(assessment.profile)


def archive_assessment(session: Session, user: User, assessment: Assessment) -> Assessment:
    """Closed for good; its results and audit trail are kept."""
    if not user.can_write:
        raise Forbidden("viewers cannot archive assessments")
    assessment.archived = True
    audit(session, actor_of(user), "assessment.archive", org_id=user.org_id, target=assessment)
    session.flush()
    return assessment


def set_open(session: Session, user: User, assessment: Assessment, open_: bool) -> Assessment:
    """Open now (clear a past close date and a future open date) or close now."""
    if not user.can_write:
        raise Forbidden("viewers cannot open or close assessments")
    now = utcnow()
    if open_:
        data: dict[str, Any] = {"closes_at": None, "archived": False}
        if assessment.opens_at and assessment.opens_at > now:
            data["opens_at"] = now
    else:
        data = {"closes_at": now}
        if assessment.opens_at and assessment.opens_at >= now:
            data["opens_at"] = None
    return update_assessment(session, user, assessment, data)


def open_now(assessment: Assessment, now: datetime | None = None) -> bool:
    """Whether the assessment takes new attempts now (the one rule, in lifecycle)."""
    return is_open(assessment, now or utcnow())
