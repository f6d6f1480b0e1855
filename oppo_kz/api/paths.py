"""Paths the API owns match strictly: ids are canonical numbers, control characters are never a route.

Starlette anchors its route patterns with `$`, which in Python also matches before a final newline, so
`/users/1%0A` reached user 1; and Reflex mounts the app under a `.*` pattern that stops at a newline,
so `/products/1%0Ax` fell through to a plain-text 404. `StrictPaths` answers both with the API's own
404 body before any router sees them. An id in a path (`RowId`) is an integer written plainly — no
`+`, no leading zero, no spaces (422 otherwise); one that cannot exist is simply not found (404).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import BeforeValidator
from starlette.types import ASGIApp, Receive, Scope, Send

from oppo_kz.api.errors import error_response
from oppo_kz.core.types import MAX_ROW_ID

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# An integer as people write it; at most 40 digits, so int() of it stays cheap.
_CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,39})")


def _canonical_id(value: object) -> object:
    if isinstance(value, str) and not _CANONICAL_INT.fullmatch(value):
        raise ValueError("must be a whole number, without '+', spaces or leading zeros")
    return value


RowId = Annotated[
    int,
    BeforeValidator(_canonical_id),
    Path(description="The row's id.", json_schema_extra={"minimum": 1, "maximum": MAX_ROW_ID}),
]


def odd_path(path: str) -> bool:
    """Whether a path holds characters no route of ours can contain (newline, NUL, other controls)."""
    return _CONTROL.search(path) is not None


class StrictPaths:
    """404 in the contract's body for any path under `prefix` with control characters in it."""

    def __init__(self, app: ASGIApp, prefix: str = "") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] not in ("http", "websocket")
            or not path.startswith(self.prefix)
            or not odd_path(path)
        ):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        method = scope.get("method", "GET")
        response = error_response(404, "not_found", f"There is no API route {method} {path!r}.")
        await response(scope, receive, send)
