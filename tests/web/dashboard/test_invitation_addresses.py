"""Email addresses are validated (email-validator, no DNS), and a second open
invitation of the same email to the same assessment is asked for first."""
from __future__ import annotations


import pytest

from assessor.services.errors import InputError
from assessor.services.invitations import normalise_email
from tests.support.dashboard import post

BAD = ["<script>alert(1)</script>@x.example", "a..b@c..d", "no-at-sign", "a@b", "a b@c.example",
       "a@-x.example"]


@pytest.mark.parametrize("raw", BAD)
def test_bad_addresses_are_refused_with_the_reason(raw):
    with pytest.raises(InputError, match="not an email address") as exc:
        normalise_email(raw)
    assert "(" in str(exc.value)  # email-validator's reason follows


def test_good_addresses_are_kept_lower_case():
    assert normalise_email("  Ana.Reyes+bpo@Example.COM ") == "ana.reyes+bpo@example.com"


def test_no_dns_lookup_is_made(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("DNS lookup attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)
    assert normalise_email("someone@unregistered-domain-for-tests.example") \
        == "someone@unregistered-domain-for-tests.example"


@pytest.mark.parametrize("raw", BAD[:2])
def test_the_api_refuses_bad_addresses(client, tenant, raw):
    response = client.post(f"/api/v1/assessments/{tenant.assessment_id}/invitations",
                           headers=tenant.auth(), json={"email": raw})
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_input"
    assert "not an email address" in response.json["error"]["message"]


def test_the_csv_reports_bad_addresses_per_row(client, tenant):
    rows = "email\n<script>alert(1)</script>@x.example\na..b@c..d\nok@example.com\n"
    response = client.post(f"/api/v1/assessments/{tenant.assessment_id}/invitations/bulk",
                           headers=tenant.auth(), data=rows.encode(),
                           content_type="text/csv")
    assert response.json["summary"] == {"created": 1, "errors": 2}
    assert [e["line"] for e in response.json["errors"]] == [2, 3]
    assert all("not an email address" in e["message"] for e in response.json["errors"])


def test_the_dashboard_refuses_bad_addresses(as_role, org):
    page = post(as_role("recruiter"), f"/dashboard/assessments/{org.assessment_id}/invitations",
                {"email": "<script>alert(1)</script>@x.example", "days": "3"})
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "not an email address" in html and "<script>alert(1)" not in html


def test_the_api_asks_before_a_second_open_invitation(client, tenant):
    path = f"/api/v1/assessments/{tenant.assessment_id}/invitations"
    again = client.post(path, headers=tenant.auth(), json={"email": "Applicant0@example.com"})
    assert again.status_code == 409 and again.json["error"]["code"] == "already_invited"
    confirmed = client.post(path, headers=tenant.auth(),
                            json={"email": "applicant0@example.com", "confirm": True})
    assert confirmed.status_code == 201


def test_the_csv_asks_unless_confirmed(client, tenant):
    path = f"/api/v1/assessments/{tenant.assessment_id}/invitations/bulk"
    rows = b"email\napplicant0@example.com\nnew@example.com\n"
    first = client.post(path, headers=tenant.auth(), data=rows, content_type="text/csv")
    assert first.json["summary"] == {"created": 1, "errors": 1}
    assert first.json["errors"][0]["code"] == "already_invited"
    second = client.post(path + "?confirm=true", headers=tenant.auth(), data=rows,
                         content_type="text/csv")
    assert second.json["summary"] == {"created": 2, "errors": 0}


def test_a_revoked_or_used_link_is_no_duplicate(client, tenant):
    path = f"/api/v1/assessments/{tenant.assessment_id}/invitations"
    rows = client.get(path, headers=tenant.auth()).json["items"]
    first = next(r for r in rows if r["email"] == "applicant0@example.com")
    client.post(f"/api/v1/invitations/{first['id']}/revoke", headers=tenant.auth())
    assert client.post(path, headers=tenant.auth(),
                       json={"email": "applicant0@example.com"}).status_code == 201


def test_the_dashboard_asks_and_sends_once_confirmed(as_role, org):
    client = as_role("recruiter")
    path = f"/dashboard/assessments/{org.assessment_id}/invitations"
    assert post(client, path, {"email": "twice@example.com", "days": "3"}).status_code == 200
    asked = post(client, path, {"email": "twice@example.com", "days": "3"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 409 and "already has an open invitation" in html
    assert 'name="confirm" value="1"' in html and "Yes, send another invitation" in html
    done = post(client, path, {"email": "twice@example.com", "days": "3", "confirm": "1"})
    assert done.status_code == 200 and "1 new link" in done.get_data(as_text=True)


def test_the_dashboard_csv_asks_unless_the_box_is_ticked(as_role, org):
    client = as_role("recruiter")
    path = f"/dashboard/assessments/{org.assessment_id}/invitations/bulk"
    rows = "email\nrow@example.com\n"
    post(client, path, {"csv": rows, "days": "3"})
    asked = post(client, path, {"csv": rows, "days": "3"})
    assert asked.status_code == 422 and "already has an open invitation" in \
        asked.get_data(as_text=True)
    ticked = post(client, path, {"csv": rows, "days": "3", "confirm": "1"})
    assert ticked.status_code == 200 and "1 new link" in ticked.get_data(as_text=True)
