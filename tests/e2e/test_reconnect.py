"""The UI survives a server restart: it says it is reconnecting and recovers by itself."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from oppo_kz.ui.i18n import tr
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.login_page import LoginPage
from tests.e2e.pages.products_page import ProductsPage
from tests.e2e.pages.shell import Shell


def test_login_screenshot(page: Page) -> None:
    LoginPage(page).open()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login.png"))


def test_the_table_reconnects_after_a_server_restart(page: Page, live_server) -> None:
    sign_in(page)
    table = ProductsPage(page).open("sort=-price")
    expect(table.rows.first).to_be_visible()
    shell = Shell(page)
    expect(shell.connection_banner).to_have_count(0)

    live_server.stop()
    expect(shell.connection_banner).to_be_visible(timeout=10_000)
    expect(shell.connection_banner).to_have_text(tr("ru", "shell.reconnecting"))
    live_server.start()
    expect(shell.connection_banner).to_have_count(0, timeout=20_000)

    # Still signed in, still live: a change made now reaches the reconnected table.
    expect(shell.current_role).to_have_attribute("data-role", "admin")
    api = Api(live_server.url)
    product = api.create_product(price=9_999_990, name="OPPO Most Expensive After Restart")
    expect(table.row(product["id"])).to_be_visible(timeout=5_000)
