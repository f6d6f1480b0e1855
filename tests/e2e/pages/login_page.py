"""Page object: /login."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class LoginPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.email = page.get_by_test_id("login-email")
        self.password = page.get_by_test_id("login-password")
        self.submit = page.get_by_test_id("login-submit")
        self.error = page.get_by_test_id("login-error")

    def open(self, next_path: str | None = None) -> LoginPage:
        self.page.goto("/login" + (f"?next={next_path}" if next_path else ""))
        self.wait_ready()
        return self

    def wait_ready(self) -> None:
        # The button is enabled once the page is connected to the server.
        expect(self.submit).to_be_enabled()

    def sign_in(self, email: str, password: str) -> None:
        self.email.fill(email)
        self.password.fill(password)
        self.submit.click()
