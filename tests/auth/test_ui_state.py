"""The pure parts of the sign-in pages: where a visitor goes after signing in."""

from __future__ import annotations

import pytest

from oppo_kz.auth.ui.state import safe_next


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (None, "/dashboard"),
        ("", "/dashboard"),
        ("/users", "/users"),
        ("/products?sort=-price&page=2", "/products?sort=-price&page=2"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("/login?next=/users", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_only_local_paths_are_followed_after_login(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected
