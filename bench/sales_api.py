"""Benchmark the sales API at scale, with wrk, as production serves it.

    .venv/bin/python bench/sales_api.py [--n 1000000] [--db sqlite|postgresql|both] [--duration 10]

For each database: the demo sell-out's stores, staff and assignments (python -m oppo_kz.seed --demo),
then N generated sales bulk-loaded; `python -m oppo_kz.serve --api-only` on a free port; wrk at one
client against health (the ceiling), a promoter's and a supervisor's scoped first page, the
supervisor's review queue and head office's page; then `POST /sales` from 16 promoters at once
(16 wrk threads, a promoter and fresh valid IMEIs each). Prints p50/p99, requests per second, each
figure as a share of health's throughput in the same run, and checks that every 201 is a stored
sale and that no request failed with "database is locked".
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import WRK, Result, create_admin, login, migrate, run_wrk, start_server  # noqa: E402
from tests.pg import ThrowawayPostgres  # noqa: E402

SALE_COLUMNS = (
    "store_id",
    "promoter_id",
    "product_id",
    "imei",
    "quantity",
    "unit_price",
    "amount",
    "sold_at",
    "sale_date",
    "payment_type",
    "status",
    "created_by_id",
    "created_at",
    "updated_at",
    "version",
)
DEMO_PASSWORD = "Promoter123!"  # noqa: S105 - the demo logins
WRITERS = 16


def _seed_world(url: str) -> None:
    import subprocess

    env = {"DATABASE_URL": url, "PATH": str(Path(sys.executable).parent)}
    subprocess.run(
        [sys.executable, "-m", "oppo_kz.seed", "--demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def _world(url: str, *, clear: bool = True) -> dict[str, Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("sqlite:///", "sqlite:///", 1))
    with engine.connect() as conn:
        works = conn.execute(text("SELECT user_id, store_id FROM assignments WHERE ends_on IS NULL")).all()
        phones = conn.execute(
            text("SELECT id, price FROM products WHERE is_active AND category = 'smartphone'")
        ).all()
        emails: dict[int, str] = {
            int(uid): str(email) for uid, email in conn.execute(text("SELECT id, email FROM users"))
        }
        boss = conn.execute(
            text("SELECT supervisor_id FROM stores WHERE supervisor_id IS NOT NULL LIMIT 1")
        ).scalar()
        if clear:
            conn.execute(text("DELETE FROM sales"))
            conn.commit()
    engine.dispose()
    return {"works": works, "phones": phones, "emails": emails, "supervisor": boss}


def _sales(world: dict[str, Any], n: int) -> Any:
    rng = random.Random(7)
    today = datetime.now(UTC)
    statuses = ["approved"] * 90 + ["pending"] * 7 + ["rejected"] * 3
    for i in range(n):
        promoter, store = world["works"][i % len(world["works"])]
        product, price = rng.choice(world["phones"])
        sold_at = today - timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        local = sold_at + timedelta(hours=5)
        body = f"99{i:012d}"
        yield (
            store,
            promoter,
            product,
            body + str(_luhn(body)),
            1,
            price,
            price,
            sold_at,
            local.date(),
            "kaspi",
            rng.choice(statuses),
            promoter,
            sold_at,
            sold_at,
            1,
        )


def _luhn(body: str) -> int:
    from oppo_kz.sales.imei import luhn_check_digit

    return luhn_check_digit(body)


def load_sales(kind: str, url: str, world: dict[str, Any], n: int) -> None:
    if kind == "sqlite":
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        rows = (
            (
                *r[:7],
                r[7].replace(tzinfo=None).isoformat(sep=" "),
                r[8].isoformat(),
                *r[9:12],
                r[12].replace(tzinfo=None).isoformat(sep=" "),
                r[13].replace(tzinfo=None).isoformat(sep=" "),
                r[14],
            )
            for r in _sales(world, n)
        )
        conn.executemany(
            f"INSERT INTO sales ({', '.join(SALE_COLUMNS)}) VALUES ({', '.join('?' * len(SALE_COLUMNS))})",  # noqa: S608
            rows,
        )
        conn.commit()
        conn.close()
    else:
        import psycopg

        columns = ", ".join(SALE_COLUMNS)
        with (
            psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as pg,
            pg.cursor().copy(f"COPY sales ({columns}) FROM STDIN") as copy,
        ):
            for row in _sales(world, n):
                copy.write_row(row)
    _rebuild_summaries(url)


def _rebuild_summaries(url: str) -> None:
    """The loader wrote past the ORM: rebuild the reports' daily summaries, then ANALYZE."""
    import subprocess

    env = {"DATABASE_URL": url, "PATH": str(Path(sys.executable).parent)}
    subprocess.run([sys.executable, "-m", "oppo_kz.sales.rebuild"], cwd=ROOT, env=env, check=True)
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    engine.dispose()


def prepare(kind: str, url: str, n: int, started: float) -> dict[str, Any]:
    """Migrate, add the bench admin and the demo world, load `n` sales; the world (who works where)."""
    migrate(url)
    create_admin(url)
    _seed_world(url)
    world = _world(url)
    load_sales(kind, url, world, n)
    print(f"\n== {kind}: {n:,} sales loaded in {time.monotonic() - started:.1f} s")
    return world


def _token(base_url: str, email: str, password: str = DEMO_PASSWORD) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


POST_SCRIPT = """
local tokens = {%(tokens)s}
local stores = {%(stores)s}
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("me", counter)
  table.insert(threads, thread)
end
function init(args)
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. tokens[me]
end
local function luhn(body)
  local sum = 0
  for i = #body, 1, -1 do
    local d = tonumber(body:sub(i, i))
    if (#body - i) %% 2 == 0 then d = d * 2; if d > 9 then d = d - 9 end end
    sum = sum + d
  end
  return (10 - sum %% 10) %% 10
end
function request()
  n = n + 1
  local body = string.format("77%%02d%%010d", me, n)
  local imei = body .. luhn(body)
  return wrk.format(nil, nil, nil, string.format('{"store_id": %%d, "product_id": %(product)d, "imei": "%%s"}', stores[me], imei))
end
"""


def bench_writes(
    base_url: str, world: dict[str, Any], duration: int, workdir: Path
) -> tuple[Result, int, int]:
    writers = world["works"][:WRITERS]
    tokens = [_token(base_url, world["emails"][promoter]) for promoter, _store in writers]
    script = workdir / "post.lua"
    script.write_text(
        POST_SCRIPT
        % {
            "tokens": ", ".join(f'"{t}"' for t in tokens),
            "stores": ", ".join(str(store) for _promoter, store in writers),
            "product": world["phones"][0][0],
        }
    )
    import re
    import subprocess

    out = subprocess.run(
        [
            WRK,
            f"-t{WRITERS}",
            f"-c{WRITERS}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            f"{base_url}/api/v1/sales",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    from bench.common import _ms

    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if not (p50 and p99 and rps and total):
        raise SystemExit(f"cannot read wrk's output:\n{out}")
    result = Result(
        _ms(p50.group(1)), _ms(p99.group(1)), float(rps.group(1)), int(non_2xx.group(1)) if non_2xx else 0
    )
    return result, int(total.group(1)), result.errors


def bench_database(kind: str, n: int, duration: int, workdir: Path) -> None:
    pg: ThrowawayPostgres | None = None
    try:
        started = time.monotonic()
        if kind == "sqlite":
            url = f"sqlite:///{workdir / 'sales.db'}"
        else:
            pg = ThrowawayPostgres().start()
            url = pg.create_database("sales_bench")
        world = prepare(kind, url, n, started)
        server = start_server(url, workdir)
        try:
            _measure(server.url, world, duration, workdir)
            print(f"peak server RSS: {server.peak_rss / 2**20:.0f} MiB")
            log = server.log_path.read_text(errors="replace")
            print(f"'database is locked' in the server log: {log.count('database is locked')}")
        finally:
            server.stop()
        _count_written(kind, url, n)
    finally:
        if pg is not None:
            pg.stop()


def _measure(base_url: str, world: dict[str, Any], duration: int, workdir: Path) -> None:
    admin = login(base_url)
    promoter = _token(base_url, world["emails"][world["works"][0][0]])
    supervisor = _token(base_url, world["emails"][world["supervisor"]], "Supervisor123!")
    reads = (
        ("health", "/api/v1/health", admin),
        ("promoter: own sales, page 1", "/api/v1/sales", promoter),
        ("supervisor: their stores, page 1", "/api/v1/sales", supervisor),
        ("supervisor: review queue", "/api/v1/sales?status=pending", supervisor),
        ("office: all sales, page 1", "/api/v1/sales", admin),
        (
            "office: one store, June..",
            f"/api/v1/sales?store_id={world['works'][0][1]}&sale_date__gte=2026-06-01",
            admin,
        ),
    )
    health = 0.0
    print(f"{'route':<36}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}{'of health':>11}  errors")
    for label, route, token in reads:
        httpx.get(
            base_url + route, headers={"Authorization": f"Bearer {token}"}, timeout=60
        ).raise_for_status()
        result = run_wrk(base_url + route, token, 1, duration, workdir)
        health = result.rps if label == "health" else health
        share = "" if label == "health" else f"{100 * result.rps / health:.0f} %"
        print(
            f"{label:<36}{result.p50_ms:>9.2f}{result.p99_ms:>9.2f}{result.rps:>9.0f}{share:>11}  {result.errors}"
        )
    write, requests, failed = bench_writes(base_url, world, duration, workdir)
    share = f"{100 * write.rps / health:.0f} %"
    print(
        f"{'POST /sales, 16 promoters at once':<36}{write.p50_ms:>9.2f}{write.p99_ms:>9.2f}{write.rps:>9.0f}{share:>11}  {failed} of {requests}"
    )
    _written[0] = requests - failed


_written = [0]


def _count_written(kind: str, url: str, n: int) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM sales")).scalar_one() - n
    engine.dispose()
    # wrk counts requests it sent; a few can be in flight when it stops, so stored >= answered 201s.
    print(
        f"sales written by the 16 promoters: {stored} stored for {_written[0]} answered 201 (nothing lost: {stored >= _written[0]})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="sales to generate (default 1000000)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="oppo-sales-bench-"))
    print(f"wrk -t1 -c1 for reads, -t16 -c16 for writes; {args.duration} s per run; work folder {workdir}")
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        bench_database(kind, args.n, args.duration, workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
