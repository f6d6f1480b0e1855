"""A real server process for browser and WebSocket tests: `python -m oppo_kz.serve` on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import PROJECT_ROOT, TEST_ENV
from tests.pg import free_port
from tests.tooling import CHROMIUM_CANDIDATES, find_chromium

# $CHROMIUM_PATH, else the first Chromium/Chrome installed (tests/tooling.py); Debian's path names
# the missing browser in the e2e error when there is none.
CHROMIUM = find_chromium() or CHROMIUM_CANDIDATES[0]
# Chromium (or Chrome) as root, headless, with no calls home (this machine's network is closed).
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


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class LiveServer:
    """`python -m oppo_kz.serve` in a subprocess, on 127.0.0.1, with its own database and build folder."""

    def __init__(
        self, workdir: Path, *, web_workdir: str | None = None, preferred_port: int = PREFERRED_PORT
    ) -> None:
        self.port = preferred_port if _port_is_free(preferred_port) else free_port()
        self.url = f"http://localhost:{self.port}"
        self.db_path = workdir / "e2e.db"
        self.log_path = workdir / "server.log"
        self.env = (
            os.environ
            | TEST_ENV
            | {
                "DATABASE_URL": f"sqlite:///{self.db_path}",
                "PORT": str(self.port),
                # Its own build folder, so tests never disturb the build `make run` serves.
                "REFLEX_WEB_WORKDIR": web_workdir or os.environ.get("E2E_WEB_WORKDIR", ".web-e2e"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.build_ui = True
        self.extra_args: list[str] = []  # e.g. ["--workers", "2"]

    def prepare(self, *, build_ui: bool = True) -> None:
        """Migrate and seed (with one user per role), and build the UI for this port."""
        self.build_ui = build_ui
        for args in (
            ["-m", "oppo_kz.serve", "--check", "--no-build"],
            ["-m", "oppo_kz.seed", "--demo-users"],
        ):
            subprocess.run(
                [sys.executable, *args], cwd=PROJECT_ROOT, env=self.env, check=True, capture_output=True
            )
        if not build_ui:
            return
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
            [
                sys.executable,
                "-m",
                "oppo_kz.serve",
                "--no-build" if self.build_ui else "--api-only",
                "--host",
                "127.0.0.1",
                *self.extra_args,
            ],
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
