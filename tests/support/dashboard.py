"""Helpers for the dashboard tests: an organisation with password users,
candidates with scored attempts, and signing in through the real form."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

PASSWORD = "correct horse battery"
_hash: list[str] = []


def password_hash() -> str:
    """One real scrypt hash of :data:`PASSWORD` per test session: hashing
    takes a third of a second, and every organisation has three users."""
    if not _hash:
        from assessor.services.security import hash_password

        _hash.append(hash_password(PASSWORD))
    return _hash[0]


@dataclass
class Org:
    org_id: int
    emails: dict[str, str]
    task_ids: list[int]
    assessment_id: int
    attempts: dict[str, int] = field(default_factory=dict)


def make_org(db, name: str | None = None) -> Org:
    """An organisation with an admin, a recruiter and a viewer (all with
    :data:`PASSWORD`), two tasks and a voice assessment."""
    from assessor import services

    name = name or f"Org {uuid.uuid4().hex[:6]}"
    with db.transaction() as s:
        org = services.create_org(s, name)
        emails = {}
        for role in ("admin", "recruiter", "viewer"):
            email = f"{role}@{uuid.uuid4().hex[:6]}.example"
            user = services.create_user(s, org, email, role=role, name=f"{role.title()} {org.id}")
            user.password_hash = password_hash()
            emails[role] = email
            if role == "admin":
                admin = user
        tasks = [services.create_task(s, admin, {"kind": k, "title": f"Task {k}",
                                                 "prompt": f"Write a {k}.", "min_words": 5,
                                                 "max_words": 400})
                 for k in ("email_reply", "essay")]
        assessment = services.create_assessment(s, admin, {
            "title": "Voice agents", "tasks": [t.id for t in tasks], "role_profile": "voice"})
        return Org(org.id, emails, [t.id for t in tasks], assessment.id)


_VOCABULARY = ("thank you for your message about the late parcel and I will check tracking today "
               "customer order delivery refund sorry problem account payment card bank email "
               "phone number address invoice manager team service support help please kindly "
               "tomorrow morning week again soon quickly carefully arrive send receive replace "
               "return cancel confirm update explain understand apologise resolve").split()


def words(n: int, seed: str = "") -> str:
    """An answer of ``n`` words (the fake scorer's level follows length);
    different seeds give texts different enough not to be near-duplicates."""
    import random

    rng = random.Random(seed)
    return " ".join(rng.choice(_VOCABULARY) for _ in range(n))


def scored_attempt(db, queue, org: Org, email: str, name: str, n_words: int,
                   assessment_id: int | None = None) -> int:
    """Invite, start, answer every task with ``n_words`` words and score;
    returns the attempt id."""
    from assessor import services
    from assessor.db.models import Assessment, User

    with db.transaction() as s:
        admin = s.query(User).filter_by(email=org.emails["admin"]).one()
        assessment = s.get(Assessment, assessment_id or org.assessment_id)
        invitation, _ = services.invite(s, admin, assessment, email, name)
        attempt, _ = services.start_attempt(s, invitation, consent=True)
        for item in assessment.items:
            services.submit_answer(s, attempt, item.task_id,
                                   words(n_words, f"{email}{item.task_id}"))
        attempt_id = attempt.id
        answer_ids = [a.id for a in attempt.answers]
    for answer_id in answer_ids:
        queue.enqueue_score(answer_id)
    queue.run_pending()
    org.attempts[email] = attempt_id
    return attempt_id


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client, email: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token})


def post(client, path: str, data: dict | None = None, **kw):
    """POST a dashboard form with the session's CSRF token."""
    token = csrf_of(client.get("/dashboard/tasks").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)
