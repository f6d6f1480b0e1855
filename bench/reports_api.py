"""Benchmark the report endpoints and the sales export at scale, as production serves them.

    .venv/bin/python bench/reports_api.py [--n 1000000] [--db sqlite|postgresql|both] [--duration 10]

For each database: the demo sell-out's stores, staff and assignments, then N generated sales over the
last 90 days bulk-loaded (bench/sales_api.py's loader); `python -m oppo_kz.serve --api-only` on a free
port; wrk at one client against health (the ceiling) and the reports head office and a supervisor
read — by day over 90 days, by store, by product, the month's targets — each figure also as a share
of health's throughput in the same run; then one export of every sale as CSV (rows/s, and the
server's peak RSS while streaming it).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import WRK, login, run_wrk, start_server  # noqa: E402
from bench.sales_api import _token, _world, prepare  # noqa: E402
from tests.pg import ThrowawayPostgres  # noqa: E402


def _measure(base_url: str, world: dict, duration: int, workdir: Path) -> None:
    admin = login(base_url)
    supervisor = _token(base_url, world["emails"][world["supervisor"]], "Supervisor123!")
    today = (datetime.now(UTC) + timedelta(hours=5)).date()
    start = today - timedelta(days=89)
    period = f"date_from={start}&date_to={today}"
    reads = (
        ("health", "/api/v1/health", admin),
        ("office: by day, 90 days", f"/api/v1/reports/sales?group_by=day&{period}", admin),
        ("office: by store, all", "/api/v1/reports/sales?group_by=store", admin),
        ("office: by product, 90 days", f"/api/v1/reports/sales?group_by=product&{period}", admin),
        ("office: this month's targets", f"/api/v1/reports/targets?month={today:%Y-%m}", admin),
        ("supervisor: by day, 90 days", f"/api/v1/reports/sales?group_by=day&{period}", supervisor),
        ("supervisor: by store, all", "/api/v1/reports/sales?group_by=store", supervisor),
    )
    health = 0.0
    print(f"{'route':<34}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'of health':>11}  errors")
    for label, route, token in reads:
        httpx.get(
            base_url + route, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ).raise_for_status()
        result = run_wrk(base_url + route, token, 1, duration, workdir)
        health = result.rps if label == "health" else health
        share = "" if label == "health" else f"{100 * result.rps / health:.1f} %"
        print(
            f"{label:<34}{result.p50_ms:>9.2f}{result.p99_ms:>9.2f}{result.rps:>9.1f}{share:>11}  {result.errors}"
        )


def _export(base_url: str, n: int) -> None:
    admin = login(base_url)
    started = time.monotonic()
    size = lines = 0
    with httpx.stream(
        "GET", f"{base_url}/api/v1/sales/export?format=csv&sort=id",
        headers={"Authorization": f"Bearer {admin}"}, timeout=600,
    ) as response:  # fmt: skip
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
            lines += chunk.count(b"\n")
    seconds = time.monotonic() - started
    rows = lines - 1
    print(
        f"export CSV: {rows:,} rows (expected {n:,}), {size / 2**20:.0f} MiB in {seconds:.1f} s = {rows / seconds:,.0f} rows/s"
    )


def bench_database(
    kind: str, n: int, duration: int, workdir: Path, *, reuse: Path | None = None, export: bool = True
) -> None:
    pg: ThrowawayPostgres | None = None
    try:
        started = time.monotonic()
        if reuse is not None:  # a SQLite file an earlier run loaded (its work folder's reports.db)
            url = f"sqlite:///{reuse}"
            world = _world(url, clear=False)
            print(f"\n== sqlite: reusing {reuse}")
        elif kind == "sqlite":
            url = f"sqlite:///{workdir / 'reports.db'}"
        else:
            pg = ThrowawayPostgres().start()
            url = pg.create_database("reports_bench")
        if reuse is None:
            world = prepare(kind, url, n, started)
        server = start_server(url, workdir)
        try:
            _measure(server.url, world, duration, workdir)
            before = server.peak_rss
            if not export:
                return
            _export(server.url, n)
            print(
                f"peak server RSS: {before / 2**20:.0f} MiB before the export, {server.peak_rss / 2**20:.0f} MiB with it"
            )
        finally:
            server.stop()
    finally:
        if pg is not None:
            pg.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="sales to generate (default 1000000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--reuse-sqlite", type=Path, help="measure this loaded SQLite file (no load)")
    parser.add_argument("--no-export", action="store_true", help="skip the 1M-row CSV export")
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="oppo-reports-bench-"))
    print(f"wrk -t1 -c1; {args.duration} s per run; work folder {workdir}")
    if args.reuse_sqlite is not None:
        bench_database(
            "sqlite", args.n, args.duration, workdir, reuse=args.reuse_sqlite, export=not args.no_export
        )
        return 0
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        bench_database(kind, args.n, args.duration, workdir, export=not args.no_export)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
