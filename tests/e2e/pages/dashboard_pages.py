"""Page objects: /dashboard (the figures everyone lands on) and /targets (a month's targets grid)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class DashboardPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.get_by_test_id("dashboard")
        self.today_units = page.get_by_test_id("kpi-today-units")
        self.today_amount = page.get_by_test_id("kpi-today-amount")
        self.month_units = page.get_by_test_id("kpi-month-units")
        self.month_amount = page.get_by_test_id("kpi-month-amount")
        self.target_pct = page.get_by_test_id("kpi-month-target-pct")
        self.chart = page.get_by_test_id("chart-sales-by-day")
        self.top_stores = page.get_by_test_id("top-stores")
        self.top_products = page.get_by_test_id("top-products")
        self.top_promoters = page.get_by_test_id("top-promoters")
        self.rank = page.get_by_test_id("dashboard-rank")
        self.period = page.get_by_test_id("dashboard-period")

    def open(self) -> DashboardPage:
        self.page.goto("/dashboard")
        self.wait()
        return self

    def wait(self) -> None:
        """Until the figures are read (the page counts its reads in data-generation)."""
        expect(self.root).not_to_have_attribute("data-generation", "0")


class TargetsPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.month = page.get_by_test_id("targets-month")
        self.rows = page.get_by_test_id("target-row")
        self.copy = page.get_by_test_id("targets-copy")
        self.saved = page.get_by_test_id("target-saved")

    def open(self, query: str = "") -> TargetsPage:
        self.page.goto("/targets" + (f"?{query}" if query else ""))
        expect(self.page.get_by_test_id("targets-page")).not_to_have_attribute("data-month", "")
        return self

    def row(self, kind: str, subject_id: int) -> Locator:
        return self.page.locator(
            f'[data-testid="target-row"][data-kind="{kind}"][data-subject-id="{subject_id}"]'
        )

    def set_figure(self, kind: str, subject_id: int, field: str, value: str) -> None:
        """Type a target into the grid and leave the field (which saves it)."""
        box = self.row(kind, subject_id).get_by_test_id(f"target-{field}")
        box.fill(value)
        box.blur()
