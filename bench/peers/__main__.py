"""Our API against Directus 11 and a bare FastAPI + psycopg ceiling, on the same data, interleaved.

    .venv/bin/python bench/peers [--n 100000] [--rounds 3] [--duration 8] [--before /work/main]
                                 [--directus DIR | --no-directus] [--no-sqlite] [--no-postgresql]

PostgreSQL: one throwaway server with N products serves ours (this checkout, and with --before another
checkout on the same database), Directus (bench/peers/directus.py: same database, same `products`
table) and bench/ceiling_app.py (the SQL our app sends for each route, nothing else). wrk with 16
connections runs GET by id, a filtered list page, a deep page and a one-row PATCH against each in
turn, round after round (the order flips every round), and prints medians and ratios ours ÷ peer taken
round by round; then how many PostgreSQL sessions each opened during 10 s of GET by id.

SQLite: one file with N products serves ours and Directus the same way (no ceiling), and ours once
more with its in-process writer queue switched off (SQLITE_WRITER_QUEUE_DISABLED=1) to show what the
queue does to 16 concurrent writers: every round's PATCH p50/p99, non-2xx answers and whether
"database is locked" appeared in a server log.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.common import create_admin, migrate  # noqa: E402
from bench.peers import directus  # noqa: E402
from bench.peers.ours import sessions_opened, start_ceiling, start_ours  # noqa: E402
from bench.peers.report import interleave, print_rounds, print_table  # noqa: E402
from bench.peers.target import CONNECTIONS, READS, WRITE, Target  # noqa: E402
from bench.products_api import load_postgresql, load_sqlite  # noqa: E402
from tests.pg import ThrowawayPostgres  # noqa: E402

ROUTES = ["health", *READS, WRITE]


def warm(targets: list[Target], n: int, workdir: Path) -> None:
    """The count cache, the login cache, the pools, Directus's schema: one call of each read; then
    3 s of writes (without it the first round's PATCH measured every server's cold start too)."""
    for t in targets:
        for route in ROUTES[:-1]:
            answer = httpx.get(t.url(route), headers={"Authorization": f"Bearer {t.token}"}, timeout=60)
            if answer.status_code != 200:
                raise SystemExit(f"{t.name} {route}: {answer.status_code} {answer.text[:300]}")
        t.wrk(WRITE, n, 3, workdir)


def bench_postgresql(args: argparse.Namespace, workdir: Path) -> None:
    pg = ThrowawayPostgres().start()
    targets: list[Target] = []
    try:
        url = pg.create_database("peers")
        migrate(url)
        started = time.monotonic()
        load_postgresql(url, args.n)
        create_admin(url)
        print(
            f"\n== PostgreSQL: {args.n:,} products loaded in {time.monotonic() - started:.0f} s", flush=True
        )
        targets.append(start_ours(url, workdir))
        if args.before:
            targets.append(start_ours(url, workdir, "before", root=args.before))
        if args.directus:
            targets.append(directus.start(args.directus, url, workdir))
        targets.append(start_ceiling(url, workdir))
        warm(targets, args.n, workdir)
        results = interleave(targets, ROUTES, args.rounds, args.n, args.duration, workdir)
        print_table(targets, ROUTES, results)
        print("\nPostgreSQL sessions opened during 10 s of GET by id at 16 connections:")
        for t in targets:
            print(f"  {t.name:<10} {sessions_opened(pg, t, args.n, workdir)}")
    finally:
        for t in targets:
            t.server.stop()
        pg.stop()


def bench_sqlite(args: argparse.Namespace, workdir: Path) -> None:
    folder = workdir / "sqlite"
    folder.mkdir()
    path = folder / "bench.db"
    url = f"sqlite:///{path}"
    migrate(url)
    load_sqlite(path, args.n)
    create_admin(url)
    print(f"\n== SQLite: {args.n:,} products in one file", flush=True)
    targets: list[Target] = []
    try:
        targets.append(start_ours(url, folder))
        targets.append(start_ours(url, folder, "ours-noqueue", SQLITE_WRITER_QUEUE_DISABLED="1"))
        if args.directus:
            targets.append(directus.start(args.directus, url, folder))
        warm(targets, args.n, workdir)
        results = interleave(targets, ROUTES, args.rounds, args.n, args.duration, workdir)
        print_table(targets, ROUTES, results)
        print(f"\nSQLite, {CONNECTIONS} connections PATCHing random products:")
        print_rounds(results, WRITE)
        for t in targets:
            log = t.server.log_path.read_text(errors="replace")
            print(f"  {t.name:<12} 'database is locked' / SQLITE_BUSY in its log: {_locked(log)}")
    finally:
        for t in targets:
            t.server.stop()


def _locked(log: str) -> bool:
    return "database is locked" in log or "SQLITE_BUSY" in log


def _directus_folder(args: argparse.Namespace) -> Path | None:
    if args.no_directus:
        return None
    folder = Path(args.directus or directus.default_dir()).resolve()
    if why := directus.missing(folder):
        print(f"Directus is left out: {why}", flush=True)
        return None
    print(f"Directus {directus.version(folder)} from {folder}")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--before", type=Path, help="another checkout to measure too (e.g. /work/main)")
    parser.add_argument(
        "--directus", type=Path, help="folder with node_modules/directus (npm install directus@11)"
    )
    parser.add_argument("--no-directus", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgresql", action="store_true")
    args = parser.parse_args(argv)
    args.directus = _directus_folder(args)
    workdir = Path(tempfile.mkdtemp(prefix="oppo-peers-"))
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; wrk -t1 -c{CONNECTIONS}", flush=True
    )
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
