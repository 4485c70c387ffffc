"""Sign-in limits count clients, not the proxy in front of them, and lock an
account per address: an attacker cannot lock its owner out."""
from __future__ import annotations

import pytest

from tests.support.dashboard import make_org, sign_in


def _client(app, forwarded_for: str | None = None, remote: str = "127.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote
    if forwarded_for:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


@pytest.fixture
def proxied(app_factory, db):
    """An app behind one trusted reverse proxy at 127.0.0.1."""
    from assessor.web.dashboard.access import limiter

    app = app_factory(ASSESSOR_TRUSTED_PROXIES=1)
    app.config["SESSION_COOKIE_SECURE"] = False
    limiter._fails.clear()
    return app, make_org(db)


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_the_others(proxied):
    app, org = proxied
    attacker = _client(app, "198.51.100.66")
    for n in range(20):
        assert sign_in(attacker, f"guess{n}@example.com", "x" * 12).status_code == 401
    assert sign_in(attacker, org.emails["viewer"]).status_code == 429
    # Everyone else comes through the same proxy address, from their own.
    assert sign_in(_client(app, "203.0.113.10"), org.emails["recruiter"]).status_code == 302


def test_the_proxy_header_is_ignored_unless_proxies_are_trusted(dash_app, org):
    # Default 0 proxies: a client cannot dodge its address limit by forging the header.
    dash_app.config["DASHBOARD_SIGNIN_LIMITS"] = (100, 3)
    for n in range(3):
        client = _client(dash_app, f"198.51.100.{n}")
        assert sign_in(client, f"guess{n}@example.com", "x" * 12).status_code == 401
    assert sign_in(_client(dash_app, "198.51.100.99"), org.emails["admin"]).status_code == 429


def test_failures_elsewhere_do_not_lock_the_account_at_its_owners_address(proxied):
    app, org = proxied
    email = org.emails["admin"]
    # The owner has signed in from home before.
    assert sign_in(_client(app, "203.0.113.10"), email).status_code == 302
    for n in range(60):   # guesses from many addresses, over every account-wide limit
        assert sign_in(_client(app, f"198.51.{n}.7"), email, "wrong password").status_code \
            in (401, 429)
    assert sign_in(_client(app, "198.51.100.200"), email).status_code == 429
    assert sign_in(_client(app, "203.0.113.10"), email).status_code == 302


def test_five_failures_lock_the_account_only_at_that_address(proxied):
    app, org = proxied
    email = org.emails["recruiter"]
    guesser = _client(app, "198.51.100.66")
    for _ in range(5):
        assert sign_in(guesser, email, "wrong password").status_code == 401
    assert sign_in(guesser, email).status_code == 429
    assert sign_in(_client(app, "203.0.113.10"), email).status_code == 302
