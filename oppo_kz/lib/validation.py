"""Validation errors as the contract's `{field, message}` list (REST) and as `{field: message}` (forms).

One reading of pydantic's errors for every adapter: the field is the error's location without its
source (`("body", "price")` -> `price`), the message pydantic's without its "Value error, " prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from oppo_kz.core.errors import ValidationFailedError

_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form"})


def field_name(loc: Iterable[Any]) -> str:
    """("body", "price") -> "price"; ("query", "page") -> "page"; ("body",) -> "body"."""
    parts = [str(p) for p in loc]
    if len(parts) > 1 and parts[0] in _SOURCES:
        parts = parts[1:]
    return ".".join(parts)


def clean_message(message: str) -> str:
    """Pydantic's message without the prefixes it adds to our validators' errors."""
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Pydantic errors (from `ValidationError.errors()`) as the contract's `{field, message}` list."""
    return [
        {"field": field_name(err.get("loc", ())), "message": clean_message(str(err.get("msg", "")))}
        for err in errors
    ]


def errors_by_field(exc: ValidationError | ValidationFailedError) -> dict[str, str]:
    """The first message for each field, for a form to show beside its inputs."""
    listed = exc.errors if isinstance(exc, ValidationFailedError) else field_errors(exc.errors())
    found: dict[str, str] = {}
    for error in listed:
        found.setdefault(error["field"] or "form", error["message"])
    return found
