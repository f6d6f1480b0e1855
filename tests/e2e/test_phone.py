"""On a phone (390x844 and 360x740, touch): no sideways scrolling, the key facts at a glance, 44 px targets."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import sign_in
from tests.e2e.pages.login_page import LoginPage
from tests.e2e.pages.product_form_page import ProductFormPage
from tests.e2e.pages.products_page import ProductsPage
from tests.e2e.pages.shell import Shell

# What a thumb presses: every visible button, select, text box and checkbox label.
SMALL_TARGETS_JS = """
() => Array.from(document.querySelectorAll(
    'button, select, .rt-TextFieldRoot, label:has(> input[type=checkbox]), [data-testid^=nav-]'))
  .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
  .map(e => [e.dataset.testid || e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30),
             Math.round(e.getBoundingClientRect().height)])
  .filter(([, h]) => h < 44)
"""


def _phone(browser: Browser, base_url: str, width: int, height: int) -> Page:
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="ru-KZ",
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    page = _phone(browser, live_server.url, 390, 844)
    yield page
    page.context.close()


def _fits(page: Page, where: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where}: {width[0]} px wide in a {width[1]} px window"


def _within_the_screen(page: Page, locator) -> None:
    """Wholly on the screen: not cut off at either side (retried, as the page may re-render)."""
    expect(locator).to_be_visible()
    expect(locator).to_be_in_viewport(ratio=1)


def test_a_promoter_in_a_store_reads_the_catalogue_on_a_phone(phone: Page) -> None:
    LoginPage(phone).open()
    _fits(phone, "/login")
    sign_in(phone, "promoter")
    table = ProductsPage(phone).open("sort=-price")
    _fits(phone, "/products")
    first = table.rows.first
    _within_the_screen(phone, first.get_by_test_id("product-link"))  # name, price and stock at a glance
    _within_the_screen(phone, first.get_by_test_id("product-price"))
    _within_the_screen(phone, first.get_by_test_id("product-stock"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "products-phone.png"))

    table.filters_button.tap()  # the filters fold into a drawer; chips work by touch
    table.category_chip("tablet").tap()
    table.expect_view(r"category=tablet")
    expect(phone.get_by_test_id("filters-count")).to_have_text("1")
    phone.screenshot(path=str(SCREENSHOTS / "filters-phone.png"))
    phone.get_by_test_id("filters-done").tap()
    expect(phone.get_by_test_id("filters-done")).to_have_count(0)

    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the search stays in reach
    phone.wait_for_function("window.scrollY > 500")
    box = table.search.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 120, box

    phone.evaluate("window.scrollTo(0, 0)")
    phone.wait_for_function("window.scrollY === 0")
    phone.wait_for_timeout(200)
    product_id = table.row_ids()[0]
    price = table.rows.first.get_by_test_id("product-price").bounding_box()
    assert price is not None
    phone.touchscreen.tap(price["x"] + 4, price["y"] + 4)  # the whole card opens the product
    expect(phone).to_have_url(re.compile(rf"/products/{product_id}/?$"))
    ProductFormPage(phone).open_read_only(product_id)
    _fits(phone, "/products/{id}")
    phone.screenshot(path=str(SCREENSHOTS / "product-phone.png"))

    shell = Shell(phone)
    shell.menu.tap()
    shell.products_link.tap()
    expect(phone).to_have_url(re.compile(r"/products/?(\?.*)?$"))
    _within_the_screen(phone, shell.logout)
    shell.logout.tap()
    expect(phone).to_have_url(re.compile(r"/login/?$"))


@pytest.mark.parametrize(("width", "height"), [(390, 844), (360, 740)])
def test_every_page_fits_a_phone_with_thumb_sized_controls(
    browser: Browser, live_server, width: int, height: int
) -> None:
    page = _phone(browser, live_server.url, width, height)
    sign_in(page, "admin")
    checks: dict[str, object] = {}

    def check(where: str) -> None:
        page.wait_for_timeout(150)
        _fits(page, where)
        if small := page.evaluate(SMALL_TARGETS_JS):
            checks[where] = small

    table = ProductsPage(page).open()
    expect(table.rows.first).to_be_visible()
    first_id = table.row_ids()[0]
    check("/products")
    table.filters_button.tap()
    check("/products filters")
    page.keyboard.press("Escape")
    Shell(page).menu.tap()
    check("menu")
    page.keyboard.press("Escape")
    form = ProductFormPage(page).open("new")
    form.save.tap()
    expect(form.error("name")).to_be_visible()
    check("/products/new with errors")
    form.open(first_id)
    check("/products/{id}")
    page.goto("/users")
    expect(page.get_by_test_id("users-table")).to_be_visible()
    check("/users")
    page.goto("/no-such-page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    check("404")
    page.get_by_test_id("not-found-home").tap()  # the way back
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.context.close()
    assert checks == {}
