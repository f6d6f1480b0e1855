"""Two instances on one PostgreSQL and one Redis: how fast and how completely events cross over.

    .venv/bin/python bench/cluster.py [--writes 1000] [--threads 8]
    make cluster                      # the same with the defaults
    .venv/bin/python bench/cluster.py --serve   # A, B and a load balancer, to try by hand

It starts a throwaway PostgreSQL (tests/pg.py) and `redis-server` (tests/redis_server.py), migrates,
creates an admin, starts instances A and B (`python -m oppo_kz.serve --api-only`, one SECRET_KEY, one
REDIS_URL) and opens an events socket (`/api/v1/ws/events?topics=products`) on each. Then `--writes`
PATCHes, from `--threads` threads, go half to A and half to B, each setting a unique price, and it
prints, per socket, the delivery latency (from the PATCH's 200 answer, i.e. after the commit, to the
message on the socket: p50/p95/max) for writes made on the same instance (what one instance alone
does) and on the other one, how many events were lost and whether `seq` only grew. Finally the
outbox's cost: the write throughput of the same PATCHes on one instance with the outbox vs with its
writer switched off (OUTBOX_DISABLED, a bench-only switch; events are then not delivered at all).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin, migrate  # noqa: E402
from tests.pg import ThrowawayPostgres, free_port  # noqa: E402
from tests.redis_server import ThrowawayRedis  # noqa: E402


class Instance:
    def __init__(self, name: str, env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"instance-{name}.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "oppo_kz.serve", "--api-only", "--host", "127.0.0.1"],
                cwd=ROOT,
                env={**env, "PORT": str(self.port)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait(self) -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"instance {self.name} exited; see {self.log}:\n{self.log.read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise SystemExit(f"instance {self.name} did not answer; see {self.log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Inbox(threading.Thread):
    """One events socket: when each price arrived, and the seqs in order."""

    def __init__(self, instance: Instance, token: str) -> None:
        super().__init__(daemon=True)
        url = f"ws://127.0.0.1:{instance.port}/api/v1/ws/events?token={token}&topics=products"
        self.ws = connect(url, open_timeout=10, max_size=1 << 22).__enter__()
        self.arrived: dict[int, float] = {}
        self.seqs: list[int] = []
        self.stopped = False

    def run(self) -> None:
        while not self.stopped:
            try:
                message = json.loads(self.ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            except Exception:
                return
            self.arrived.setdefault(int(message["data"]["price"]), time.perf_counter())
            self.seqs.append(int(message["seq"]))

    def close(self) -> None:
        self.stopped = True
        self.ws.close()


def _token(instance: Instance) -> str:
    body = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    response = httpx.post(f"{instance.url}/api/v1/auth/login", json=body, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def _product_ids(instance: Instance, token: str, count: int) -> list[int]:
    headers = {"Authorization": f"Bearer {token}"}
    for n in range(count):
        body = {"sku": f"BENCH-{n:04d}", "name": f"Bench {n}", "category": "smartphone", "price": 1}
        httpx.post(
            f"{instance.url}/api/v1/products", json=body, headers=headers, timeout=30
        ).raise_for_status()
    listed = httpx.get(f"{instance.url}/api/v1/products?page_size={count}&sort=id", headers=headers).json()
    return [p["id"] for p in listed["items"]]


def _write(
    targets: list[Instance], token: str, products: list[int], writes: int, threads: int, base: int
) -> tuple[dict[int, tuple[str, float, float]], float]:
    """PATCH `writes` unique prices; price -> (instance, time sent, time of the 200 answer), seconds."""
    done: dict[int, tuple[str, float, float]] = {}
    headers = {"Authorization": f"Bearer {token}"}

    def worker(w: int) -> None:
        with httpx.Client(timeout=30) as client:
            for n in range(w, writes, threads):
                target = targets[n % len(targets)]
                price = base + n
                sent = time.perf_counter()
                response = client.patch(
                    f"{target.url}/api/v1/products/{products[n % len(products)]}",
                    json={"price": price},
                    headers=headers,
                )
                response.raise_for_status()
                done[price] = (target.name, sent, time.perf_counter())

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return done, time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _report(inbox_name: str, inbox: Inbox, done: dict[int, tuple[str, float, float]]) -> None:
    for origin in sorted({name for name, _, _ in done.values()}):
        mine = {p: v for p, v in done.items() if v[0] == origin}
        got = [p for p in mine if p in inbox.arrived]
        from_sent = [(inbox.arrived[p] - mine[p][1]) * 1000 for p in got]
        after_answer = [(inbox.arrived[p] - mine[p][2]) * 1000 for p in got]
        where = "same instance" if origin == inbox_name else "other instance"
        print(
            f"  socket on {inbox_name}, writes via {origin} ({where}): {len(got)}/{len(mine)} delivered, "
            f"lost {len(mine) - len(got)}; from the request: p50 {statistics.median(from_sent):.1f} ms, "
            f"p95 {_percentile(from_sent, 0.95):.1f} ms; relative to the 200 answer: p50 "
            f"{statistics.median(after_answer):+.1f} ms, p95 {_percentile(after_answer, 0.95):+.1f} ms"
        )
    in_order = inbox.seqs == sorted(set(inbox.seqs))
    print(f"  socket on {inbox_name}: seq strictly growing: {in_order}")


def _serve(a: Instance, b: Instance) -> int:
    from tests.lb import LoadBalancer

    lb = LoadBalancer(free_port(), [a.port, b.port]).start()
    print(f"A {a.url}, B {b.url}, the load balancer {lb.url}/api/v1 (admin {ADMIN_EMAIL} / {ADMIN_PASSWORD})")
    print("Ctrl-C stops everything")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        lb.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--serve", action="store_true", help="no figures: keep A, B and a load balancer in front running"
    )
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="oppo-cluster-"))
    pg, redis = ThrowawayPostgres().start(), ThrowawayRedis().start()
    instances: list[Instance] = []
    try:
        url = pg.create_database("cluster")
        migrate(url)
        create_admin(url)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": redis.url,
            "ENV": "prod",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ACCESS_TOKEN_MINUTES": "240",
            "PYTHONUNBUFFERED": "1",
        }
        instances = [Instance("A", env, workdir), Instance("B", env, workdir)]
        for instance in instances:
            instance.wait()
        a, b = instances
        if args.serve:
            return _serve(a, b)
        token = _token(a)
        products = _product_ids(a, token, 20)
        inboxes = {"A": Inbox(a, token), "B": Inbox(b, token)}
        for inbox in inboxes.values():
            inbox.start()
        time.sleep(0.5)
        print(f"{args.writes} PATCHes from {args.threads} threads, half via A and half via B:")
        done, seconds = _write([a, b], token, products, args.writes, args.threads, base=10_000)
        time.sleep(2)  # the last deliveries
        for name, inbox in inboxes.items():
            _report(name, inbox, done)
            inbox.close()
        print(f"  write throughput over A and B: {args.writes / seconds:.0f} writes/s")

        # The outbox's cost, on one instance: the same writes with its writer switched off, in
        # alternating rounds (a shared machine's load drifts), B stopped.
        b.stop()
        plain = Instance("A-no-outbox", {**env, "OUTBOX_DISABLED": "1"}, workdir)
        instances.append(plain)
        plain.wait()
        rounds, per_round = 3, max(100, args.writes // 3)
        rates: dict[str, list[float]] = {"with": [], "without": []}
        for r in range(rounds):
            for kind, target in (("with", a), ("without", plain)):
                _, took = _write([target], token, products, per_round, args.threads, base=100_000 * (r + 2))
                rates[kind].append(per_round / took)
        with_rate, without_rate = statistics.median(rates["with"]), statistics.median(rates["without"])
        print(
            f"write throughput on one instance, {rounds} alternating rounds of {per_round} PATCHes "
            f"(median): with the outbox {with_rate:.0f} writes/s, without {without_rate:.0f} writes/s "
            f"(with/without {with_rate / without_rate:.2f}); rounds with {[round(x) for x in rates['with']]}, "
            f"without {[round(x) for x in rates['without']]}"
        )
    finally:
        for instance in instances:
            instance.stop()
        redis.stop()
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
