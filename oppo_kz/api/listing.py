"""OpenAPI documentation of a list endpoint, generated from its list spec (every filter, sort, page)."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from oppo_kz.core.types import NO_NUL_PATTERN, SPACE_CLASS
from oppo_kz.lib.listing import MAX_IN_VALUES, MAX_PAGE, MAX_PAGE_SIZE, FieldSpec, Kind, ListSpec, Page

_VALUE_SCHEMA: dict[Kind, dict[str, Any]] = {
    Kind.integer: {"type": "integer"},
    Kind.number: {"type": "number"},
    Kind.text: {"type": "string", "minLength": 1, "pattern": NO_NUL_PATTERN},
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


def _sort_pattern(spec: ListSpec) -> str:
    key = rf"[{SPACE_CLASS}]*[+-]?(?:{'|'.join(spec.sortable)})[{SPACE_CLASS}]*"
    return rf"^(?:{key}(?:,{key})*)?$"


def _paging_parameters(spec: ListSpec) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {
            "name": "page",
            "in": "query",
            "description": "1-based page number.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
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
            "description": "Comma-separated fields, `-` for descending, e.g. `-price,name`; ties break by `id`; "
            f"a field given again counts once. Fields: {', '.join(spec.sortable)}.",
            "schema": {"type": "string", "pattern": _sort_pattern(spec)},
        },
    ]
    if spec.search is not None:
        params.append(
            {
                "name": "q",
                "in": "query",
                "description": f"Case-insensitive search over {' and '.join(spec.search.fields)}.",
                "schema": {"type": "string", "pattern": NO_NUL_PATTERN},
            }
        )
    return params


def _value_schema(field: FieldSpec, *, in_list: bool) -> dict[str, Any]:
    schema: dict[str, Any] = dict(_VALUE_SCHEMA[field.kind])
    if field.kind is Kind.enum:
        schema["enum"] = list(field.choices)
    elif field.kind is Kind.integer:
        schema["minimum"], schema["maximum"] = field.int_range
    elif field.kind is Kind.text and in_list:  # a comma separates the values
        schema["pattern"] = r"^[^,\x00]*$"
    return schema


def _filter_schema(field: FieldSpec, op: str) -> dict[str, Any]:
    if op == "between":
        item = _value_schema(field, in_list=True)
        return {"type": "array", "items": item, "minItems": 2, "maxItems": 2}
    if op == "in":
        return {
            "type": "array",
            "items": _value_schema(field, in_list=True),
            "minItems": 1,
            "maxItems": MAX_IN_VALUES,
        }
    return _value_schema(field, in_list=False)


def list_parameters(spec: ListSpec) -> list[dict[str, Any]]:
    """The query parameters of a list endpoint: paging, sort, `q` and `field__op` for every field.

    `in` and `between` take comma-separated values: arrays in the `form` style without `explode`.
    """
    params = _paging_parameters(spec)
    for name, ops in spec.operators().items():
        field = spec.fields[name]
        for op in ops:
            param: dict[str, Any] = {
                "name": name if op == "eq" else f"{name}__{op}",
                "in": "query",
                "description": f"{name} ({field.kind.value}) {_OP_TEXT[op]}.",
                "schema": _filter_schema(field, op),
            }
            if op in ("between", "in"):
                param |= {"style": "form", "explode": False}
            params.append(param)
    return params


def list_openapi(spec: ListSpec) -> dict[str, Any]:
    """`@router.get(..., **list_openapi(SPEC))`: the list's description and every query parameter."""
    return {"description": LIST_DESCRIPTION, "openapi_extra": {"parameters": list_parameters(spec)}}


def json_page(page: Page) -> Response:
    """A list page as the REST API answers it (built without model instances)."""
    return Response(page.to_json(), media_type="application/json")
