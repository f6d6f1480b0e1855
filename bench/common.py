"""What every bench shares: a migrated database with an admin, the production server on a free port
(with its peak memory watched), a login, and wrk with its figures read back."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg import free_port  # noqa: E402

ADMIN_EMAIL = "bench-admin@oppo.kz"
ADMIN_PASSWORD = "Bench-Admin-123!"  # noqa: S105 - a throwaway database
WRK = shutil.which("wrk") or "/usr/bin/wrk"


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "ENV": "dev"}
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def create_admin(url: str) -> None:
    code = (
        "from oppo_kz.core.db import session_scope\n"
        "from oppo_kz.core.security import hash_password\n"
        "from oppo_kz.domains import load_models\nload_models()\nfrom oppo_kz.users.models import Role, User\n"
        "with session_scope(write=True) as s:\n"
        f"    s.add(User(email={ADMIN_EMAIL!r}, full_name='Bench Admin', role=Role.admin,\n"
        f"               password_hash=hash_password({ADMIN_PASSWORD!r})))\n"
        "    s.commit()\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "ENV": "dev", "BCRYPT_ROUNDS": "4"}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


# --- the server ---------------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    peak_rss: int = 0
    peak_uss: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def watch_memory(self) -> None:
        def sample() -> None:
            try:
                root = psutil.Process(self.proc.pid)
            except psutil.NoSuchProcess:
                return
            tick = 0
            while not self._stop.is_set():
                with contextlib.suppress(psutil.Error):
                    procs = [root, *root.children(recursive=True)]
                    self.peak_rss = max(self.peak_rss, sum(p.memory_info().rss for p in procs))
                    if tick % 10 == 0:  # reading smaps is slower; twice a second is enough
                        self.peak_uss = max(self.peak_uss, sum(p.memory_full_info().uss for p in procs))
                tick += 1
                time.sleep(0.05)

        threading.Thread(target=sample, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.proc.wait()

    def _signal(self, sig: int) -> None:
        """The whole process group when the server leads one (a launcher such as the venv's `node`
        wrapper starts the real process as its child), else the process alone."""
        try:
            if os.getpgid(self.proc.pid) == self.proc.pid:
                os.killpg(self.proc.pid, sig)
                return
        except ProcessLookupError:
            return
        self.proc.send_signal(sig)


def start_server(
    database_url: str,
    workdir: Path,
    *,
    ui: bool = False,
    root: Path = ROOT,
    extra_env: dict[str, str] | None = None,
) -> Server:
    """The production server on a free port: API only, or with the UI (built first, in .web-bench).

    `root` is the checkout to serve (another worktree, to compare before and after in one run).
    """
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "ENV": "prod",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ACCESS_TOKEN_MINUTES": "240",
        "PYTHONUNBUFFERED": "1",
        "REFLEX_WEB_WORKDIR": ".web-bench",
        **(extra_env or {}),
    }
    log_path = workdir / f"server-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "oppo_kz.serve", "--host", "127.0.0.1", *([] if ui else ["--api-only"])],
            cwd=root,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # The UI build bakes in http://localhost:PORT, so browsers must use that address.
    server = Server(f"http://{'localhost' if ui else '127.0.0.1'}:{port}", proc, log_path)
    deadline = time.monotonic() + (900 if ui else 120)  # the first UI build installs npm packages
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"the server exited ({proc.returncode}); see {log_path}:\n{log_path.read_text()[-3000:]}"
            )
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                server.watch_memory()
                return server
        time.sleep(0.25)
    server.stop()
    raise SystemExit(f"the server did not answer within 120 s; see {log_path}")


def login(base_url: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


# --- wrk -------------------------------------------------------------------------------------------


@dataclass
class Result:
    p50_ms: float
    p99_ms: float
    rps: float
    errors: int


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    if not found:
        raise ValueError(f"cannot read wrk's latency {text!r}")
    return float(found.group(1)) * _UNIT_MS[found.group(2)]


def run_wrk(
    url: str, token: str, connections: int, duration: int, workdir: Path, *, script: str | None = None
) -> Result:
    """wrk against `url` with the bearer token (or a whole Lua `script` of the caller's)."""
    path = workdir / "auth.lua"
    path.write_text(script or f'wrk.headers["Authorization"] = "Bearer {token}"\n')
    cmd = [WRK, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(path), url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    if not (p50 and p99 and rps):
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(x) for x in re.findall(r"\d+", socket_errors.group(0)))
    return Result(_ms(p50.group(1)), _ms(p99.group(1)), float(rps.group(1)), errors)


def check_route(base_url: str, path: str, token: str) -> str:
    """Call a route once; return a short note (total and items) and fail loudly on an error."""
    response = httpx.get(base_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}: {response.text[:300]}")
    body = response.json()
    return f"total={body['total']} items={len(body['items'])}" if "items" in body else ""
