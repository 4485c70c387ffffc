"""An email is unique within an organisation, not across all: another
organisation can neither find out who has an account nor reserve an address."""
from __future__ import annotations

import pytest

from tests.support.dashboard import make_org


def test_the_same_email_in_two_organisations(db):
    from assessor import services
    from assessor.db.models import Organisation
    from assessor.services.errors import Conflict, Unauthorized

    first, second = make_org(db), make_org(db)
    email = "team.lead@bpo.example"
    with db.transaction() as s:
        for org_id, password in ((first.org_id, "first password"),
                                 (second.org_id, "second password")):
            services.create_user(s, s.get(Organisation, org_id), email, password=password)
    with db.transaction() as s:
        with pytest.raises(Conflict):   # still unique within one organisation
            services.create_user(s, s.get(Organisation, first.org_id), email)
    with db.transaction() as s:
        assert services.authenticate(s, email, "first password").org_id == first.org_id
        assert services.authenticate(s, email, "second password").org_id == second.org_id
        with pytest.raises(Unauthorized):
            services.authenticate(s, email, "neither")
