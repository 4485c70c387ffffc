"""Hypothesis: whatever Unicode an applicant types (controls, NUL, emoji,
right-to-left marks, lone combining characters), saving a draft and
submitting either keeps the text exactly or refuses it with a 4xx; never a
server error, never a silently altered answer."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.service import applicant_headers as H

TEXT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=400)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=TEXT)
def test_draft_keeps_any_text_or_refuses_it(client, tenant, text):
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    task = tenant.task_ids[0]
    saved = client.put(f"/api/v1/applicant/answers/{task}/draft", headers=H(token),
                       json={"text": text})
    assert saved.status_code < 500, (saved.status_code, saved.json)
    if saved.status_code >= 400:
        assert saved.json["error"]["code"] not in ("internal_error", "database_unavailable")
        return
    overview = client.get("/api/v1/applicant", headers=H(token)).json
    drafts = [t["draft_text"] for t in overview["tasks"] if t["task_id"] == task]
    assert drafts == [text], "the saved draft differs from what was typed"
