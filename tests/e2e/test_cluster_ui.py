"""Two instances behind a load balancer, one PostgreSQL and one Redis (issue 12): a products table
open in the browser follows a change made through the other instance, and when the tab's instance is
killed (SIGKILL) the tab reconnects to the other one, keeps its session and misses no change."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.products_page import ProductsPage
from tests.e2e.pages.shell import Shell
from tests.lb import LoadBalancer
from tests.pg import ThrowawayPostgres, free_port
from tests.redis_server import ThrowawayRedis
from tests.server import LiveServer, _port_is_free

LB_PORT = 3927  # stable, so a warm checkout reuses the UI build (it bakes in this address)


@pytest.fixture(scope="module")
def cluster(
    pg_server: ThrowawayPostgres, redis_server: ThrowawayRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LoadBalancer, LiveServer, LiveServer]]:
    url = pg_server.create_database("e2e_cluster")
    lb_port = LB_PORT if _port_is_free(LB_PORT) else free_port()
    shared = {
        "DATABASE_URL": url,
        "REDIS_URL": redis_server.url,
        "PUBLIC_URL": f"http://localhost:{lb_port}",
    }
    servers = []
    for name in ("a", "b"):
        server = LiveServer(
            tmp_path_factory.mktemp(f"instance-{name}"),
            web_workdir=".web-e2e-cluster",
            preferred_port=free_port(),
        )
        server.env = server.env | shared
        servers.append(server)
    a, b = servers
    lb = LoadBalancer(lb_port, [a.port, b.port])
    try:
        a.prepare()  # migrate, seed, build the UI for the balancer's address (B serves the same build)
        a.start()
        b.start()
        lb.start()
        yield lb, a, b
    finally:
        lb.stop()
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def live_server(cluster: tuple[LoadBalancer, LiveServer, LiveServer]) -> SimpleNamespace:
    return SimpleNamespace(url=cluster[0].url)  # the browser goes through the balancer


def test_a_table_follows_changes_on_either_instance_and_survives_its_instance_being_killed(
    page: Page, cluster: tuple[LoadBalancer, LiveServer, LiveServer]
) -> None:
    _lb, a, b = cluster
    api_a, api_b = Api(a.url), Api(b.url)
    product = api_a.create_product(price=9_999_900, name="OPPO Cluster Phone")
    sign_in(page)
    table = ProductsPage(page).open("sort=-price")
    row = table.row(product["id"])
    expect(row).to_contain_text("OPPO Cluster Phone")
    for api, name in ((api_a, "Renamed via A"), (api_b, "Renamed via B")):
        api.patch_product(product["id"], name=f"OPPO Cluster Phone {name}")
        expect(row).to_contain_text(name, timeout=5_000)

    # Kill every instance's process group but one, whichever the tab was on; the tab moves over.
    shell = Shell(page)
    assert a.proc is not None
    os.killpg(a.proc.pid, signal.SIGKILL)
    a.proc.wait()
    api_b.patch_product(product["id"], name="OPPO Cluster Phone After A Died")
    expect(shell.connection_banner).to_have_count(0, timeout=30_000)
    expect(shell.current_role).to_have_attribute("data-role", "admin")  # still signed in
    expect(row).to_contain_text("After A Died", timeout=15_000)
