"""The pure parts of the sign-in pages: where a visitor goes after signing in."""

from __future__ import annotations

import pytest

from oppo_kz.auth.ui.state import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, "/products"),
        ("", "/products"),
        ("/users", "/users"),
        ("/products?sort=-price&page=2", "/products?sort=-price&page=2"),
        ("https://evil.example/", "/products"),
        ("//evil.example/", "/products"),
        ("/\\evil.example", "/products"),
        ("/login?next=/users", "/products"),
        ("javascript:alert(1)", "/products"),
    ],
)
def test_only_local_paths_are_followed_after_login(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
