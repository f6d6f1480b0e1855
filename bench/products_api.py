"""Benchmark the products API as production serves it, with wrk.

    .venv/bin/python bench/products_api.py [--n 100000] [--db sqlite|postgresql|both] [--duration 10]

For each database: a fresh database with N generated products (bulk insert), `python -m oppo_kz.serve
--api-only` on a free port, a login, then wrk at 1 and 16 connections against the health route (the
ceiling), a filtered and sorted first page, a deep page, and text searches. Prints p50/p99 latency,
requests per second, each list figure as a share of health's throughput in the same run, and the
server's peak RSS. When bench/ws_delivery.py exists, its `run(base_url, token, clients=100)` figures
are printed too. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    WRK,
    Result,
    check_route,
    create_admin,
    login,
    migrate,
    run_wrk,
    start_server,
)
from oppo_kz.products.models import EDITABLE_FIELDS  # noqa: E402
from tests.pg import ThrowawayPostgres  # noqa: E402

# The routes measured; list routes are also shown as a share of health's throughput.
FILTERED = "category=smartphone&price__between=50000,300000&sort=-price"
SCENARIOS: tuple[tuple[str, str], ...] = (
    ("health", "/api/v1/health"),
    ("list filtered+sorted p1", f"/api/v1/products?{FILTERED}"),
    ("list deep page 500", f"/api/v1/products?{FILTERED}&page=500"),
    ("name__contains", "/api/v1/products?name__contains=Reno%2012%20Pro"),
    ("q search", "/api/v1/products?q=find%20x%207"),
    ("q short (LIKE path)", "/api/v1/products?q=5g"),
)

# --- data ------------------------------------------------------------------------------------------

_SERIES = {
    "smartphone": ["Reno", "Find X", "Find N", "A", "K", "F"],
    "tablet": ["Pad", "Pad Air", "Pad Neo"],
    "wearable": ["Watch", "Band"],
    "audio": ["Enco Air", "Enco Buds", "Enco X"],
    "accessory": ["SuperVOOC Charger", "Case", "Cable"],
}
_CATEGORY_WEIGHTS = {"smartphone": 40, "tablet": 15, "wearable": 15, "audio": 15, "accessory": 15}
_SUFFIXES = ["", " Pro", " Pro+", " Lite", " F", " 5G", " Ultra"]
_COLORS = ["Black", "Glow White", "Ocean Blue", "Sunset Pink", "Space Grey", "Aurora Green", "Starry Purple"]
_COLUMNS = (*EDITABLE_FIELDS, "created_at", "updated_at", "version")


def generate_products(n: int, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """N realistic, varied products (the same ones for a given seed); rows in `_COLUMNS` order."""
    rnd = random.Random(seed)
    categories = list(_CATEGORY_WEIGHTS)
    weights = list(_CATEGORY_WEIGHTS.values())
    start = datetime(2022, 1, 1, tzinfo=UTC)
    span = int((datetime(2026, 11, 1, tzinfo=UTC) - start).total_seconds())
    for i in range(1, n + 1):
        category = rnd.choices(categories, weights)[0]
        series = rnd.choice(_SERIES[category])
        color = rnd.choice(_COLORS)
        phone_like = category in ("smartphone", "tablet")
        ram = rnd.choice([4, 6, 8, 12, 16]) if phone_like else None
        storage = rnd.choice([64, 128, 256, 512, 1024]) if phone_like else None
        model = f"{series} {rnd.randint(1, 15)}{rnd.choice(_SUFFIXES)}"
        name = f"OPPO {model}" + (f" {ram}/{storage}GB" if phone_like else "") + f" {color}"
        base = {"smartphone": 400_000, "tablet": 250_000}.get(category, 60_000)
        price = max(1_000, int(rnd.lognormvariate(0, 0.6) * base) // 10 * 10)
        created = start + timedelta(seconds=rnd.randrange(span))
        launch = (created - timedelta(days=rnd.randrange(0, 400))).date() if rnd.random() < 0.9 else None
        yield (
            f"BN-{i:07d}-{rnd.randrange(36**3):03X}",
            name,
            category,
            series,
            color,
            ram,
            storage,
            price,
            rnd.randrange(0, 500),
            rnd.random() < 0.9,
            launch,
            created,
            created,
            1,
        )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # naive UTC, as SQLAlchemy stores it
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def load_sqlite(path: Path, n: int) -> None:
    """Insert N products in one transaction (the FTS triggers index them as they go)."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        sql = f"INSERT INTO products ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"  # noqa: S608 - constant column names
        batch: list[tuple[Any, ...]] = []
        for row in generate_products(n):
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) == 10_000:
                conn.executemany(sql, batch)
                batch.clear()
        conn.executemany(sql, batch)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def load_postgresql(url: str, n: int) -> None:
    """COPY N products in, then VACUUM (FREEZE, ANALYZE), as autovacuum would a little later."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur, cur.copy(f"COPY products ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in generate_products(n):
                copy.write_row(row)
        conn.commit()
        conn.autocommit = True
        # FREEZE marks every page all-visible at once (index-only scans), so autovacuum has no reason
        # to start working on the table in the middle of a measurement.
        conn.execute("VACUUM (FREEZE, ANALYZE) products")


# --- WebSocket figures, when the other half exists ---------------------------------------------------


def ws_delivery_hook() -> Callable[..., Any] | None:
    """`run(base_url, token, clients=100)` from bench/ws_delivery.py, if that module exists."""
    path = Path(__file__).with_name("ws_delivery.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("bench_ws_delivery", path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "run", None)


# --- the run -----------------------------------------------------------------------------------------


def bench_database(kind: str, n: int, duration: int, connections: list[int], workdir: Path, ws: bool) -> None:
    pg: ThrowawayPostgres | None = None
    try:
        started = time.monotonic()
        if kind == "sqlite":
            path = workdir / "bench.db"
            url = f"sqlite:///{path}"
            migrate(url)
            load_sqlite(path, n)
        else:
            pg = ThrowawayPostgres().start()
            url = pg.create_database("bench")
            migrate(url)
            load_postgresql(url, n)
        create_admin(url)
        print(f"\n== {kind}: {n:,} products generated and loaded in {time.monotonic() - started:.1f} s")

        server = start_server(url, workdir)
        try:
            token = login(server.url)
            rows: list[tuple[str, int, Result, str]] = []
            health_rps: dict[int, float] = {}
            for label, route in SCENARIOS:
                note = check_route(server.url, route, token)
                check_route(server.url, route, token)  # warm caches the same way for every scenario
                for c in connections:
                    result = run_wrk(server.url + route, token, c, duration, workdir)
                    if label == "health":
                        health_rps[c] = result.rps
                    rows.append((label, c, result, note))
            _print_table(kind, n, rows, health_rps)
            # RSS counts SQLite's memory-mapped database pages once per connection that touched them;
            # USS is the memory the server process alone holds.
            print(
                f"peak server RSS: {server.peak_rss / 2**20:.0f} MiB, "
                f"USS: {server.peak_uss / 2**20:.0f} MiB"
            )
            run = ws_delivery_hook() if ws else None
            if run is not None:
                print("WebSocket delivery (bench/ws_delivery.py):")
                figures = run(server.url, token, clients=100)
                if figures is not None:
                    print(json.dumps(figures, default=str))
        finally:
            server.stop()
    finally:
        if pg is not None:
            pg.stop()


def _print_table(
    kind: str, n: int, rows: list[tuple[str, int, Result, str]], health: dict[int, float]
) -> None:
    print(
        f"{'route':<26}{'conns':>6}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'of health':>11}{'errors':>8}  result"
    )
    for label, c, r, note in rows:
        share = "" if label == "health" else f"{100 * r.rps / health[c]:.0f}%"
        print(
            f"{label:<26}{c:>6}{r.p50_ms:>9.2f}{r.p99_ms:>9.2f}{r.rps:>9.0f}{share:>11}{r.errors:>8}  {note}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="products to generate (default 100000)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--connections", default="1,16", help="comma-separated wrk connection counts")
    parser.add_argument("--no-ws", action="store_true", help="skip bench/ws_delivery.py even if it exists")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (databases, server logs)")
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    connections = [int(c) for c in args.connections.split(",")]
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    workdir = Path(tempfile.mkdtemp(prefix="oppo-bench-"))
    print(f"{os.cpu_count()} CPUs; wrk -t1, {args.duration} s per run; work folder {workdir}")
    try:
        for kind in kinds:
            bench_database(kind, args.n, args.duration, connections, workdir, ws=not args.no_ws)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
