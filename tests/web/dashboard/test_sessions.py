"""A dashboard session ends on the server: a copied cookie stops working
after sign-out, deactivation (even once reactivated) or a password reset."""
from __future__ import annotations

from tests.support.dashboard import post, sign_in


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value: str):
    client = app.test_client()
    client.set_cookie("session", value)
    return client


def test_sign_out_ends_the_session_for_a_copied_cookie(dash_app, org):
    client = dash_app.test_client()
    assert sign_in(client, org.emails["recruiter"]).status_code == 302
    stolen = _cookie(client)
    assert _with_cookie(dash_app, stolen).get("/dashboard/candidates").status_code == 200
    post(client, "/logout")
    assert _with_cookie(dash_app, stolen).get("/dashboard/candidates").status_code == 302


def test_a_cookie_from_before_a_deactivation_does_not_work_after_reactivation(as_role, dash_app,
                                                                             db, org):
    from assessor.db.models import User

    user = as_role("recruiter")
    old = _cookie(user)
    admin = as_role("admin")
    with db.transaction() as s:
        user_id = s.query(User).filter_by(email=org.emails["recruiter"]).one().id
    for active in ("0", "1"):
        assert post(admin, f"/dashboard/users/{user_id}/active",
                    {"active": active}).status_code == 302
    assert _with_cookie(dash_app, old).get("/dashboard/candidates").status_code == 302
    # Signing in again works.
    assert sign_in(dash_app.test_client(), org.emails["recruiter"]).status_code == 302
