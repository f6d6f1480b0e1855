"""An admin on /users: finds people, changes a role and disables after a confirmation, sets a new
password, deletes — and a bad new user is marked in every field at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from oppo_kz.ui.i18n import tr
from tests.e2e.helpers import Api, sign_in


@pytest.fixture
def api(live_server) -> Api:
    return Api(live_server.url)


def test_a_bad_new_user_is_marked_in_every_field_at_once(page: Page) -> None:
    sign_in(page)
    page.goto("/users")
    page.get_by_test_id("new-user-email").fill("not-an-email")
    page.get_by_test_id("new-user-password").fill("short")
    page.get_by_test_id("new-user-submit").click()
    expect(page.get_by_test_id("user-error-email")).to_have_text(tr("ru", "users.error.email"))
    expect(page.get_by_test_id("user-error-password")).to_have_text(tr("ru", "users.error.password"))
    expect(page.get_by_test_id("new-user-email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("new-user-password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("new-user-email")).to_be_focused()


def test_an_admin_finds_re_roles_resets_and_deletes_a_user(page: Page, api: Api, live_server) -> None:
    person = api.create_user("promoter", full_name="Saule Searchable")
    sign_in(page)
    page.goto("/users")
    page.get_by_test_id("users-search").fill("saule search")
    row = page.locator(f'[data-testid="user-row"][data-user-email="{person["email"]}"]')
    expect(page.get_by_test_id("user-row")).to_have_count(1)
    expect(row).to_be_visible()

    row.get_by_test_id("user-role").select_option("supervisor")  # asks first; Cancel changes nothing
    expect(page.get_by_test_id("confirm-action")).to_be_visible()
    page.get_by_test_id("cancel-action").click()
    expect(row.get_by_test_id("user-role")).to_have_value("promoter")
    assert api.client.get(f"/users/{person['id']}").json()["role"] == "promoter"
    row.get_by_test_id("user-role").select_option("supervisor")
    page.get_by_test_id("confirm-action").click()
    expect(page.get_by_test_id("users-notice")).to_have_text(
        tr("ru", "users.notice.role", email=person["email"], role=tr("ru", "role.supervisor"))
    )
    assert api.client.get(f"/users/{person['id']}").json()["role"] == "supervisor"

    row.get_by_test_id("user-set-password").click()
    page.get_by_test_id("new-password").fill("1234")
    page.get_by_test_id("password-save").click()
    expect(page.get_by_test_id("password-error")).to_have_text(tr("ru", "users.error.password"))
    page.get_by_test_id("new-password").fill("A-much-better-one-42")
    page.get_by_test_id("password-save").click()
    expect(page.get_by_test_id("users-notice")).to_contain_text(person["email"])
    assert (
        Api(live_server.url, email=person["email"], password="A-much-better-one-42").me()["id"]
        == person["id"]
    )

    row.get_by_test_id("user-delete").click()
    page.get_by_test_id("confirm-action").click()
    expect(row).to_have_count(0)
    assert api.client.get(f"/users/{person['id']}").status_code == 404
