"""User stories: office changes a product's price by mistake, sees the change in the product's history
(who, when, what) and reverts it; office checks a products file, then imports it. On a phone, in Russian."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from oppo_kz.ui.i18n import tr
from tests.e2e.catalog_check import unknown_strings
from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.product_form_page import ProductFormPage
from tests.e2e.pages.product_history_page import ProductHistory, ProductImport
from tests.e2e.pages.products_page import ProductsPage

NBSP = "\u00a0"


def _phone(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        locale="ru-KZ",
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def phone(browser: Browser, live_server) -> Iterator[Page]:
    page = _phone(browser, live_server.url)
    yield page
    page.context.close()


def test_office_sees_a_change_in_the_history_and_reverts_it(
    phone: Page, browser: Browser, live_server
) -> None:
    product = Api(live_server.url).create_product(price=150_000, color="Black")
    sign_in(phone, "office")
    form = ProductFormPage(phone).open(product["id"])
    history = ProductHistory(phone)
    expect(history.entry("create")).to_be_visible()
    expect(history.entries).to_have_count(1)

    form.fill(price="155 000", color="Blue")
    form.save.click()
    expect(phone).to_have_url(re.compile(r"/products/?(\?.*)?$"))  # saved: back to the list

    form.open(product["id"])
    change = history.entry("update")
    expect(change).to_contain_text("office@oppo.kz")
    expect(change).to_contain_text(
        f"{tr('ru', 'products.field.price')}: 150{NBSP}000{NBSP}₸ → 155{NBSP}000{NBSP}₸"
    )
    expect(change).to_contain_text(f"{tr('ru', 'products.field.color')}: Black → Blue")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert unknown_strings(phone, "ru") == []
    expect(history.revert(history.entry("create"))).to_have_count(0)  # a creation cannot be reverted

    history.revert(change).click()
    expect(history.message).to_have_text(tr("ru", "audit.reverted"))
    expect(form.field("price")).to_have_value("150000")
    expect(form.field("color")).to_have_value("Black")
    expect(history.entries.first).to_have_attribute("data-action", "revert")
    expect(history.entries.first).to_contain_text(tr("ru", "audit.action.revert"))
    expect(history.entries).to_have_count(3)
    assert Api(live_server.url).get_product(product["id"]).json()["price"] == 150_000

    # Roles that may not read the audit log see no history.
    other = _phone(browser, live_server.url)
    try:
        sign_in(other, "supervisor")
        ProductFormPage(other).open_read_only(product["id"])
        expect(ProductHistory(other).card).to_have_count(0)
    finally:
        other.context.close()


def test_office_checks_a_file_then_imports_it(phone: Page, live_server) -> None:
    sku = f"IMP-{uuid.uuid4().hex[:8].upper()}"
    sign_in(phone, "office")
    ProductsPage(phone).open()
    phone.get_by_test_id("products-import").click()
    expect(phone).to_have_url(re.compile(r"/products/import/?$"))
    screen = ProductImport(phone)
    bad = f"\ufeffsku;name;category;price\r\n{sku};Чехол;accessory;-1\r\n".encode()
    screen.choose("bad.csv", bad)
    screen.check.click()
    expect(screen.outcome).to_have_attribute("data-outcome", "errors")
    expect(screen.errors).to_have_count(1)
    expect(screen.errors.first).to_contain_text(tr("ru", "products.import.row", row="1"))

    good = f"\ufeffsku;name;category;price\r\n{sku};Чехол «Қара»;accessory;5 990\r\n".encode()
    screen.choose("good.csv", good)
    screen.check.click()
    expect(screen.summary).to_have_text(
        tr("ru", "products.import.preview", created=1, updated=0, unchanged=0)
    )
    assert Api(live_server.url).client.get("/products", params={"sku": sku}).json()["total"] == 0  # a dry run
    screen.apply.click()
    expect(screen.summary).to_have_text(tr("ru", "products.import.done", created=1, updated=0, unchanged=0))
    found = Api(live_server.url).client.get("/products", params={"sku": sku}).json()["items"]
    assert [(p["name"], p["price"]) for p in found] == [("Чехол «Қара»", 5990)]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert unknown_strings(phone, "ru") == []
