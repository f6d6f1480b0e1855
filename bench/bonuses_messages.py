"""Time the bonus statements and the inbox on the demo sell-out, against health in the same run.

    .venv/bin/python bench/bonuses_messages.py [--runs 30]

A fresh SQLite database with `python -m oppo_kz.seed --demo` and both modules switched on (~25 000
sales over 90 days, the demo rules, the previous month closed, three announcements), then the API
in-process (FastAPI's TestClient): the median and p90 of each call, and each median as a multiple of
`/api/v1/health`'s. The open month's statements are computed from the sales on every call (the rule
choice in SQL); the closed month's are read from its frozen lines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="bench-bonuses-")) / "bench.db"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{db}", "ENABLE_MESSAGES": "true", "ENABLE_BONUSES": "true",
        "ENV": "dev", "BCRYPT_ROUNDS": "4",
    }  # fmt: skip
    os.environ.update(env)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([sys.executable, "-m", "oppo_kz.seed", "--demo"], cwd=ROOT, env=env, check=True,
                   capture_output=True)  # fmt: skip
    print(f"seeded in {time.perf_counter() - started:.1f} s")

    from fastapi.testclient import TestClient

    from oppo_kz.api.app import create_api

    client = TestClient(create_api())

    def token(email: str, password: str) -> dict[str, str]:
        answer = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    office = token("office@oppo.kz", "Office123!")
    promoter = token("promoter@oppo.kz", "Promoter123!")
    me = client.get("/api/v1/auth/me", headers=promoter).json()["id"]
    today = datetime.now(UTC).date()
    this_month = today.strftime("%Y-%m")
    last_month_day = today.replace(day=1) - timedelta(days=1)
    last_month = last_month_day.strftime("%Y-%m")
    full_open = (last_month_day.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # open, ~30 days
    calls = {
        "health": ("/api/v1/health", {}),
        f"GET /bonuses?month={this_month} (open, office: every promoter)": (f"/api/v1/bonuses?month={this_month}", office),
        f"GET /bonuses?month={full_open} (open, a whole month of sales)": (f"/api/v1/bonuses?month={full_open}", office),
        f"GET /bonuses/{{promoter}}?month={full_open} (open, with lines)": (f"/api/v1/bonuses/{me}?month={full_open}", promoter),
        f"GET /bonuses?month={last_month} (closed, frozen lines)": (f"/api/v1/bonuses?month={last_month}", office),
        "GET /bonuses/{promoter} (open month, with lines)": (f"/api/v1/bonuses/{me}?month={this_month}", promoter),
        "GET /messages (promoter's inbox)": ("/api/v1/messages", promoter),
    }  # fmt: skip
    for month in (this_month, full_open, last_month):
        rows = client.get(f"/api/v1/bonuses?month={month}", headers=office).json()["rows"]
        print(f"{month}: {len(rows)} promoters with a bonus, {sum(r['units'] for r in rows)} units")
    medians: dict[str, float] = {}
    for name, (path, headers) in calls.items():
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (path, response.text)
        times.sort()
        medians[name] = statistics.median(times)
        p90 = times[int(len(times) * 0.9) - 1]
        ratio = medians[name] / medians["health"]
        print(f"{name:70s} median {medians[name]:7.2f} ms  p90 {p90:7.2f} ms  ×{ratio:5.1f} health")


if __name__ == "__main__":
    main()
