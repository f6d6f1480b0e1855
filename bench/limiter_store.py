"""What the sign-in limiter's store costs per attempt: in process, in the database (SQLite file, and a
throwaway PostgreSQL), next to what the attempt then spends in bcrypt (cost 12).

    .venv/bin/python bench/limiter_store.py [--attempts 2000]

Each attempt is `reserve` on two counters (a fresh email from one of 50 addresses, so no attempt is
refused), and every fifth one succeeds (`clear` + `withdraw`), as the login path does. Prints p50/p95
per attempt and attempts/s per store, and each store's p50 as a share of one bcrypt check.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")

from oppo_kz.auth.limiter import AttemptStore, LoginLimiter, MemoryAttemptStore  # noqa: E402
from oppo_kz.auth.limiter_db import DatabaseAttemptStore  # noqa: E402
from oppo_kz.core.config import get_settings  # noqa: E402
from oppo_kz.core.db import reset_engine  # noqa: E402
from oppo_kz.core.security import hash_password, verify_password  # noqa: E402
from tests.conftest import migrate  # noqa: E402
from tests.pg import ThrowawayPostgres  # noqa: E402


def _run(store: AttemptStore, attempts: int) -> list[float]:
    limiter = LoginLimiter(store)
    took = []
    for n in range(attempts):
        started = time.perf_counter()
        attempt = limiter.reserve(email=f"user{n}@bench.kz", address=f"10.9.0.{n % 50}")
        if n % 5 == 0:
            attempt.succeeded()
        took.append(time.perf_counter() - started)
    return took


def _use(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()
    migrate(url)


def _bcrypt_ms() -> float:
    os.environ["BCRYPT_ROUNDS"] = "12"
    get_settings.cache_clear()
    digest = hash_password("Bench-Password-1")
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        verify_password("wrong-password", digest)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=2000)
    args = parser.parse_args()
    # Generous limits: the bench measures the store, not refusals.
    os.environ.update({"LOGIN_ADDRESS_FREE_FAILURES": "100000", "LOGIN_WINDOW_SECONDS": "86400"})
    results: dict[str, list[float]] = {"memory": _run(MemoryAttemptStore(), args.attempts)}
    with tempfile.TemporaryDirectory() as tmp:
        _use(f"sqlite:///{Path(tmp) / 'bench.db'}")
        results["database, SQLite"] = _run(DatabaseAttemptStore(), args.attempts)
        pg = ThrowawayPostgres().start()
        try:
            _use(pg.create_database("bench_limiter"))
            results["database, PostgreSQL"] = _run(DatabaseAttemptStore(), args.attempts)
            reset_engine()
        finally:
            pg.stop()
    bcrypt = _bcrypt_ms()
    print(f"{args.attempts} attempts per store (every fifth a success); bcrypt cost 12: {bcrypt:.1f} ms")
    print(f"{'store':<22} {'p50 ms':>8} {'p95 ms':>8} {'attempts/s':>11} {'p50 / bcrypt':>13}")
    for name, took in results.items():
        ms = sorted(t * 1000 for t in took)
        p50, p95 = ms[len(ms) // 2], ms[int(len(ms) * 0.95)]
        rate = len(ms) / (sum(ms) / 1000)
        print(f"{name:<22} {p50:>8.3f} {p95:>8.3f} {rate:>11.0f} {p50 / bcrypt:>12.2%}")


if __name__ == "__main__":
    main()
