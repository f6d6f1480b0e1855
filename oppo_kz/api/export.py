"""Export routes: the signed-in user by bearer token or a one-time download link, the list's own
filters and sort, and every matching row streamed as CSV or XLSX (`lib/export`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from fastapi.responses import StreamingResponse

from oppo_kz.api.deps import current_user, oauth2_scheme
from oppo_kz.auth.downloads import redeem_download_token
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.core.types import NO_NUL_PATTERN
from oppo_kz.lib.export import FORMATS, export_chunks
from oppo_kz.lib.formatting import file_stamp

ExportFormat = Annotated[Literal["csv", "xlsx"], Query(description="csv (UTF-8 with a BOM) or xlsx")]
OWN_PARAMETERS = frozenset({"format", "download_token"})


def _exporter(
    request: Request,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    download_token: Annotated[
        str | None,
        Query(
            description="A one-time link from the UI, instead of a bearer token.",
            max_length=4096,
            pattern=NO_NUL_PATTERN,
        ),
    ] = None,
) -> Principal:
    if download_token:
        with session_scope() as session:
            return redeem_download_token(session=session, token=download_token, path=request.url.path)
    return current_user(token)


Exporter = Annotated[Principal, Depends(_exporter)]


def list_params(request: Request) -> list[tuple[str, str]]:
    """The query string without the export's own parameters: the list's filters and sort."""
    return [(k, v) for k, v in request.query_params.multi_items() if k not in OWN_PARAMETERS]


def streamed(fmt: str, name: str, columns: Sequence[str], rows: Iterator[Sequence[Any]]) -> StreamingResponse:
    """The file as an attachment named `<name>-<local time>.<fmt>`."""
    filename = f"{name}-{file_stamp()}.{fmt}"
    return StreamingResponse(
        export_chunks(fmt, columns, rows, sheet=name),
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
