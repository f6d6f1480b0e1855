"""Page object: the header every signed-in page shares (compact on a phone: the menu holds the links)."""

from __future__ import annotations

from playwright.sync_api import Page


class Shell:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.current_user = page.get_by_test_id("current-user")  # the email
        self.current_user_name = page.get_by_test_id("current-user-name")
        self.current_role = page.get_by_test_id("current-role")  # its data-role is the role's code
        self.logout = page.get_by_test_id("logout")
        self.lang_switch = page.get_by_test_id("lang-switch")
        self.menu = page.get_by_test_id("nav-menu")  # phones only
        self.users_link = page.get_by_test_id("nav-users")
        self.products_link = page.get_by_test_id("nav-products")
        self.connection_banner = page.get_by_test_id("connection-banner")
