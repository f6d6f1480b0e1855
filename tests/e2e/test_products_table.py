"""The products table in Chromium: paging, sorting, filters, the URL, live updates."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from oppo_kz.ui.i18n import tr
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.products_page import ProductsPage

NBSP = "\u00a0"  # Babel (CLDR) groups digits and sets off ₸ with no-break spaces


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _category_label(code: str) -> str:
    return tr("ru", f"category.{code}")


@pytest.fixture
def table(page: Page) -> ProductsPage:
    sign_in(page)
    return ProductsPage(page).open()


def test_paging_with_prev_next_numbers_and_page_size(table: ProductsPage, page: Page) -> None:
    total = table.total_count()
    assert total >= 200
    expect(table.rows).to_have_count(20)
    expect(table.prev).to_be_disabled()
    first_page = table.row_ids()

    table.next.click()
    table.expect_view(r"page=2")
    expect(page.locator('[data-testid="products-page-number"][aria-current="page"]')).to_have_text("2")
    second_page = table.row_ids()
    assert len(second_page) == 20
    assert not set(first_page) & set(second_page)

    table.prev.click()
    table.expect_view(r"/products$")
    expect(page.locator('[data-testid="products-page-number"][aria-current="page"]')).to_have_text("1")
    assert table.row_ids() == first_page

    table.page_size.select_option("50")
    expect(table.rows).to_have_count(50)
    assert _query(page)["page_size"] == ["50"]

    pages = -(-total // 50)
    table.go_to_page(pages)
    expect(table.rows).to_have_count(total - 50 * (pages - 1))
    expect(table.next).to_be_disabled()


def test_clicking_a_header_sorts_and_clicking_again_reverses(table: ProductsPage, page: Page) -> None:
    table.sort_by("price")
    table.expect_view(r"sort=price")
    expect(page.get_by_test_id("sort-price").locator("xpath=..")).to_have_attribute("aria-sort", "ascending")
    ascending = table.prices()
    assert ascending == sorted(ascending)
    assert len(ascending) == 20

    table.sort_by("price")
    table.expect_view(r"sort=-price")
    expect(page.get_by_test_id("sort-price").locator("xpath=..")).to_have_attribute("aria-sort", "descending")
    descending = table.prices()
    assert descending == sorted(descending, reverse=True)
    assert descending[0] > ascending[0]

    table.sort_by("name")
    table.expect_view(r"sort=name")
    names = table.column_texts(1)
    assert names == sorted(names)


def test_search_box_matches_name_and_sku(table: ProductsPage, page: Page) -> None:
    table.search.fill("reno14")
    table.expect_view(r"q=reno14")
    names = table.column_texts(1)
    assert names
    assert all("reno14" in name.lower() for name in names)
    table.search.fill("ENCOX3-")
    table.expect_view(r"q=ENCOX3-")
    expect(table.total).to_have_text("2")
    assert all(sku.startswith("ENCOX3-") for sku in table.column_texts(0))


def test_category_price_and_active_filters_combine(table: ProductsPage, page: Page) -> None:
    table.choose_categories("tablet", "wearable")
    table.expect_view(r"category=tablet%2Cwearable")
    assert set(table.column_texts(2)) <= {_category_label("tablet"), _category_label("wearable")}
    with_categories = table.total_count()

    table.price_min.fill("100000")
    table.expect_view(r"price_min=100000")
    table.price_max.fill("250000")
    table.expect_view(r"price_min=100000&price_max=250000")
    prices = table.prices()
    assert prices
    assert all(100_000 <= p <= 250_000 for p in prices)
    assert table.total_count() < with_categories

    table.active_only.check()
    table.expect_view(r"active=1")
    assert set(table.column_texts(7)) == {tr("ru", "common.yes")}

    page.get_by_test_id("products-clear-filters").click()
    table.expect_view(r"/products$")
    assert table.total_count() >= 200


def test_no_matches_is_its_own_state(table: ProductsPage, page: Page) -> None:
    table.search.fill("no-such-product-anywhere")
    table.expect_view(r"q=no-such")
    expect(table.no_matches).to_be_visible()
    expect(table.table).to_be_visible()  # still there, with no rows
    expect(table.rows).to_have_count(0)
    expect(table.total).to_have_text("0")
    expect(page.get_by_test_id("products-empty")).to_have_count(0)


def test_a_page_past_the_end_shows_the_last_page_and_one_product_reads_as_one(
    table: ProductsPage, page: Page
) -> None:
    pages = -(-table.total_count() // 20)
    table.open("sort=price&page=999")
    table.expect_view(rf"sort=price&page={pages}$")
    expect(page.locator('[data-testid="products-page-number"][aria-current="page"]')).to_have_text(str(pages))
    expect(table.rows.first).to_be_visible()

    table.search.fill("FINDN5-16-512-COSBLA")
    table.expect_view(r"q=FINDN5-16-512-COSBLA")
    expect(table.total).to_have_text("1")
    summary = table.total.locator("xpath=..")
    one = tr("ru", "products.noun").split("|")[0]
    expect(summary).to_have_text(re.compile(rf"^\s*1\s*{one}\s*$"))  # "1 товар", not "1–1 из 1 товаров"


def test_the_view_lives_in_the_url_for_reload_links_and_back(table: ProductsPage, page: Page) -> None:
    table.choose_categories("smartphone")
    table.expect_view(r"category=smartphone")
    table.sort_by("price")
    table.expect_view(r"sort=price")
    table.next.click()
    table.expect_view(r"page=2")
    expected_ids = table.row_ids()
    url = page.url

    page.reload()
    table.expect_view(r"category=smartphone&sort=price&page=2")
    assert table.row_ids() == expected_ids
    expect(table.category_chip("smartphone")).to_be_checked()
    expect(table.category_chip("tablet")).not_to_be_checked()

    other = page.context.new_page()  # a shared link
    other.goto(url)
    other_table = ProductsPage(other)
    other_table.expect_view(r"category=smartphone&sort=price&page=2")
    assert other_table.row_ids() == expected_ids
    other.close()

    page.go_back()
    table.expect_view(r"category=smartphone&sort=price$")
    expect(page.locator('[data-testid="products-page-number"][aria-current="page"]')).to_have_text("1")


def test_prices_are_written_the_kazakh_way(table: ProductsPage, page: Page) -> None:
    table.search.fill("FINDN5")
    table.expect_view(r"q=FINDN5")
    expect(table.total).to_have_text("2")
    expect(page.get_by_test_id("product-price").first).to_have_text(f"899{NBSP}990{NBSP}₸")


def test_a_rest_change_appears_in_an_open_table_without_reload(
    table: ProductsPage, page: Page, live_server
) -> None:
    api = Api(live_server.url)
    product = api.create_product(name="OPPO Live Update Probe", price=123_450)
    table.search.fill(product["sku"])
    table.expect_view(re.escape(product["sku"]))
    row = table.row(product["id"])
    expect(row).to_be_visible()
    expect(row.get_by_test_id("product-price")).to_have_text(f"123{NBSP}450{NBSP}₸")

    started = time.monotonic()
    api.patch_product(product["id"], price=98_760)
    expect(row.get_by_test_id("product-price")).to_have_text(f"98{NBSP}760{NBSP}₸", timeout=3000)
    assert time.monotonic() - started < 1.5
    expect(row).to_have_attribute("data-highlight", "true")
    expect(page).to_have_url(re.compile(re.escape(product["sku"])))  # the viewer's own filter is kept

    second = api.create_product(name="OPPO Live Update Probe 2", sku=product["sku"] + "-2")
    expect(table.row(second["id"])).to_be_visible(timeout=3000)
    api.client.delete(f"/products/{second['id']}")
    expect(table.row(second["id"])).to_have_count(0, timeout=3000)


def test_screenshot_of_the_products_table(table: ProductsPage, page: Page) -> None:
    table.sort_by("price")
    table.expect_view(r"sort=price")
    table.sort_by("price")
    table.expect_view(r"sort=-price")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "products-table.png"))


def test_typing_slowly_keeps_the_spaces_between_words(table: ProductsPage, page: Page) -> None:
    table.search.press_sequentially("find x8", delay=450)  # longer than the debounce: a query per word
    table.expect_view(r"q=find\+x8")
    expect(table.search).to_have_value("find x8")
    names = table.column_texts(1)
    assert names
    assert all("find x8" in name.lower() for name in names)
