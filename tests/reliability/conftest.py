from tests.web.dashboard.conftest import as_role, dash_app, org  # noqa: F401
