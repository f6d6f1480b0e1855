"""Optimistic concurrency over REST: `If-Match` in, `ETag` out, for every versioned resource.

A PATCH, PUT or DELETE route takes one `VersionedWrite` dependency (built by `versioned_write` with the
route's permission): a write session, the acting user, and the version(s) its If-Match names.
"""

# No `from __future__ import annotations` here: FastAPI must see the dependency's annotations as
# objects, and one of them closes over the route's permission.
import re
from dataclasses import dataclass
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import Depends, Header, Response

from oppo_kz.api.deps import WriteSession, require
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import AppSession

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')

IfMatch = Annotated[
    str | None,
    Header(description='The resource\'s ETag (`"<version>"`); a stale one is 409 `conflict`.'),
]


class Versioned(Protocol):
    version: int


V = TypeVar("V", bound=Versioned)


def expected_version(if_match: str | None) -> int | tuple[int, ...] | None:
    """The version(s) an If-Match header names (`"3"` or `"3", "4"`); `*` matches any.

    A tag that is not one of our ETags can never match: it becomes 0 (versions start at 1).
    """
    if if_match is None or if_match.strip() == "*":
        return None
    tags = [tag for tag in if_match.split(",") if tag.strip()] or [""]
    versions = tuple(int(found.group(1)) if (found := _ETAG.match(tag)) else 0 for tag in tags)
    return versions[0] if len(versions) == 1 else versions


def with_etag(response: Response, row: V) -> V:
    """Send the row's version as its ETag."""
    response.headers["ETag"] = f'"{row.version}"'
    return row


@dataclass(frozen=True, slots=True)
class VersionedWrite:
    session: AppSession
    actor: Principal
    response: Response
    expected_version: int | tuple[int, ...] | None

    @property
    def args(self) -> dict[str, Any]:
        """The keyword arguments every versioned service write takes."""
        return {"session": self.session, "actor": self.actor, "expected_version": self.expected_version}

    def tagged(self, row: V) -> V:
        """The written row, with its new version as the ETag."""
        return with_etag(self.response, row)


def versioned_write(permission: Permission) -> Any:
    """A dependency giving a `VersionedWrite` for a user whose role allows `permission` (else 403)."""

    async def dependency(  # async: no thread-pool hop for what is only bookkeeping
        session: WriteSession,
        response: Response,
        actor: Annotated[Principal, Depends(require(permission))],
        if_match: IfMatch = None,
    ) -> VersionedWrite:
        return VersionedWrite(session, actor, response, expected_version(if_match))

    dependency.__name__ = f"versioned_write_{permission.name}"
    return Depends(dependency)
