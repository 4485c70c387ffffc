"""The dashboard's Outbox: with no SMTP configured (the embedded default)
it shows what would have been sent; the invitations list shows each email's state."""
from __future__ import annotations

import re

from tests.support.dashboard import post


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_without_smtp_the_outbox_shows_the_invitation_as_it_would_be_sent(as_role, org):
    client = as_role("recruiter")
    path = f"/dashboard/assessments/{org.assessment_id}/invitations"
    page = _text(post(client, path, {"email": "ana@example.com", "name": "Ana", "days": "3"}))
    link = re.search(r'value="(http[^"]+/take/[^"]+)"', page).group(1)
    listing = _text(client.get(path))
    assert "Waiting in the outbox" in listing
    outbox = _text(client.get("/dashboard/outbox"))
    assert "No mail server is configured" in outbox
    assert "ana@example.com" in outbox and "invites you to an English writing assessment" in outbox
    assert link in outbox and "Hello Ana" in outbox


def test_viewers_cannot_open_the_outbox_which_holds_unsent_links(as_role, org):
    assert as_role("viewer").get("/dashboard/outbox").status_code == 403
    assert "/dashboard/outbox" not in _text(as_role("viewer").get("/dashboard/candidates"))


def test_the_outbox_shows_only_the_own_organisations_mail(as_role, org, other_org):
    post(as_role("recruiter", other_org),
         f"/dashboard/assessments/{other_org.assessment_id}/invitations",
         {"email": "elsewhere@example.com", "days": "3"})
    outbox = _text(as_role("recruiter").get("/dashboard/outbox"))
    assert "elsewhere@example.com" not in outbox and "No email yet." in outbox
