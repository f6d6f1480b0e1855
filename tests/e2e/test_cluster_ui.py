"""Two instances, one PostgreSQL and one Redis (issue 12): a products table open in the browser on
instance B follows a change made through instance A's API, and after a reconnect it misses nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.products_page import ProductsPage
from tests.e2e.pages.shell import Shell
from tests.pg import ThrowawayPostgres, free_port
from tests.redis_server import ThrowawayRedis
from tests.server import LiveServer


@pytest.fixture(scope="module")
def instances(
    pg_server: ThrowawayPostgres, redis_server: ThrowawayRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """B serves the UI the browser opens; A, API only, shares its database and Redis."""
    url = pg_server.create_database("e2e_cluster")
    shared = {"DATABASE_URL": url, "REDIS_URL": redis_server.url}
    # Its own build folder and stable port: the session's server may hold 3917 (the build bakes the port in).
    b = LiveServer(tmp_path_factory.mktemp("instance-b"), web_workdir=".web-e2e-cluster", preferred_port=3927)
    b.env = b.env | shared
    a = LiveServer(tmp_path_factory.mktemp("instance-a"), preferred_port=free_port())
    a.env = a.env | shared
    a.build_ui = False
    try:
        b.prepare()
        b.start()
        a.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture(scope="module")
def live_server(instances: tuple[LiveServer, LiveServer]) -> LiveServer:
    return instances[1]  # the browser's instance (tests/e2e/conftest.py's context uses it)


def test_a_table_open_on_b_follows_a_patch_made_via_a_and_resumes_after_b_restarts(
    page: Page, instances: tuple[LiveServer, LiveServer]
) -> None:
    a, b = instances
    api_a = Api(a.url)
    product = api_a.create_product(price=9_999_900, name="OPPO Cluster Phone")
    sign_in(page)
    table = ProductsPage(page).open("sort=-price")
    row = table.row(product["id"])
    expect(row).to_contain_text("OPPO Cluster Phone")

    api_a.patch_product(product["id"], name="OPPO Cluster Phone Renamed via A")
    expect(row).to_contain_text("Renamed via A", timeout=5_000)

    # B goes away; a change made on A meanwhile shows once the tab is back (state kept in Redis).
    shell = Shell(page)
    b.stop()
    expect(shell.connection_banner).to_be_visible(timeout=10_000)
    api_a.patch_product(product["id"], name="OPPO Cluster Phone Changed While B Was Down")
    b.start()
    expect(shell.connection_banner).to_have_count(0, timeout=30_000)
    expect(shell.current_role).to_have_attribute("data-role", "admin")
    expect(row).to_contain_text("Changed While B Was Down", timeout=10_000)
