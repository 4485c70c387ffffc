"""Fixtures of the dashboard tests: an app whose session cookie works over
the test client's plain HTTP, organisations with password users, and a
signed-in client per role."""
from __future__ import annotations

import pytest

from tests.support.dashboard import make_org, sign_in


@pytest.fixture
def dash_app(app):
    # The test client speaks plain HTTP; a Secure cookie would not come back.
    app.config["SESSION_COOKIE_SECURE"] = False
    from assessor.web.dashboard.access import limiter

    limiter._fails.clear()
    return app


@pytest.fixture
def org(db):
    return make_org(db)


@pytest.fixture
def other_org(db):
    return make_org(db)


@pytest.fixture
def as_role(dash_app, org):
    """``as_role("viewer")`` → a test client signed in as that role of ``org``."""
    def build(role: str = "admin", who=None):
        client = dash_app.test_client()
        response = sign_in(client, (who or org).emails[role])
        assert response.status_code == 302, response.get_data(as_text=True)
        return client
    return build
