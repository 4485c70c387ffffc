"""Organisations, users, tokens and passwords."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from assessor import services
from assessor.db import models as m
from assessor.services.errors import Conflict, InputError, Unauthorized


def test_new_org_gets_builtin_profiles(db):
    with db.transaction() as s:
        org = services.create_org(s, "Acme BPO")
        names = set(s.scalars(select(m.RoleProfileRow.name).where(m.RoleProfileRow.org_id == org.id)))
    assert {"voice", "chat", "email", "technical"} <= names


@pytest.mark.parametrize("name, error", [("", InputError), ("  ", InputError)])
def test_org_needs_a_name(db, name, error):
    with pytest.raises(error), db.transaction() as s:
        services.create_org(s, name)


def test_duplicate_org_and_user(db):
    with db.transaction() as s:
        org = services.create_org(s, "Dup")
        services.create_user(s, org, "a@dup.example")
    with pytest.raises(Conflict), db.transaction() as s:
        services.create_org(s, "Dup")
    with pytest.raises(Conflict), db.transaction() as s:
        services.create_user(s, s.get(m.Organisation, org.id), "A@dup.example")


@pytest.mark.parametrize("email, role", [("no-at-sign", "recruiter"), ("x@y.example", "boss")])
def test_bad_user_input(db, email, role):
    with db.transaction() as s:
        org = services.create_org(s, f"Org {email}")
    with pytest.raises(InputError), db.transaction() as s:
        services.create_user(s, s.get(m.Organisation, org.id), email, role=role)


def test_password_login(db):
    with db.transaction() as s:
        org = services.create_org(s, "Login")
        services.create_user(s, org, "r@login.example", password="correct horse")
    with db.transaction() as s:
        assert services.authenticate(s, "R@login.example", "correct horse").email == "r@login.example"
        with pytest.raises(Unauthorized):
            services.authenticate(s, "r@login.example", "wrong")


def test_tokens_are_stored_hashed_and_revocable(db):
    with db.transaction() as s:
        org = services.create_org(s, "Tokens")
        user = services.create_user(s, org, "t@tokens.example")
        row, token = services.create_api_token(s, user, "ci")
    with db.transaction() as s:
        stored = s.get(m.ApiToken, row.id)
        assert token not in (stored.token_hash, stored.prefix) and token.startswith(stored.prefix)
        assert services.user_for_token(s, token).email == "t@tokens.example"
        stored.revoked_at = stored.created_at
    with pytest.raises(Unauthorized), db.transaction() as s:
        services.user_for_token(s, token)
