"""Page object: /products, the catalogue table."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect


def tenge_to_int(text: str) -> int:
    """'199 990 ₸' (no-break spaces) -> 199990."""
    return int(re.sub(r"[^\d]", "", text))


class ProductsPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.table = page.get_by_test_id("products-table")
        self.rows = page.get_by_test_id("product-row")
        self.total = page.get_by_test_id("products-total")
        self.search = page.get_by_test_id("products-search")
        self.category = page.get_by_test_id("products-category")  # a group of chips (checkboxes)
        self.filters_button = page.get_by_test_id("filters-open")  # phones: opens the Filters drawer
        self.price_min = page.get_by_test_id("products-price-min")
        self.price_max = page.get_by_test_id("products-price-max")
        self.active_only = page.get_by_test_id("products-active-only")
        self.page_size = page.get_by_test_id("products-page-size")
        self.prev = page.get_by_test_id("products-prev")
        self.next = page.get_by_test_id("products-next")
        self.new = page.get_by_test_id("product-new")
        self.no_matches = page.get_by_test_id("products-no-matches")

    def open(self, query: str = "") -> ProductsPage:
        self.page.goto("/products" + (f"?{query}" if query else ""))
        self.wait_loaded()
        return self

    def wait_loaded(self) -> None:
        expect(self.total).to_be_visible()

    def expect_view(self, pattern: str) -> None:
        """Wait until the rows shown belong to a view whose URL matches `pattern`."""
        expect(self.page).to_have_url(re.compile(pattern))
        expect(self.page.get_by_test_id("products-page")).to_have_attribute("data-view", re.compile(pattern))

    def total_count(self) -> int:
        return tenge_to_int(self.total.inner_text())

    def category_chip(self, category: str) -> Locator:
        return self.page.get_by_test_id(f"products-category-{category}")

    def choose_categories(self, *categories: str) -> None:
        """Tick each category's chip (one navigation each; the URL ends with the last one)."""
        for category in categories:
            self.category_chip(category).check()
            self.expect_view(f"category=[^&]*{category}")

    def row(self, product_id: int) -> Locator:
        return self.page.locator(f'[data-testid="product-row"][data-product-id="{product_id}"]')

    def row_ids(self) -> list[int]:
        return [int(x) for x in self.rows.evaluate_all("rows => rows.map(r => r.dataset.productId)")]

    def column_texts(self, index: int) -> list[str]:
        return self.rows.evaluate_all(f"rows => rows.map(r => r.children[{index}].innerText.trim())")

    def prices(self) -> list[int]:
        return [tenge_to_int(t) for t in self.page.get_by_test_id("product-price").all_inner_texts()]

    def sort_by(self, field: str) -> None:
        self.page.get_by_test_id(f"sort-{field}").click()

    def go_to_page(self, number: int) -> None:
        self.page.locator(f'[data-testid="products-page-number"][data-page="{number}"]').click()

    def open_product(self, product_id: int) -> None:
        self.row(product_id).get_by_test_id("product-link").click()
