"""Page objects: /sales/new (report a sale), /sales (list and review queue), /sales/{id}."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class NewSalePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.form = page.get_by_test_id("sale-form")
        self.store = page.get_by_test_id("field-store_id")
        self.product = page.get_by_test_id("field-product_id")
        self.options = page.get_by_test_id("product-option")
        self.imei = page.get_by_test_id("field-imei")
        self.imei_ok = page.get_by_test_id("sale-imei-ok")
        self.scan = page.get_by_test_id("sale-scan")
        self.scanner = page.get_by_test_id("sale-scanner")
        self.save = page.get_by_test_id("sale-save")
        self.saved = page.get_by_test_id("sale-saved")
        self.saved_link = page.get_by_test_id("sale-saved-link")

    def open(self) -> NewSalePage:
        self.page.goto("/sales/new")
        expect(self.form).to_be_visible()
        return self

    def choose_product(self, typed: str) -> str:
        """Type part of a name, take the first offer; returns the product id."""
        self.product.fill(typed)
        expect(self.options.first).to_be_visible()
        product_id = self.options.first.get_attribute("data-product-id") or ""
        self.options.first.click()
        expect(self.options).to_have_count(0)
        return product_id

    def error(self, field: str) -> Locator:
        return self.page.get_by_test_id(f"field-error-{field}")


class SalesListPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.table = page.get_by_test_id("sales-table")
        self.rows = page.get_by_test_id("sale-row")
        self.total = page.get_by_test_id("sales-total")

    def open(self, query: str = "") -> SalesListPage:
        self.page.goto("/sales" + (f"?{query}" if query else ""))
        expect(self.table).to_be_visible()
        return self

    def row(self, sale_id: str) -> Locator:
        return self.page.locator(f'[data-testid="sale-row"][data-sale-id="{sale_id}"]')


class SalePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.status = page.get_by_test_id("sale-status")
        self.approve = page.get_by_test_id("sale-approve")
        self.reject = page.get_by_test_id("sale-reject")
        self.note = page.get_by_test_id("review-note")
        self.imei = page.get_by_test_id("sale-imei")
