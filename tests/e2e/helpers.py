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


def sign_in(page: Page, role: str = "admin") -> None:
    email = ROLE_EMAILS[role]
    LoginPage(page).open().sign_in(email, PASSWORDS[email])
    expect(Shell(page).current_role).to_have_text(role)


class Api:
    """A signed-in REST client."""

    def __init__(self, base_url: str, role: str = "admin") -> None:
        email = ROLE_EMAILS[role]
        self.client = httpx.Client(base_url=f"{base_url}/api/v1", timeout=10)
        tokens = self.client.post("/auth/login", json={"email": email, "password": PASSWORDS[email]})
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
