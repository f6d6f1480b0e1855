"""schemathesis against a real server on SQLite and on PostgreSQL: every check, bounded examples.

`--checks all` covers server errors, status codes, content types and headers as documented, response
bodies against their schemas, schema-valid requests accepted and schema-invalid ones refused, the
`Allow` of a 405, and — in its stateful phase — that what POST creates can be read and what DELETE
removes is gone. The run signs in as an admin (tests/api/schemathesis_hooks.py). Any failure, or any
5xx in the server's own access log, fails the test; the figures are printed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.pg import free_port
from tests.server import LiveServer

# Per operation and phase, on top of the coverage phase's deterministic boundary cases. 40 operations
# at 30 examples take about 1 min per database on a quiet 2-core machine; 100 took 2-4 min each.
MAX_EXAMPLES = 30
SEED = 20261201
# Which operations may answer 422 to a schema-valid body, and why (rules across rows, check digits).
CONFIG = Path(__file__).with_name("schemathesis.toml")
_ACCESS = re.compile(
    r'uvicorn\.access: .*"(?:GET|POST|PUT|PATCH|DELETE|OPTIONS|HEAD|TRACE) \S+ HTTP/[\d.]+" (\d{3})'
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzzed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, LiveServer]]:
    server = LiveServer(tmp_path, preferred_port=free_port())
    if request.param == "postgresql":
        server.env["DATABASE_URL"] = request.getfixturevalue("pg_server").create_database("oppo_fuzz")
    server.prepare(build_ui=False)
    server.start()
    yield request.param, server
    server.stop()


def _statuses(log: str) -> list[int]:
    return [int(found.group(1)) for found in _ACCESS.finditer(log)]


@pytest.mark.timeout(900)  # a whole fuzzing run, not one request: the suite's 300 s is per test
def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(
    fuzzed: tuple[str, LiveServer], tmp_path: Path
) -> None:
    database, server = fuzzed
    before = len(_statuses(server.log_path.read_text(errors="replace")))
    report = tmp_path / "schemathesis.json"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        f"--config-file={CONFIG}",
        "run",
        f"{server.url}/api/v1/openapi.json",
        "--checks=all",
        f"--max-examples={MAX_EXAMPLES}",
        f"--seed={SEED}",
        "--generation-database=none",
        "--report=json",
        f"--report-json-path={report}",
        "--request-timeout=30",
    ]
    env = server.env | {"SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks", "PYTHONPATH": str(PROJECT_ROOT)}
    run = subprocess.run(
        command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=840, check=False
    )
    statuses = _statuses(server.log_path.read_text(errors="replace"))[before:]
    server_errors = [status for status in statuses if status >= 500]
    cases = json.loads(report.read_text())["test_cases"]["generated"] if report.exists() else 0
    print(
        f"\nschemathesis on {database}: {len(statuses)} requests ({cases} test cases), "
        f"{len(server_errors)} answered 5xx"
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert server_errors == []
    assert len(statuses) > 2000  # the run did reach the server
