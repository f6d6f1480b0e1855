"""Page object: the header every signed-in page shares."""

from __future__ import annotations

from playwright.sync_api import Page


class Shell:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.current_user = page.get_by_test_id("current-user")  # the email
        self.current_user_name = page.get_by_test_id("current-user-name")
        self.current_role = page.get_by_test_id("current-role")
        self.logout = page.get_by_test_id("logout")
        self.users_link = page.get_by_test_id("nav-users")
        self.products_link = page.get_by_test_id("nav-products")
        self.connection_banner = page.get_by_test_id("connection-banner")
