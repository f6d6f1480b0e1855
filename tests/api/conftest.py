"""Signed-in clients for the API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.models import Role
from oppo_kz.services.auth import login_limiter
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture(autouse=True)
def _fresh_login_limiter() -> None:
    login_limiter.reset()


@pytest.fixture
def login(client) -> Callable[..., dict]:  # type: ignore[no-untyped-def]
    """login(email, password) -> the token answer (asserts 200)."""

    def do(email: str, password: str = DEFAULT_PASSWORD) -> dict:
        response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    return do


@pytest.fixture
def headers_for(db: str, login) -> Callable[[Role | str], dict[str, str]]:  # type: ignore[no-untyped-def]
    """headers_for(role) -> Authorization headers of a fresh user with that role."""

    def make(role: Role | str) -> dict[str, str]:
        with session_scope(write=True) as s:
            user = make_user(s, role=role)
        tokens = login(user.email)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return make


@pytest.fixture
def admin_headers(headers_for) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return headers_for(Role.admin)
