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


class ProductImport:
    """Page object: /products/import."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.file = page.get_by_test_id("import-file").locator("input[type=file]")
        self.check = page.get_by_test_id("import-check")
        self.apply = page.get_by_test_id("import-apply")
        self.outcome = page.get_by_test_id("import-outcome")
        self.summary = page.get_by_test_id("import-summary")
        self.errors = page.get_by_test_id("import-error")

    def choose(self, name: str, content: bytes) -> None:
        self.file.set_input_files({"name": name, "mimeType": "text/csv", "buffer": content})
