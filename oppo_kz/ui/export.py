"""The export buttons of list pages: the list's own query (filters, search, sort) as the export
route's query string, with a one-time download link so the access token stays on the server."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from oppo_kz.auth.downloads import mint_download_token
from oppo_kz.auth.service import Principal
from oppo_kz.lib.listing import ListQuery

FORMATS = ("csv", "xlsx")


def _value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ",".join(_value(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def query_params(query: ListQuery) -> list[tuple[str, str]]:
    """A list query as query-string pairs the list (and export) routes parse back to the same query."""
    params = [(f.parameter, _value(f.value)) for f in query.filters]
    if query.q:
        params.append(("q", query.q))
    if query.sort:
        params.append(("sort", ",".join(("-" if k.descending else "") + k.field for k in query.sort)))
    return params


def export_download(actor: Principal, path: str, query: ListQuery, fmt: str, name: str) -> Any:
    """The event that downloads every row `query` matches from the export route at `path`."""
    fmt = fmt if fmt in FORMATS else "csv"
    params = [*query_params(query), ("format", fmt), ("download_token", mint_download_token(actor, path))]
    url = f"{rx.config.get_config().api_url.rstrip('/')}{path}?{urlencode(params)}"
    return rx.download(url=url, filename=f"{name}.{fmt}")
