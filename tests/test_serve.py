"""The production start command: clear one-line failures before any slow work."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import PROJECT_ROOT


def test_a_busy_port_is_reported_in_one_line_before_migrating_or_building(tmp_path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        db = tmp_path / "never-created.db"
        result = subprocess.run(
            [sys.executable, "-m", "oppo_kz.serve", "--host", "127.0.0.1"],
            cwd=PROJECT_ROOT,
            env=os.environ | {"PORT": str(port), "DATABASE_URL": f"sqlite:///{db}"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]]
    assert f"Port {port}" in lines[0]
    assert f"PORT={port + 1}" in lines[0]
    assert not db.exists()  # it stopped before touching the database


def test_a_port_whose_server_just_stopped_is_free_again(tmp_path) -> None:
    from oppo_kz.serve import _port_problem

    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end of the connection waits in TIME_WAIT
    client.close()
    server.close()
    assert _port_problem("127.0.0.1", port) is None


@pytest.mark.parametrize(
    "path", ["/api/v1/products/1%0Ax", "/api/v1/users/1%0A", "/api/v1/health%0A", "/api/v1/%00"]
)
def test_the_served_app_answers_odd_api_paths_with_the_error_body(live, path: str) -> None:
    """Through Reflex's mount too, which stops matching at a newline (and drops a final one)."""
    admin = httpx.post(
        f"{live.url}/api/v1/auth/login", json={"email": "admin@oppo.kz", "password": "Admin123!"}
    ).json()
    response = httpx.get(f"{live.url}{path}", headers={"Authorization": f"Bearer {admin['access_token']}"})
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error_code"] == "not_found"


@pytest.mark.parametrize(
    ("logged", "secret"),
    [
        ("GET /api/v1/health?password=hunter2 HTTP/1.1", "hunter2"),
        ("GET /api/v1/health?page=1&refresh_token=opaque-value HTTP/1.1", "opaque-value"),
        ("GET /x?client_secret=s3cr3t&q=reno", "s3cr3t"),
        ("GET /x?API_SECRET_KEY=k3y", "k3y"),
        ("GET /x?pass%77ord=hunter2", "hunter2"),  # reaches the app as `password`
        ("GET /x?TOKEN=abc123", "abc123"),
        ("GET /x?access%5Ftoken=abc123", "abc123"),
        ("form username=a@oppo.kz&password=hunter2", "hunter2"),
    ],
)
def test_secret_parameters_are_redacted(logged: str, secret: str) -> None:
    from oppo_kz.serve import redact_tokens

    redacted = redact_tokens(logged)
    assert secret not in redacted
    assert "[redacted]" in redacted


def test_other_parameters_are_left_as_they_are() -> None:
    from oppo_kz.serve import redact_tokens

    line = "GET /api/v1/products?page=2&q=reno&sort=-price&tokens_left=3 HTTP/1.1"
    assert redact_tokens(line) == line


def test_the_access_log_never_holds_a_password_from_a_query_string(live) -> None:
    httpx.get(f"{live.url}/api/v1/health", params={"password": "hunter2-in-the-url", "q": "kept"})
    deadline = time.monotonic() + 5
    while "q=kept" not in (log := live.log_path.read_text(errors="replace")):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "hunter2-in-the-url" not in log
    assert "password=[redacted]" in log
