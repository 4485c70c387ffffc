"""Dashboard speed with a realistic volume: the candidate table (with its
funnel and level charts), a filtered page, the CSV export of every row and
a candidate's detail page, timed through the Flask test client.

    python bench/dashboard_pages.py [--attempts 5000] [--repeat 5] [--database-url URL]

Rows are written straight into a fresh database (SQLite in a temporary
folder unless ``--database-url`` names an empty one): summaries and one
stored score per answer, no scoring runs. Prints the median milliseconds.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor import services  # noqa: E402
from assessor.config import Config  # noqa: E402
from assessor.db.base import utcnow  # noqa: E402
from assessor.db.migrate import upgrade  # noqa: E402
from assessor.db.models import Answer, Attempt, Candidate, Invitation, Score  # noqa: E402
from assessor.scoring.types import CEFR_LEVELS  # noqa: E402
from assessor.web import create_app  # noqa: E402

PASSWORD = "benchmark passphrase"
TEXT = ("Dear customer, thank you for your message. I am sorry that the parcel is late. I have "
        "checked the tracking and it will arrive tomorrow morning.")


def seed(db, n: int) -> tuple[str, int]:
    rng = random.Random(7)
    with db.transaction() as s:
        org = services.create_org(s, "Bench BPO")
        admin = services.create_user(s, org, "admin@bench.example", role="admin",
                                     password=PASSWORD)
        task = services.create_task(s, admin, {"kind": "email_reply", "title": "Late parcel",
                                               "prompt": "Reply to the customer."})
        assessment = services.create_assessment(s, admin, {"title": "Voice", "tasks": [task.id]})
        now = utcnow()
        for i in range(n):
            cand = Candidate(org_id=org.id, email=f"c{i}@bench.example", name=f"Candidate {i}")
            s.add(cand)
            s.flush()
            inv = Invitation(assessment_id=assessment.id, candidate_id=cand.id,
                             token_hash=f"{i:064d}", expires_at=now + timedelta(days=14),
                             used_at=now, created_by=admin.id)
            s.add(inv)
            s.flush()
            level = rng.choice(CEFR_LEVELS)
            decision = rng.choice(("pass", "trainable", "not_yet"))
            att = Attempt(invitation_id=inv.id, assessment_id=assessment.id, candidate_id=cand.id,
                          status="scored", started_at=now - timedelta(minutes=i),
                          submitted_at=now, cefr=level, final_cefr=level, score=rng.random() * 100,
                          decision=decision, final_decision=decision,
                          needs_review=rng.random() < .2,
                          flags=["paste"] if rng.random() < .1 else [])
            s.add(att)
            s.flush()
            ans = Answer(attempt_id=att.id, task_id=task.id, text=TEXT, submitted_at=now,
                         word_count=26, integrity_events=[])
            s.add(ans)
            s.flush()
            s.add(Score(answer_id=ans.id, model_version="bench", engine="builtin",
                        status="scored", cefr=level, decision=decision,
                        result={"issues": [], "details": {}, "grammar": {}, "vocabulary": {}}))
        return admin.email, att.id


def timed(client, path: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    upgrade(url)
    app = create_app(Config({"DATABASE_URL": url, "SECRET_KEY": "bench"}), start_worker=False,
                     instance_path=folder)
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks plain HTTP
    db = app.extensions["assessor"]["db"]
    start = time.perf_counter()
    email, attempt_id = seed(db, args.attempts)
    print(f"seeded {args.attempts} attempts in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    for label, path in (("table, first page + charts", "/dashboard/candidates"),
                        ("table, sorted by level, page 50", "/dashboard/candidates?sort=level&page=50"),
                        ("table, filtered (pass, B2, paste)",
                         "/dashboard/candidates?decision=pass&level=B2&flag=paste"),
                        ("table, search 'candidate 12'", "/dashboard/candidates?q=candidate+12"),
                        (f"CSV export, all {args.attempts} rows", "/dashboard/candidates.csv"),
                        ("candidate detail", f"/dashboard/attempts/{attempt_id}")):
        print(f"{label:40s} {timed(client, path, args.repeat):8.1f} ms (median of {args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
