"""Page object: /products/new and /products/{id}."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class ProductFormPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.form = page.get_by_test_id("product-form")
        self.save = page.get_by_test_id("product-save")
        self.delete = page.get_by_test_id("product-delete")
        self.confirm_delete = page.get_by_test_id("confirm-delete")
        self.message = page.get_by_test_id("product-message")
        self.conflict = page.get_by_test_id("product-conflict")
        self.reapply = page.get_by_test_id("conflict-reapply")
        self.draft = page.get_by_test_id("product-draft")
        self.restore_draft = page.get_by_test_id("draft-restore")

    def open(self, product_id: int | str = "new") -> ProductFormPage:
        self.page.goto(f"/products/{product_id}")
        expect(self.form).to_be_visible()
        return self

    def open_read_only(self, product_id: int) -> ProductFormPage:
        """A role that may not edit gets the product as a read-only view, not the form."""
        self.page.goto(f"/products/{product_id}")
        expect(self.page.get_by_test_id("product-detail")).to_be_visible()
        return self

    def detail(self, name: str) -> Locator:
        return self.page.get_by_test_id(f"detail-{name}")

    def field(self, name: str) -> Locator:
        return self.page.get_by_test_id(f"field-{name}")

    def error(self, name: str) -> Locator:
        return self.page.get_by_test_id(f"field-error-{name}")

    def fill(self, **values: str) -> None:
        for name, value in values.items():
            if name == "category":
                self.field(name).select_option(value)
            else:
                self.field(name).fill(value)
