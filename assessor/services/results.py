"""Reading results for display (the API, the dashboard and the CSV export
share these queries) and asking for an answer to be scored again."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..db.models import Answer, Attempt, User
from .audit import actor_of, audit
from .errors import Conflict, Forbidden, NotFound
from .work import Work


def attempt_of(session: Session, attempt_id: int, org_id: int) -> Attempt:
    """The attempt if it belongs to ``org_id``; 404 otherwise (ids leak nothing)."""
    attempt = session.get(Attempt, attempt_id) if 1 <= attempt_id <= 2**31 - 1 else None
    if attempt is None or attempt.assessment.org_id != org_id:
        raise NotFound(f"attempt {attempt_id} not found")
    return attempt


def answer_of(session: Session, answer_id: int, org_id: int) -> Answer:
    answer = session.get(Answer, answer_id) if 1 <= answer_id <= 2**31 - 1 else None
    if answer is None or answer.attempt.assessment.org_id != org_id:
        raise NotFound(f"answer {answer_id} not found")
    return answer


def request_rescore(session: Session, user: User, answer: Answer) -> Work:
    """Score a submitted answer again (after a failure, or a fixed engine or
    model) with a fresh retry budget. A score for the current model version
    is kept, not redone. Audited."""
    if not user.can_write:
        raise Forbidden("viewers cannot rescore answers")
    if answer.submitted_at is None:
        raise Conflict("the answer has not been submitted", "not_submitted")
    audit(session, actor_of(user), "answer.rescore", org_id=user.org_id, target=answer)
    return Work(rescore=[answer.id])
