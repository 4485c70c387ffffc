"""Security tests reuse the dashboard fixtures (signed-in clients per role)
and add a scored attempt whose name and answer are hostile."""
from __future__ import annotations

import pytest

from tests.web.dashboard.conftest import as_role, dash_app, org, other_org  # noqa: F401

#: Breaks out of text, attributes and scripts if anything renders it unescaped.
XSS = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
#: A name a spreadsheet would run as a formula if exported raw.
FORMULA = "=HYPERLINK(\"http://evil.example\",\"x\")"


@pytest.fixture
def hostile_attempt(db, queue, org, fake_score):  # noqa: F811
    """A scored attempt of a candidate named with markup, answering with markup;
    returns (attempt_id, invitation token)."""
    from assessor import services
    from assessor.db.models import Assessment, User

    with db.transaction() as s:
        admin = s.query(User).filter_by(email=org.emails["admin"]).one()
        assessment = s.get(Assessment, org.assessment_id)
        assessment.show_feedback = True
        invitation, token = services.invite(s, admin, assessment, "x@example.com", XSS)
        attempt, _ = services.start_attempt(s, invitation, consent=True)
        for item in assessment.items:
            services.submit_answer(s, attempt, item.task_id,
                                   f"{XSS} thank you for your message {FORMULA} " * 3)
        attempt_id, answer_ids = attempt.id, [a.id for a in attempt.answers]
    for answer_id in answer_ids:
        queue.enqueue_score(answer_id)
    queue.run_pending()
    return attempt_id, token


@pytest.fixture
def started_token(db, org):  # noqa: F811
    """The token of an invitation whose attempt is open, so every applicant
    form route reaches its CSRF check."""
    from assessor import services
    from assessor.db.models import Assessment, User

    with db.transaction() as s:
        admin = s.query(User).filter_by(email=org.emails["admin"]).one()
        invitation, token = services.invite(s, admin, s.get(Assessment, org.assessment_id),
                                            "open@example.com", "Open")
        services.start_attempt(s, invitation, consent=True)
    return token
