"""Page object: the history card of /products/{id}."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class ProductHistory:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.card = page.get_by_test_id("product-history")
        self.entries = self.card.get_by_test_id("history-entry")
        self.message = page.get_by_test_id("history-message")

    def entry(self, action: str) -> Locator:
        """The newest entry of `action` (create, update, revert)."""
        return self.card.locator(f'[data-testid="history-entry"][data-action="{action}"]').first

    def revert(self, entry: Locator) -> Locator:
        return entry.get_by_test_id("revert")
