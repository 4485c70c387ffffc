"""Sign-in, sessions, CSRF, roles, rate limits and password reset."""
from __future__ import annotations

import pytest

from tests.support.dashboard import PASSWORD, csrf_of, post, sign_in


def test_pages_need_sign_in(dash_app):
    client = dash_app.test_client()
    response = client.get("/dashboard/candidates?decision=pass")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_sets_a_hardened_cookie_and_sign_out_clears_it(app, org):
    # As deployed: not debug, so the cookie is Secure (the client sends it anyway over https).
    client = app.test_client()
    token = csrf_of(client.get("/login", base_url="https://localhost").get_data(as_text=True))
    response = client.post("/login", base_url="https://localhost", data={
        "email": org.emails["recruiter"], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert client.get("/dashboard/candidates", base_url="https://localhost").status_code == 200
    token = csrf_of(client.get("/dashboard/tasks", base_url="https://localhost").get_data(
        as_text=True))
    client.post("/logout", base_url="https://localhost", data={"csrf_token": token})
    assert client.get("/dashboard/candidates",
                      base_url="https://localhost").status_code == 302


def test_security_headers_on_dashboard_pages(as_role):
    response = as_role("viewer").get("/dashboard/candidates")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("email, password", [
    ("nobody@nowhere.example", PASSWORD),
    (None, "wrong password!"),
    (None, ""),
])
def test_wrong_credentials_get_one_message(dash_app, org, email, password):
    client = dash_app.test_client()
    response = sign_in(client, email or org.emails["admin"], password)
    assert response.status_code == 401
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_login_form_needs_csrf(dash_app, org):
    client = dash_app.test_client()
    client.get("/login")
    response = client.post("/login", data={"email": org.emails["admin"], "password": PASSWORD})
    assert response.status_code == 400


def test_account_is_locked_after_repeated_failures(dash_app, org):
    client = dash_app.test_client()
    for _ in range(5):
        assert sign_in(client, org.emails["recruiter"], "not the password").status_code == 401
    # Even the right password is refused while the limit holds.
    locked = sign_in(client, org.emails["recruiter"])
    assert locked.status_code == 429
    assert "too many failed sign-ins" in locked.get_data(as_text=True)
    # Other accounts from elsewhere are unaffected.
    other = dash_app.test_client()
    assert sign_in(other, org.emails["admin"]).status_code == 302


def test_address_is_limited_across_accounts(dash_app, org):
    dash_app.config["DASHBOARD_SIGNIN_LIMITS"] = (100, 3)
    client = dash_app.test_client()
    for n in range(3):
        assert sign_in(client, f"guess{n}@example.com", "x" * 12).status_code == 401
    assert sign_in(client, org.emails["admin"]).status_code == 429


@pytest.mark.parametrize("target, expected", [
    ("/dashboard/tasks", "/dashboard/tasks"),
    ("//evil.example/x", "/dashboard/candidates"),
    ("https://evil.example/", "/dashboard/candidates"),
    ("/dashboard\\@evil.example", "/dashboard/candidates"),
    ("/api/v1/me", "/dashboard/candidates"),
])
def test_next_only_goes_to_the_dashboard(dash_app, org, target, expected):
    client = dash_app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": org.emails["viewer"], "password": PASSWORD,
                                           "csrf_token": token, "next": target})
    assert response.headers["Location"] == expected


@pytest.mark.parametrize("role, path, data", [
    ("viewer", "/dashboard/tasks", {"kind": "essay", "title": "t", "prompt": "p"}),
    ("viewer", "/dashboard/clients", {"name": "Acme"}),
    ("viewer", "/dashboard/assessments/{a}/invitations", {"email": "x@example.com"}),
    ("viewer", "/dashboard/assessments/{a}/state", {"action": "close"}),
    ("recruiter", "/dashboard/users", {"email": "n@example.com", "role": "admin",
                                       "password": "long enough pw"}),
])
def test_roles_limit_writes(as_role, org, role, path, data):
    response = post(as_role(role), path.format(a=org.assessment_id), data)
    assert response.status_code == 403


@pytest.mark.parametrize("role, path, status", [
    ("viewer", "/dashboard/candidates", 200),
    ("viewer", "/dashboard/assessments", 200),
    ("viewer", "/dashboard/users", 403),
    ("recruiter", "/dashboard/audit", 403),
    ("admin", "/dashboard/audit", 200),
    ("viewer", "/dashboard/assessments/new", 403),
])
def test_roles_limit_pages(as_role, role, path, status):
    assert as_role(role).get(path).status_code == status


def _user_id(db, email):
    from assessor.db.models import User

    with db.transaction() as s:
        return s.query(User).filter_by(email=email).one().id


def test_admin_resets_a_password_and_old_sessions_end(dash_app, db, as_role, org):
    recruiter = as_role("recruiter")
    admin = as_role("admin")
    path = f"/dashboard/users/{_user_id(db, org.emails['recruiter'])}/password"
    too_short = post(admin, path, {"password": "short"}, follow_redirects=True)
    assert "a password needs 10 to 200 characters" in too_short.get_data(as_text=True)
    assert post(admin, path, {"password": "a brand new passphrase"}).status_code == 302
    assert recruiter.get("/dashboard/candidates").status_code == 302  # signed out
    fresh = dash_app.test_client()
    assert sign_in(fresh, org.emails["recruiter"], PASSWORD).status_code == 401
    assert sign_in(fresh, org.emails["recruiter"], "a brand new passphrase").status_code == 302
    log = admin.get("/dashboard/audit?action=user.password_reset").get_data(as_text=True)
    assert "user.password_reset" in log and "a brand new passphrase" not in log


def test_admins_cannot_reset_users_of_another_org(db, as_role, other_org):
    target = _user_id(db, other_org.emails["recruiter"])
    response = post(as_role("admin"), f"/dashboard/users/{target}/password",
                    {"password": "a brand new passphrase"})
    assert response.status_code == 404


def test_deactivated_users_cannot_sign_in(dash_app, db, as_role, org):
    viewer_id = _user_id(db, org.emails["viewer"])
    viewer = as_role("viewer")
    response = post(as_role("admin"), f"/dashboard/users/{viewer_id}/active", {"active": "0"})
    assert response.status_code == 302
    assert viewer.get("/dashboard/candidates").status_code == 302
    assert sign_in(dash_app.test_client(), org.emails["viewer"]).status_code == 401


def test_admin_adds_a_user_who_can_sign_in(dash_app, as_role):
    admin = as_role("admin")
    response = post(admin, "/dashboard/users", {"email": "new.person@example.com", "name": "New",
                                                "role": "viewer", "password": "ten chars ok"})
    assert response.status_code == 302
    assert sign_in(dash_app.test_client(), "new.person@example.com",
                   "ten chars ok").status_code == 302


@pytest.mark.redis
def test_failed_sign_ins_are_counted_across_web_processes(app_factory, redis_queue):
    from tests.conftest import REDIS_TEST_URL
    from tests.support.dashboard import make_org

    first, second = (app_factory(REDIS_URL=REDIS_TEST_URL, ASSESSOR_QUEUE=redis_queue)
                     for _ in range(2))
    for app in (first, second):
        app.config["SESSION_COOKIE_SECURE"] = False
    org = make_org(first.extensions["assessor"]["db"])
    # Five failures spread over two processes lock the account in both:
    # with per-process counts an attacker would get five guesses per process.
    for n in range(5):
        app = (first, second)[n % 2]
        assert sign_in(app.test_client(), org.emails["recruiter"], "wrong").status_code == 401
    assert sign_in(second.test_client(), org.emails["recruiter"]).status_code == 429
    assert sign_in(first.test_client(), org.emails["recruiter"]).status_code == 429
    # Other accounts are unaffected.
    assert sign_in(first.test_client(), org.emails["admin"]).status_code == 302


@pytest.mark.parametrize("target", ["/dashboard/tasks\r\nSet-Cookie: a=b", "/dashboard/x\n",
                                    "/dashboard/\x00"])
def test_next_with_control_characters_is_refused(dash_app, org, target):
    client = dash_app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": org.emails["viewer"], "password": PASSWORD,
                                           "csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/candidates"
    again = client.get("/login", query_string={"next": target})
    assert again.status_code == 302 and again.headers["Location"] == "/dashboard/candidates"
