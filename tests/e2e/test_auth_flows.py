"""Sign-in flows in Chromium: the guard, a wrong password, login, logout, role-based pages."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from oppo_kz.seed import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO_USERS
from oppo_kz.ui.i18n import tr
from tests.e2e.pages.login_page import LoginPage
from tests.e2e.pages.shell import Shell

PROMOTER_EMAIL, PROMOTER_PASSWORD = DEMO_USERS[2][0], DEMO_USERS[2][1]


def test_a_visitor_is_sent_to_login_and_back_to_the_page_asked_for(page: Page) -> None:
    page.goto("/users")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fusers$"))
    login = LoginPage(page)
    login.wait_ready()
    login.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(r"/users/?$"))
    expect(page.get_by_test_id("users-table")).to_be_visible()
    expect(Shell(page).current_user).to_have_text(ADMIN_EMAIL)


def test_a_wrong_password_shows_an_error_that_names_no_field(page: Page) -> None:
    login = LoginPage(page).open()
    wrong = tr("ru", "error.invalid_credentials")  # a new visitor reads Russian
    login.sign_in(ADMIN_EMAIL, "not-the-password")
    expect(login.error).to_have_text(wrong)
    expect(page).to_have_url(re.compile(r"/login"))
    login.sign_in("nobody@oppo.kz", ADMIN_PASSWORD)
    expect(login.error).to_have_text(wrong)


def test_login_shows_the_user_and_logout_ends_the_session(page: Page) -> None:
    LoginPage(page).open().sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    shell = Shell(page)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(shell.current_user).to_have_text(ADMIN_EMAIL)
    expect(shell.current_user_name).to_have_text("OPPO KZ Admin")
    expect(shell.current_role).to_have_attribute("data-role", "admin")
    expect(shell.current_role).to_have_text(tr("ru", "role.admin"))
    page.reload()  # the login survives a reload
    expect(shell.current_user).to_have_text(ADMIN_EMAIL)
    shell.logout.click()
    expect(page).to_have_url(re.compile(r"/login/?$"))
    page.goto("/products")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fproducts$"))


def test_a_promoter_has_no_users_page(page: Page) -> None:
    LoginPage(page).open().sign_in(PROMOTER_EMAIL, PROMOTER_PASSWORD)
    shell = Shell(page)
    expect(shell.current_role).to_have_attribute("data-role", "promoter")
    expect(shell.products_link).to_be_visible()
    expect(shell.users_link).to_have_count(0)
    page.goto("/users")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("users-table")).to_have_count(0)


def test_an_admin_creates_a_user_who_can_then_sign_in(page: Page, browser) -> None:
    LoginPage(page).open().sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto("/users")
    page.get_by_test_id("new-user-email").fill("new.office@oppo.kz")
    page.get_by_test_id("new-user-name").fill("Madina Office")
    page.get_by_test_id("new-user-password").fill("Office-Pass-1")
    page.get_by_test_id("new-user-role").select_option("office")
    page.get_by_test_id("new-user-submit").click()
    expect(page.get_by_test_id("users-notice")).to_contain_text("new.office@oppo.kz")
    row = page.locator('[data-testid="user-row"][data-user-email="new.office@oppo.kz"]')
    expect(row).to_be_visible()

    other = browser.new_context(base_url=page.url.split("/users")[0]).new_page()
    LoginPage(other).open().sign_in("new.office@oppo.kz", "Office-Pass-1")
    expect(Shell(other).current_role).to_have_attribute("data-role", "office")
    other.context.close()

    row.get_by_test_id("user-disable").click()
    page.get_by_test_id("confirm-action").click()  # disabling asks first
    expect(row.get_by_test_id("user-enable")).to_be_visible()


def test_signing_out_in_one_tab_signs_out_the_others(page: Page) -> None:
    LoginPage(page).open().sign_in(ADMIN_EMAIL, ADMIN_PASSWORD)
    # Signed in once the header shows it: navigating sooner can cut off the update that stores the
    # login in the browser, and the second tab would then find none.
    expect(Shell(page).current_role).to_have_attribute("data-role", "admin")
    page.goto("/products")
    expect(page.get_by_test_id("product-row").first).to_be_visible()
    other = page.context.new_page()  # same browser: the login is shared
    other.goto("/products")
    expect(Shell(other).current_role).to_have_attribute("data-role", "admin")
    Shell(other).logout.click()
    expect(other).to_have_url(re.compile(r"/login/?$"))
    expect(page).to_have_url(re.compile(r"/login/?$"), timeout=5_000)
