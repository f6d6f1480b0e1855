"""REST calls and sign-in shortcuts for browser tests (the REST API is another real client)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from oppo_kz.seed import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_USERS
from tests.e2e.pages.login_page import LoginPage
from tests.e2e.pages.shell import Shell

PASSWORDS = {ADMIN_EMAIL: ADMIN_PASSWORD} | {email: password for email, password, _role, _name in DEMO_USERS}
ROLE_EMAILS = {"admin": ADMIN_EMAIL} | {role.value: email for email, _password, role, _name in DEMO_USERS}
_sku = itertools.count(1)


def sign_in(
    page: Page, role: str = "admin", *, email: str | None = None, password: str | None = None
) -> None:
    """Sign in as the demo user of `role` (or as `email`/`password`) and wait for the header."""
    email = email or ROLE_EMAILS[role]
    LoginPage(page).open().sign_in(email, password or PASSWORDS[email])
    expect(Shell(page).current_role).to_have_attribute("data-role", role)


class Api:
    """A signed-in REST client."""

    def __init__(
        self, base_url: str, role: str = "admin", *, email: str | None = None, password: str | None = None
    ) -> None:
        email = email or ROLE_EMAILS[role]
        self.client = httpx.Client(base_url=f"{base_url}/api/v1", timeout=10)
        tokens = self.client.post(
            "/auth/login", json={"email": email, "password": password or PASSWORDS[email]}
        )
        tokens.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {tokens.json()['access_token']}"

    def create_product(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "sku": f"E2E-{next(_sku):04d}-{uuid.uuid4().hex[:6].upper()}",
            "name": "OPPO Reno E2E Phone",
            "category": "smartphone",
            "series": "Reno",
            "color": "Black",
            "ram_gb": 8,
            "storage_gb": 256,
            "price": 150_000,
            "stock": 5,
        } | overrides
        response = self.client.post("/products", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def patch_product(self, product_id: int, **changes: Any) -> dict[str, Any]:
        response = self.client.patch(f"/products/{product_id}", json=changes)
        assert response.status_code == 200, response.text
        return response.json()

    def get_product(self, product_id: int) -> httpx.Response:
        return self.client.get(f"/products/{product_id}")

    def create_user(self, role: str = "office", **overrides: Any) -> dict[str, Any]:
        """A new user (password `Pass-<email>`) for a test that changes users or their settings."""
        email = f"e2e.{uuid.uuid4().hex[:8]}@oppo.kz"
        body = {
            "email": email,
            "password": f"Pass-{email}",
            "full_name": "E2E Person",
            "role": role,
        } | overrides
        response = self.client.post("/users", json=body)
        assert response.status_code == 201, response.text
        return response.json() | {"password": body["password"]}

    def me(self) -> dict[str, Any]:
        response = self.client.get("/auth/me")
        assert response.status_code == 200, response.text
        return response.json()
