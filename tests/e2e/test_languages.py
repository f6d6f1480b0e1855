"""Russian, Kazakh and English: every visible string from the catalogs, and the choice follows the person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from oppo_kz.ui.i18n import tr
from tests.e2e.catalog_check import unknown_strings
from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.login_page import LoginPage
from tests.e2e.pages.product_form_page import ProductFormPage
from tests.e2e.pages.products_page import ProductsPage
from tests.e2e.pages.shell import Shell


def _choose_language(page: Page, lang: str) -> None:
    page.get_by_test_id("lang-switch").select_option(lang)
    expect(page.locator("html")).to_have_attribute("lang", lang)


def _check(page: Page, lang: str, where: str, found: dict[str, list[str]]) -> None:
    page.wait_for_timeout(150)  # let the last delta paint
    if missing := unknown_strings(page, lang):
        found[where] = missing


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_every_visible_string_is_in_the_catalogs(browser: Browser, live_server, lang: str) -> None:
    found: dict[str, list[str]] = {}
    page = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 860}).new_page()
    login = LoginPage(page).open()
    _choose_language(page, lang)
    login.sign_in(f"nobody.{lang}@oppo.kz", "wrong-password")
    expect(login.error).to_be_visible()
    _check(page, lang, "/login", found)

    sign_in(page, "admin")
    products = ProductsPage(page).open("category=tablet&price_min=1000&sort=-price")
    _check(page, lang, "/products", found)
    products.open("q=no-such-product")
    expect(products.no_matches).to_be_visible()
    _check(page, lang, "/products (no matches)", found)

    form = ProductFormPage(page).open("new")
    form.fill(sku="bad sku", price="-1", stock="x")
    form.save.click()
    expect(form.error("name")).to_be_visible()
    _check(page, lang, "/products/new (errors)", found)
    form.open(products_first_id(page))
    form.delete.click()
    _check(page, lang, "/products/{id} (delete?)", found)
    page.get_by_test_id("cancel-delete").click()

    page.goto("/users")
    page.get_by_test_id("user-set-password").first.click()
    page.get_by_test_id("password-save").click()
    expect(page.get_by_test_id("password-error")).to_be_visible()
    _check(page, lang, "/users (new password)", found)

    page.goto("/no-such-page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    _check(page, lang, "404", found)

    promoter = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    ).new_page()
    promoter.add_init_script(f"localStorage.setItem('oppo_lang', '{lang}')")
    sign_in(promoter, "promoter")
    ProductFormPage(promoter).open_read_only(products_first_id(promoter))
    Shell(promoter).menu.click()
    expect(Shell(promoter).products_link).to_be_visible()
    _check(promoter, lang, "/products/{id} read-only, phone menu", found)
    promoter.context.close()
    page.context.close()
    assert found == {}


def products_first_id(page: Page) -> int:
    table = ProductsPage(page).open()
    table.expect_view(r"/products/?$")  # not the rows of the view before
    expect(table.rows.first).to_be_visible()
    return table.row_ids()[0]


def test_the_language_follows_the_person_across_reloads_and_devices(
    browser: Browser, live_server, page: Page
) -> None:
    api = Api(live_server.url)
    person = api.create_user("office")
    shell = Shell(page)
    login = LoginPage(page).open()
    expect(page.locator("html")).to_have_attribute("lang", "ru")  # a new visitor: Russian
    expect(login.submit).to_have_text(tr("ru", "auth.login.submit"))
    _choose_language(page, "kk")  # before signing in: the browser keeps it
    expect(login.submit).to_have_text(tr("kk", "auth.login.submit"))
    page.reload()
    expect(login.submit).to_have_text(tr("kk", "auth.login.submit"))

    sign_in(page, "office", email=person["email"], password=person["password"])
    expect(shell.lang_switch).to_have_value("kk")
    _choose_language(page, "en")  # signed in: kept on the user as well
    expect(shell.products_link).to_have_text(tr("en", "nav.products"))
    # The switch's answer (the new language) comes after the save: the account has it now.
    assert Api(live_server.url, email=person["email"], password=person["password"]).me()["locale"] == "en"
    page.reload()
    expect(shell.products_link).to_have_text(tr("en", "nav.products"))

    other = browser.new_context(base_url=live_server.url, locale="ru-RU").new_page()  # another device
    LoginPage(other).open()
    expect(other.locator("html")).to_have_attribute("lang", "ru")
    sign_in(other, "office", email=person["email"], password=person["password"])
    expect(other.locator("html")).to_have_attribute("lang", "en")  # the user's choice wins at sign-in
    expect(Shell(other).products_link).to_have_text(tr("en", "nav.products"))
    expect(Shell(other).lang_switch).to_have_value("en")
    other.context.close()

    kazakh = browser.new_context(base_url=live_server.url, locale="kk-KZ").new_page()  # a Kazakh browser
    LoginPage(kazakh).open()
    expect(kazakh.locator("html")).to_have_attribute("lang", "kk")
    expect(kazakh.get_by_test_id("login-submit")).to_have_text(re.compile(tr("kk", "auth.login.submit")))
    kazakh.context.close()
