"""OpenAPI documentation of a list endpoint, generated from its list spec (every filter, sort, page)."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from oppo_kz.lib.listing import MAX_PAGE_SIZE, Kind, ListSpec, Page

_VALUE_SCHEMA: dict[Kind, dict[str, str]] = {
    Kind.integer: {"type": "integer"},
    Kind.number: {"type": "number"},
    Kind.text: {"type": "string"},
    Kind.enum: {"type": "string"},
    Kind.boolean: {"type": "boolean"},
    Kind.date: {"type": "string", "format": "date"},
    Kind.datetime: {"type": "string", "format": "date-time"},
}
_OP_TEXT = {
    "eq": "equals",
    "ne": "does not equal",
    "contains": "contains, case-insensitively",
    "between": "between `low,high`, inclusive",
    "in": "is one of `a,b,c`",
    "gte": "is at least",
    "lte": "is at most",
}

LIST_DESCRIPTION = (
    "Filters combine with AND; an unknown field or operator, or a value of the wrong type, is 400 "
    "`invalid_filter`; an unknown sort field is 400 `invalid_sort`. Dates and date-times are ISO 8601."
)


def _paging_parameters(spec: ListSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": "page",
            "in": "query",
            "description": "1-based page number.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        {
            "name": "page_size",
            "in": "query",
            "description": f"Items per page, at most {MAX_PAGE_SIZE}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 20},
        },
        {
            "name": "sort",
            "in": "query",
            "description": "Comma-separated fields, `-` for descending, e.g. `-price,name`; ties break by `id`. "
            f"Fields: {', '.join(spec.sortable)}.",
            "schema": {"type": "string"},
        },
    ]
    if spec.search is not None:
        params.append(
            {
                "name": "q",
                "in": "query",
                "description": f"Case-insensitive search over {' and '.join(spec.search.fields)}.",
                "schema": {"type": "string"},
            }
        )
    return params


def list_parameters(spec: ListSpec) -> list[dict[str, Any]]:
    """The query parameters of a list endpoint: paging, sort, `q` and `field__op` for every field."""
    params = _paging_parameters(spec)
    for name, ops in spec.operators().items():
        field = spec.fields[name]
        for op in ops:
            single = op not in ("between", "in")
            schema: dict[str, Any] = dict(_VALUE_SCHEMA[field.kind]) if single else {"type": "string"}
            if field.kind is Kind.enum and single:
                schema["enum"] = list(field.choices)
            params.append(
                {
                    "name": name if op == "eq" else f"{name}__{op}",
                    "in": "query",
                    "description": f"{name} ({field.kind.value}) {_OP_TEXT[op]}.",
                    "schema": schema,
                }
            )
    return params


def list_openapi(spec: ListSpec) -> dict[str, Any]:
    """`@router.get(..., **list_openapi(SPEC))`: the list's description and every query parameter."""
    return {"description": LIST_DESCRIPTION, "openapi_extra": {"parameters": list_parameters(spec)}}


def json_page(page: Page) -> Response:
    """A list page as the REST API answers it (built without model instances)."""
    return Response(page.to_json(), media_type="application/json")
