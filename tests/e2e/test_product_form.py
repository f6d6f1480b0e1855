"""The product form in Chromium: create, edit, validation, conflicts, delete, drafts, roles."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from oppo_kz.ui.i18n import tr
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.product_form_page import ProductFormPage
from tests.e2e.pages.products_page import ProductsPage
from tests.e2e.pages.shell import Shell

LIST_URL = re.compile(r"/products/?(\?.*)?$")
NBSP = "\u00a0"


@pytest.fixture
def api(live_server) -> Api:
    return Api(live_server.url)


def _sku() -> str:
    return f"UI-{uuid.uuid4().hex[:8].upper()}"


def test_an_admin_creates_a_product(page: Page) -> None:
    sign_in(page)
    table = ProductsPage(page).open()
    table.new.click()
    form = ProductFormPage(page)
    expect(form.form).to_be_visible()
    sku = _sku()
    form.fill(
        sku=sku,
        name="OPPO Reno14 F 5G 8/256 GB, Test Green",
        category="smartphone",
        series="Reno",
        color="Test Green",
        ram_gb="8",
        storage_gb="256",
        price="189 990",
        stock="12",
        launch_date="2025-07-01",
    )
    form.save.click()
    # A new product: the browser goes to it (its own URL), and the list has it.
    expect(page).to_have_url(re.compile(r"/products/\d+/?$"))
    expect(form.field("sku")).to_have_value(sku)
    table.open(f"q={sku}")
    expect(table.rows).to_have_count(1)
    expect(table.rows.first.get_by_test_id("product-price")).to_have_text(f"189{NBSP}990{NBSP}₸")


def test_every_invalid_field_is_marked_at_once_in_words_for_people(page: Page) -> None:
    sign_in(page)
    form = ProductFormPage(page).open("new")
    form.fill(sku="BAD SKU WITH SPACES", name="   ", price="-5", stock="lots")
    form.save.click()
    expected = {
        "sku": tr("ru", "products.error.sku_format"),
        "name": tr("ru", "products.error.name_required"),
        "price": tr("ru", "validation.min", limit="0"),
        "stock": tr("ru", "validation.whole_number"),
    }
    for name, text in expected.items():  # all four after one save, not one at a time
        expect(form.error(name)).to_have_text(text)
        expect(form.field(name)).to_have_attribute("aria-invalid", "true")
        expect(form.field(name)).to_have_attribute("aria-describedby", f"field-{name}-error")
    expect(form.field("series")).to_have_attribute("aria-invalid", "false")
    expect(form.field("sku")).to_be_focused()  # the first invalid field
    expect(form.field("sku")).to_have_value("BAD SKU WITH SPACES")
    expect(form.field("price")).to_have_value("-5")
    expect(page).to_have_url(re.compile(r"/products/new"))

    form.fill(sku="UI-FIXED-1", name="OPPO Fixed", stock="3")
    form.save.click()
    expect(form.error("price")).to_be_visible()  # still wrong: still marked, the others cleared
    expect(form.error("sku")).to_have_count(0)
    expect(form.field("price")).to_be_focused()


def test_duplicate_sku_is_reported_on_the_sku_field(page: Page, api: Api) -> None:
    existing = api.create_product()
    sign_in(page)
    form = ProductFormPage(page).open("new")
    form.fill(sku=existing["sku"].lower(), name="Copy", price="1000", stock="1")
    form.save.click()
    expect(form.error("sku")).to_have_text(tr("ru", "products.error.sku_taken"))


def test_an_admin_edits_a_product_and_the_table_shows_it(page: Page, api: Api) -> None:
    product = api.create_product(price=100_000)
    sign_in(page)
    form = ProductFormPage(page).open(product["id"])
    expect(form.field("sku")).to_have_value(product["sku"])
    form.fill(price="111 111", name="OPPO Edited In The Browser")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "product-edit.png"))
    form.save.click()
    expect(page).to_have_url(LIST_URL)
    saved = api.get_product(product["id"]).json()
    assert (saved["price"], saved["name"], saved["version"]) == (111_111, "OPPO Edited In The Browser", 2)


def test_a_concurrent_change_is_not_overwritten_and_can_be_reapplied(page: Page, api: Api) -> None:
    product = api.create_product(price=200_000, stock=5)
    sign_in(page)
    form = ProductFormPage(page).open(product["id"])
    api.patch_product(product["id"], stock=99)  # someone else, meanwhile
    form.fill(price="210 000")
    form.save.click()
    expect(form.conflict).to_be_visible()
    expect(form.message).to_have_text(tr("ru", "products.conflict.message", version=2))
    stock_row = page.locator('[data-testid="conflict-row"][data-field="stock"]')
    expect(stock_row.get_by_test_id("conflict-theirs")).to_have_text("99")
    assert api.get_product(product["id"]).json()["price"] == 200_000  # nothing overwritten

    form.reapply.click()
    expect(form.conflict).to_have_count(0)
    form.save.click()
    expect(page).to_have_url(LIST_URL)
    saved = api.get_product(product["id"]).json()
    assert saved["price"] == 210_000
    assert saved["version"] == 3


def test_delete_asks_for_confirmation(page: Page, api: Api) -> None:
    product = api.create_product()
    sign_in(page)
    form = ProductFormPage(page).open(product["id"])
    form.delete.click()
    page.get_by_test_id("cancel-delete").click()
    assert api.get_product(product["id"]).status_code == 200
    form.delete.click()
    form.confirm_delete.click()
    expect(page).to_have_url(LIST_URL)
    assert api.get_product(product["id"]).status_code == 404


def test_leaving_with_unsaved_changes_keeps_them_as_a_draft(page: Page, api: Api) -> None:
    product = api.create_product(name="OPPO Draft Probe")
    sign_in(page)
    form = ProductFormPage(page).open(product["id"])
    form.field("name").fill("OPPO Draft Probe, renamed")
    form.field("stock").click()  # leave the field
    expect(page.get_by_test_id("product-dirty")).to_be_visible()
    Shell(page).products_link.click()
    expect(page).to_have_url(LIST_URL)
    page.reload()  # drafts live with the tab's server-side state, so a reload keeps them

    ProductFormPage(page).open(product["id"])
    expect(form.draft).to_be_visible()
    expect(form.field("name")).to_have_value("OPPO Draft Probe")
    form.restore_draft.click()
    expect(form.field("name")).to_have_value("OPPO Draft Probe, renamed")
    form.save.click()
    expect(page).to_have_url(LIST_URL)
    assert api.get_product(product["id"]).json()["name"] == "OPPO Draft Probe, renamed"


@pytest.mark.parametrize("role", ["promoter", "supervisor"])
def test_read_only_roles_get_a_read_only_view_that_follows_changes(page: Page, api: Api, role: str) -> None:
    product = api.create_product(price=250_000, stock=3, name="OPPO Read Only Probe")
    sign_in(page, role)
    table = ProductsPage(page).open()
    expect(table.rows.first).to_be_visible()
    expect(table.new).to_have_count(0)
    form = ProductFormPage(page).open_read_only(product["id"])
    expect(page.get_by_test_id("product-read-only")).to_be_visible()
    expect(page.locator("main input, main select, main textarea")).to_have_count(0)  # no disabled inputs
    expect(form.form).to_have_count(0)
    expect(form.save).to_have_count(0)
    expect(form.delete).to_have_count(0)
    expect(form.detail("price")).to_have_text(f"250{NBSP}000{NBSP}₸")  # formatted, not 250000
    expect(form.detail("stock")).to_contain_text(tr("ru", "products.stock.low"))

    api.patch_product(product["id"], price=199_990, stock=0, name="OPPO Renamed Meanwhile")  # someone else
    expect(form.detail("price")).to_have_text(f"199{NBSP}990{NBSP}₸", timeout=3000)
    expect(form.detail("stock")).to_contain_text(tr("ru", "products.stock.zero"))
    expect(page.get_by_role("heading", level=1)).to_have_text("OPPO Renamed Meanwhile")

    page.goto("/products/new")  # may not create: told so, no disabled form
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(form.form).to_have_count(0)


def test_office_creates_and_edits_but_cannot_delete(page: Page, api: Api) -> None:
    product = api.create_product()
    sign_in(page, "office")
    table = ProductsPage(page).open()
    expect(table.new).to_be_visible()
    form = ProductFormPage(page).open(product["id"])
    expect(form.save).to_be_visible()
    expect(form.delete).to_have_count(0)
    form.fill(stock="42")
    form.save.click()
    expect(page).to_have_url(LIST_URL)
    assert api.get_product(product["id"]).json()["stock"] == 42
