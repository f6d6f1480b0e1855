"""Our API against a bare FastAPI + psycopg ceiling on the same data, interleaved, as ratios (issue 15).

    .venv/bin/python bench/peers.py [--n 100000] [--rounds 3] [--duration 8] [--before /work/main]
                                    [--no-sqlite]

PostgreSQL: a throwaway server with N products; our server (this checkout, and with --before another
checkout, e.g. main, on the same database), and bench/ceiling_app.py running the SQL our app sends for
each route (captured in-process from the engine). wrk with 16 connections runs each route against each
server in turn, round after round, so the machine's noise falls on all of them alike. Reported: the
median req/s and p99 of the rounds, each figure as a share of the ceiling's and of our own health
route's in the same round, and how many PostgreSQL sessions each server opened during a 10 s run
(log_connections).

SQLite: N products in a file, our server(s), 16 wrk connections each PATCHing random products: p50/p99,
non-2xx answers and whether "database is locked" appears in the server log.

Other peers (Directus, the full-stack template) are not installed here; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    Result,
    Server,
    create_admin,
    login,
    migrate,
    run_wrk,
    start_server,
)
from bench.products_api import FILTERED, load_postgresql, load_sqlite  # noqa: E402
from tests.pg import ThrowawayPostgres, free_port  # noqa: E402

CONNECTIONS = 16
ROUTES: dict[str, str] = {
    "health": "/api/v1/health",
    "GET by id": "/api/v1/products/{id}",
    "list page": f"/api/v1/products?{FILTERED}",
    "deep page": f"/api/v1/products?{FILTERED}&page=500",
    "PATCH one row": "/api/v1/products/{id}",
}


def lua(route: str, token: str, n: int) -> str:
    """A wrk script: the bearer token, a random product per request for {id} routes, PATCH bodies."""
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    path = ROUTES[route]
    if route == "PATCH one row":
        return (
            auth
            + 'wrk.method = "PATCH"\nwrk.headers["Content-Type"] = "application/json"\n'
            + "request = function()\n"
            + f'  return wrk.format(nil, "/api/v1/products/" .. math.random(1, {n}), nil,'
            + " '{\"stock\": ' .. math.random(0, 500) .. '}')\nend\n"
        )
    if "{id}" in path:
        return auth + (
            f'request = function()\n  return wrk.format("GET", "/api/v1/products/" .. math.random(1, {n}))\nend\n'
        )
    return auth


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
        products.get_product(session=s, actor=actor, product_id=4242)
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


def start_ceiling(url: str, sql: Path, workdir: Path) -> Server:
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
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.stop()
    raise SystemExit(f"the ceiling app did not start; see {log_path}")


@dataclass
class Target:
    name: str
    server: Server
    token: str


def wrk(target: Target, route: str, n: int, duration: int, workdir: Path) -> Result:
    script = lua(route, target.token, n)
    path = ROUTES[route].replace("{id}", "1")
    return run_wrk(target.server.url + path, target.token, CONNECTIONS, duration, workdir, script=script)


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
    wrk(target, "GET by id", n, 10, workdir)
    with log.open("rb") as f:
        f.seek(before)
        opened = f.read().count(b"connection authorized")
    _pg_admin(pg, "ALTER SYSTEM RESET log_connections")
    return opened


def bench_postgresql(args: argparse.Namespace, workdir: Path) -> None:
    pg = ThrowawayPostgres().start()
    servers: list[Server] = []
    try:
        url = pg.create_database("peers")
        migrate(url)
        started = time.monotonic()
        load_postgresql(url, args.n)
        create_admin(url)
        print(f"\n== PostgreSQL: {args.n:,} products loaded in {time.monotonic() - started:.0f} s")
        sql = capture_sql(url, workdir)
        ceiling = start_ceiling(url, sql, workdir)
        servers.append(ceiling)
        targets = [Target("ceiling", ceiling, "none")]
        for name, root in [("ours", ROOT), *([("before", args.before)] if args.before else [])]:
            server = start_server(url, workdir, root=root)
            servers.append(server)
            targets.append(Target(name, server, login(server.url)))
        for t in targets:  # warm: the count cache, the login cache, the pools
            for route in ROUTES:
                if route != "PATCH one row":
                    httpx.get(
                        t.server.url + ROUTES[route].replace("{id}", "1"),
                        headers={"Authorization": f"Bearer {t.token}"},
                        timeout=30,
                    )
        results: dict[tuple[str, str], list[Result]] = {}
        for round_no in range(args.rounds):
            for route in ROUTES:
                for t in targets if round_no % 2 == 0 else reversed(targets):
                    results.setdefault((t.name, route), []).append(
                        wrk(t, route, args.n, args.duration, workdir)
                    )
            print(f"  round {round_no + 1}/{args.rounds} done")
        _print_ratios(targets, results)
        print("\nPostgreSQL sessions opened during 10 s of GET by id at 16 connections:")
        for t in targets:
            print(f"  {t.name:<8} {sessions_opened(pg, t, args.n, workdir)}")
    finally:
        for server in servers:
            server.stop()
        pg.stop()


def _print_ratios(targets: list[Target], results: dict[tuple[str, str], list[Result]]) -> None:
    print("\n16 connections, median of rounds; ratios are per round, then the median")
    print(
        f"{'route':<15}{'server':<9}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}{'/ceiling':>10}{'/health':>9}"
    )
    for route in ROUTES:
        for t in targets:
            runs = results[(t.name, route)]
            rps = statistics.median(r.rps for r in runs)
            p50 = statistics.median(r.p50_ms for r in runs)
            p99 = statistics.median(r.p99_ms for r in runs)
            errors = sum(r.errors for r in runs)
            vs_ceiling = statistics.median(
                r.rps / c.rps for r, c in zip(runs, results[("ceiling", route)], strict=True)
            )
            vs_health = statistics.median(
                r.rps / h.rps for r, h in zip(runs, results[(t.name, "health")], strict=True)
            )
            print(
                f"{route:<15}{t.name:<9}{rps:>8.0f}{p50:>8.2f}{p99:>8.1f}{errors:>7}"
                f"{vs_ceiling:>10.2f}{vs_health:>9.2f}"
            )


def bench_sqlite(args: argparse.Namespace, workdir: Path) -> None:
    print(f"\n== SQLite: 16 connections PATCHing random products of {args.n:,}, {args.duration} s each")
    names = [("ours", ROOT), *([("before", args.before)] if args.before else [])]
    for round_no in range(args.rounds):
        for name, root in names if round_no % 2 == 0 else reversed(names):
            folder = workdir / f"sqlite-{name}-{round_no}"
            folder.mkdir()
            path = folder / "bench.db"
            url = f"sqlite:///{path}"
            migrate(url)
            load_sqlite(path, args.n)
            create_admin(url)
            server = start_server(url, folder, root=root)
            try:
                target = Target(name, server, login(server.url))
                result = wrk(target, "PATCH one row", args.n, args.duration, folder)
                locked = "database is locked" in server.log_path.read_text(errors="replace")
            finally:
                server.stop()
            print(
                f"  {name:<7} p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
                f"{result.rps:6.0f} req/s  non-2xx/socket errors {result.errors}  "
                f"'database is locked' in log: {locked}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--before", type=Path, help="another checkout to measure too (e.g. /work/main)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="oppo-peers-"))
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; wrk -t1 -c{CONNECTIONS}")
    try:
        if not args.no_postgresql:
            bench_postgresql(args, workdir)
        if not args.no_sqlite:
            bench_sqlite(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"load_average_after": os.getloadavg()[0]}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
