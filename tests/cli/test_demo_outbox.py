"""`assessor demo` (what scripts/start runs) puts the demo invitations' emails
in the outbox, so with no SMTP the dashboard's Outbox shows what would be sent."""
from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from tests.cli.test_service import run


def test_demo_invitations_wait_in_the_outbox_with_their_links(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    assert run(["db", "upgrade"], url).returncode == 0
    demo = run(["demo", "--base-url", "http://127.0.0.1:5000"], url, SMTP_HOST="")
    assert demo.returncode == 0, demo.stderr
    links = set(re.findall(r"http://127\.0\.0\.1:5000/take/[\w-]{43}", demo.stdout))
    with create_engine(url).connect() as conn:
        rows = conn.execute(text("SELECT kind, status, body FROM outbox "
                                 "WHERE kind = 'invitation'")).all()
    assert rows and {status for _, status, _ in rows} == {"pending"}
    assert links == {re.search(r"http\S+/take/[\w-]{43}", body).group(0) for *_, body in rows}
