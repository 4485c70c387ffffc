"""Bodies the app cannot store or parse are a 4xx, never a 500: a lone
surrogate in any text field, JSON nested 100,000 deep."""
from __future__ import annotations

import pytest

from assessor.web.jsonio import check_value
from tests.support.service import applicant_headers as H

SURROGATE = '{"text": "half an emoji \\ud800 here", "title": "t \\udfff", "kind": "essay", ' \
            '"prompt": "p \\ud83d"}'
DEEP = "[" * 100_000 + "]" * 100_000


def _routes(tenant):
    token = tenant.invitations[0]
    task = tenant.task_ids[0]
    return [("put", f"/api/v1/applicant/answers/{task}/draft", H(token)),
            ("post", f"/api/v1/applicant/answers/{task}/submit", H(token)),
            ("post", "/api/v1/tasks", tenant.auth()),
            ("post", "/api/v1/webhooks", tenant.auth())]


@pytest.mark.parametrize("body", [SURROGATE, DEEP, '{"a":' * 40 + "1" + "}" * 40],
                         ids=["surrogate", "deep", "nested-40"])
def test_bodies_that_cannot_be_stored_are_400(client, tenant, body):
    client.post("/api/v1/applicant/attempt", headers=H(tenant.invitations[0]), json={"consent": True})
    for method, path, headers in _routes(tenant):
        response = getattr(client, method)(path, headers={**headers,
                                                          "Content-Type": "application/json"},
                                           data=body)
        assert response.status_code == 400, (path, response.status_code)
        assert response.json["error"]["code"] == "bad_request"


def test_browser_autosave_refuses_a_lone_surrogate(client, tenant):
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    csrf = client.get(f"/take/{token}/csrf").json["csrf_token"]
    body = SURROGATE.replace('"text"', f'"task_id": {tenant.task_ids[0]}, "text"')
    response = client.post(f"/take/{token}/draft", data=body,
                           headers={"Content-Type": "application/json", "X-CSRF-Token": csrf})
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


def test_ordinary_text_and_emoji_pass():
    check_value({"text": "a real emoji \U0001F600 and é", "events": [{"type": "paste"}]})
    with pytest.raises(ValueError):
        check_value({"k\ud800": 1})
