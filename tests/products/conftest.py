"""Fixtures of the product tests: signed-in users' tokens for the feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.users.models import Role
from tests.factories import make_user


@pytest.fixture
def tokens_for(db: str, login) -> Callable[..., dict[str, Any]]:
    """tokens_for(role) -> the login answer (access and refresh token) of a fresh user with that role."""

    def make(role: Role | str = Role.promoter) -> dict[str, Any]:
        with session_scope(write=True) as s:
            user = make_user(s, role=role)
        return login(user.email)

    return make


@pytest.fixture
def token(tokens_for) -> str:
    return tokens_for(Role.promoter)["access_token"]
