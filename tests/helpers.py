"""Assertions shared by the API tests."""

from __future__ import annotations

from typing import Any


def expect_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the contract's error body with this status and error_code; return the body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error_code"] == code
    assert set(body) == {"error_code", "message", "details"}
    return body
