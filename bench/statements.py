"""Count the SQL statements a request sends, from PostgreSQL's own statement log.

    .venv/bin/python bench/statements.py [--before /work/main] [--requests 5]

A throwaway PostgreSQL with a few products; the server of this checkout (and, with --before, of another
checkout, on the same database) signs in and is warmed up; then `log_statement=all` is switched on and
each route is called --requests times in a row. The log lines of the app's connections
(application_name=oppo_kz) between markers are counted per request and the distinct statements shown.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import create_admin, login, migrate, start_server  # noqa: E402
from bench.products_api import FILTERED, load_postgresql  # noqa: E402
from tests.pg import ThrowawayPostgres  # noqa: E402

ROUTES = (
    ("GET /products/{id}", "GET", "/api/v1/products/7", None),
    ("GET /products (filtered page)", "GET", f"/api/v1/products?{FILTERED}", None),
    ("GET /products (deep page)", "GET", f"/api/v1/products?{FILTERED}&page=500", None),
    ("PATCH /products/{id}", "PATCH", "/api/v1/products/9", {"stock": 5}),
)
_LINE = re.compile(
    r"^\S+ \S+ \S+ \[(?P<pid>\d+)\] (?P<app>\S*) LOG:  (?:statement|execute [^:]*): (?P<sql>.*)$"
)


def _admin_conn(pg: ThrowawayPostgres) -> psycopg.Connection:
    return psycopg.connect(f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres", autocommit=True)


def _logging(pg: ThrowawayPostgres, on: bool) -> None:
    with _admin_conn(pg) as conn:
        if on:
            conn.execute("ALTER SYSTEM SET log_statement = 'all'")
            conn.execute("ALTER SYSTEM SET log_line_prefix = '%m [%p] %a '")
        else:
            conn.execute("ALTER SYSTEM RESET log_statement")
        conn.execute("SELECT pg_reload_conf()")
    time.sleep(0.5)


def _marker(pg: ThrowawayPostgres, text: str) -> None:
    with _admin_conn(pg) as conn:
        conn.execute(f"SELECT 'marker:{text}'")


def count(
    pg: ThrowawayPostgres, base_url: str, token: str, requests: int, label: str, full: bool = False
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
        for _name, method, path, body in ROUTES:  # warm every cache the same way
            client.request(method, path, json=body).raise_for_status()
        _logging(pg, True)
        for name, method, path, body in ROUTES:
            _marker(pg, f"{label}:{name}")
            for i in range(requests):
                sent = {"stock": body["stock"] + i + 1} if body else None  # a real change each time
                client.request(method, path, json=sent).raise_for_status()
            _marker(pg, f"{label}:end")
        _logging(pg, False)
    log = (pg.root / "log").read_text(errors="replace").splitlines()
    print(f"\n== {label}")
    for name, _method, _path, _body in ROUTES:
        start = next(i for i, line in enumerate(log) if f"marker:{label}:{name}'" in line)
        end = next(i for i in range(start, len(log)) if f"marker:{label}:end'" in log[i])
        statements = [
            m["sql"] for line in log[start:end] if (m := _LINE.match(line)) and m["app"] == "oppo_kz"
        ]
        shapes: dict[str, int] = {}
        for sql in statements:
            shape = re.sub(r"\s+", " ", sql)[: None if full else 110]
            shapes[shape] = shapes.get(shape, 0) + 1
        print(f"{name}: {len(statements) / requests:.1f} statements per request")
        for shape, n in shapes.items():
            print(f"    {n / requests:.1f} x {shape}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another checkout to count first (e.g. /work/main)")
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--full", action="store_true", help="print whole statements")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="oppo-stmts-"))
    pg = ThrowawayPostgres().start()
    try:
        url = pg.create_database("stmts")
        migrate(url)
        load_postgresql(url, 20_000)
        create_admin(url)
        roots = [("before", args.before)] if args.before else []
        for label, root in [*roots, ("after", ROOT)]:
            server = start_server(url, workdir, root=root)
            try:
                count(pg, server.url, login(server.url), args.requests, label, args.full)
            finally:
                server.stop()
    finally:
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
