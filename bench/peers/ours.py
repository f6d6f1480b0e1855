"""Our server (this checkout, or another with --before) and the bare FastAPI + psycopg ceiling."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.common import ROOT, Server, login, start_server
from bench.peers.target import READS, WRITE, Target
from bench.products_api import FILTERED
from tests.pg import ThrowawayPostgres, free_port

PATHS: dict[str, str] = {
    "health": "/api/v1/health",
    READS[0]: "/api/v1/products/{id}",
    READS[1]: f"/api/v1/products?{FILTERED}",
    READS[2]: f"/api/v1/products?{FILTERED}&page=500",
    WRITE: "/api/v1/products/{id}",
}


def start_ours(url: str, workdir: Path, name: str = "ours", root: Path = ROOT, **env: str) -> Target:
    server = start_server(url, workdir, root=root, extra_env=env or None)
    return Target(name, server, login(server.url), dict(PATHS))


def capture_sql(url: str, workdir: Path) -> Path:
    """The statements our app sends for a product by id, a filtered page and a deep page (warm caches)."""
    code = f"""
import json, os
from sqlalchemy import event
from oppo_kz.domains import load_models
load_models()
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import get_engine, session_scope
from oppo_kz.products import service as products
from oppo_kz.users.models import Role
actor = Principal(id=1, email="bench@oppo.kz", full_name="Bench", role=Role.admin)
seen = []
event.listen(get_engine(), "before_cursor_execute",
             lambda c, cur, sql, params, ctx, many: seen.append({{"sql": sql, "params": params}}))
def run(fn):
    fn()
    seen.clear()
    fn()  # the second time, as under load: the total comes from the count cache
    return list(seen)
def by_id():
    with session_scope(read_only=True) as s:
        products.get_product_json(session=s, actor=actor, product_id=4242)
def page(params):
    def fn():
        with session_scope(read_only=True) as s:
            products.list_products_json(session=s, actor=actor, query=products.parse_query(params))
    return fn
from urllib.parse import parse_qsl
get = run(by_id)
id_param = next(k for k, v in get[0]["params"].items() if v == 4242)
out = {{"get": get, "get_id_param": id_param,
        "page": run(page(parse_qsl({FILTERED!r}))),
        "deep": run(page(parse_qsl({FILTERED!r} + "&page=500")))}}
print(json.dumps(out, default=str))
"""
    env = {**os.environ, "DATABASE_URL": url, "ENV": "dev"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)
    path = workdir / "ceiling_sql.json"
    path.write_bytes(out.stdout)
    return path


def start_ceiling(url: str, workdir: Path) -> Target:
    """bench/ceiling_app.py on a free port, running the SQL our app sends for each route."""
    sql = capture_sql(url, workdir)
    port = free_port()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    env = {**os.environ, "CEILING_SQL": str(sql), "DATABASE_DSN": dsn}
    log_path = workdir / f"ceiling-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "ceiling_app.py"), str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", proc, log_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/api/v1/health", timeout=2).status_code == 200:
                return Target("ceiling", server, "none", dict(PATHS))
        except httpx.HTTPError:
            time.sleep(0.2)
    server.stop()
    raise SystemExit(f"the ceiling app did not start; see {log_path}")


def _pg_admin(pg: ThrowawayPostgres, sql: str) -> None:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres", autocommit=True
    ) as c:
        c.execute(sql)
        c.execute("SELECT pg_reload_conf()")


def sessions_opened(pg: ThrowawayPostgres, target: Target, n: int, workdir: Path) -> int:
    """New PostgreSQL sessions during 10 s of GET by id at 16 connections (log_connections)."""
    log = pg.root / "log"
    _pg_admin(pg, "ALTER SYSTEM SET log_connections = on")
    time.sleep(0.5)
    before = log.stat().st_size
    target.wrk(READS[0], n, 10, workdir)
    with log.open("rb") as f:
        f.seek(before)
        opened = f.read().count(b"connection authorized")
    _pg_admin(pg, "ALTER SYSTEM RESET log_connections")
    return opened
