"""Browser tests: a production build served on a free port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import PROJECT_ROOT, TEST_ENV
from tests.pg import free_port

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PREFERRED_PORT = 3917  # a stable port lets a warm checkout reuse its e2e build
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


def _port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class LiveServer:
    """`python -m oppo_kz.serve` in a subprocess, on 127.0.0.1, with its own database and build folder."""

    def __init__(self, workdir: Path) -> None:
        self.port = PREFERRED_PORT if _port_is_free(PREFERRED_PORT) else free_port()
        self.url = f"http://localhost:{self.port}"
        self.db_path = workdir / "e2e.db"
        self.log_path = workdir / "server.log"
        self.env = os.environ | TEST_ENV | {
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            "PORT": str(self.port),
            "REFLEX_WEB_WORKDIR": ".web-e2e",
            "PYTHONUNBUFFERED": "1",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def prepare(self) -> None:
        """Migrate and seed (with one user per role), and build the UI for this port."""
        for args in (["-m", "oppo_kz.serve", "--check", "--no-build"], ["-m", "oppo_kz.seed", "--demo-users"]):
            subprocess.run([sys.executable, *args], cwd=PROJECT_ROOT, env=self.env, check=True, capture_output=True)
        with self.log_path.open("ab") as log:
            subprocess.run(
                [sys.executable, "-m", "oppo_kz.serve", "--check"],
                cwd=PROJECT_ROOT,
                env=self.env,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=900,
            )

    def start(self, timeout: float = 60) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oppo_kz.serve", "--no-build", "--host", "127.0.0.1"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("e2e"))
    server.prepare()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 860}, locale="ru-KZ")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
