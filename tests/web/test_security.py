"""App-wide CSRF protection, security headers and the strict CSP."""
from __future__ import annotations

import pytest
from flask import Blueprint, render_template_string

from assessor.web import security


@pytest.fixture
def form_app(app_factory):
    """The app plus a tiny HTML form area, as another blueprint would add one."""
    app = app_factory()
    bp = Blueprint("probe", __name__)

    @bp.route("/probe", methods=["GET", "POST"])
    def probe():
        return render_template_string(
            '<form method="post"><input name="{{ csrf_field }}" value="{{ csrf_token() }}"></form>')

    app.register_blueprint(bp)
    return app


def _token(client) -> str:
    html = client.get("/probe").get_data(as_text=True)
    return html.split('value="')[1].split('"')[0]


@pytest.mark.parametrize("how, status", [("none", 400), ("wrong", 400), ("form", 200),
                                         ("header", 200)])
def test_csrf_on_html_forms(form_app, how, status):
    client = form_app.test_client()
    token = _token(client)
    data, headers = {}, {}
    if how == "form":
        data[security.CSRF_FIELD] = token
    elif how == "header":
        headers[security.CSRF_HEADER] = token
    elif how == "wrong":
        data[security.CSRF_FIELD] = token[::-1]
    assert client.post("/probe", data=data, headers=headers).status_code == status


def test_csrf_token_is_stable_per_session_and_differs_between_sessions(form_app):
    one, two = form_app.test_client(), form_app.test_client()
    assert _token(one) == _token(one)
    assert _token(one) != _token(two)


def test_api_is_exempt_from_csrf_because_it_uses_bearer_tokens(client, tenant):
    # Reaches the API's own checks (a JSON 4xx about the body), not a CSRF refusal.
    response = client.post("/api/v1/assessments", headers=tenant.auth(), json={})
    assert response.status_code in (400, 422)
    assert response.json["error"]["code"] != "csrf"


def test_headers_on_every_response(client):
    response = client.get("/healthz")
    for name, value in security.HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Content-Security-Policy"] == security.CSP
    assert "unsafe-inline" not in security.CSP and "frame-ancestors 'none'" in security.CSP


def test_session_cookie_is_samesite_lax(form_app):
    client = form_app.test_client()
    response = client.get("/probe")
    assert "SameSite=Lax" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
