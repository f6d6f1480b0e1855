"""Validation errors as people read them, in every UI language, chosen by the error's type.

Pydantic's sentences ("String should have at least 1 character") are for the REST API. A form shows
"Введите название": each error's type (pydantic's `type`, or the `type` our own rules put in a
`ValidationFailedError` item) becomes a kind (required, too_long, min, ...), and the kind a catalog
text, unless the page names a better text for that field ("name:required" -> its own key).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from oppo_kz.core.errors import DomainError, RateLimitedError, ValidationFailedError
from oppo_kz.lib import formatting
from oppo_kz.lib.validation import field_name
from oppo_kz.ui.i18n import Texts, catalogs, texts

# pydantic error type -> our kind (and which context value the message names as {limit})
_KINDS: dict[str, tuple[str, str | None]] = {
    "missing": ("required", None),
    "string_blank": ("required", None),
    "string_too_long": ("too_long", "max_length"),
    "too_long": ("too_long", "max_length"),
    "greater_than_equal": ("min", "ge"),
    "greater_than": ("above", "gt"),
    "less_than_equal": ("max", "le"),
    "less_than": ("below", "lt"),
    "int_type": ("whole_number", None),
    "int_parsing": ("whole_number", None),
    "int_from_float": ("whole_number", None),
    "int_parsing_size": ("max", None),
    "enum": ("choose", None),
    "literal_error": ("choose", None),
    "string_pattern_mismatch": ("format", None),
    "date_type": ("date", None),
    "date_parsing": ("date", None),
    "date_from_datetime_parsing": ("date", None),
    "date_from_datetime_inexact": ("date", None),
    "conflict": ("taken", None),
}
_PREFIX_KINDS = (("float_", "number"), ("date", "date"), ("datetime", "date"), ("bool", "invalid"))


def error_kind(error: Mapping[str, Any]) -> tuple[str, Any]:
    """(kind, limit) of one error: `string_too_short` with min_length 1 is `required`, and so on."""
    kind_type = str(error.get("type") or "value_error")
    ctx = error.get("ctx") or {}
    if kind_type == "string_too_short":
        minimum = ctx.get("min_length", 1)
        return ("required", None) if minimum <= 1 else ("too_short", minimum)
    if kind_type in _KINDS:
        kind, limit_name = _KINDS[kind_type]
        return kind, ctx.get(limit_name) if limit_name else None
    for prefix, kind in _PREFIX_KINDS:
        if kind_type.startswith(prefix):
            return kind, None
    return "invalid", None


def _field(error: Mapping[str, Any]) -> str:
    if "field" in error:
        return str(error["field"]) or "form"
    return field_name(error.get("loc", ())) or "form"


def _limit(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return lambda lang: formatting.number(value, lang)
    return "" if value is None else str(value)


def people_errors(
    errors: Iterable[Mapping[str, Any]], overrides: Mapping[str, str] | None = None
) -> dict[str, Texts]:
    """The first error of each field as texts in every language.

    `overrides` maps "field:kind" (or "field:*") to a catalog key of the page's own catalog.
    """
    overrides = overrides or {}
    found: dict[str, Texts] = {}
    for error in errors:
        field = _field(error)
        if field in found:
            continue
        kind, limit = error_kind(error)
        key = overrides.get(f"{field}:{kind}") or overrides.get(f"{field}:*") or f"validation.{kind}"
        found[field] = texts(key, limit=_limit(limit))
    return found


def errors_of(exc: ValidationError | ValidationFailedError) -> list[dict[str, Any]]:
    """The error items of either kind of validation failure, with their types."""
    if isinstance(exc, ValidationError):
        return [dict(e) for e in exc.errors()]
    return [dict(e) for e in exc.errors]


def first_invalid(order: Iterable[str], errors: Mapping[str, Any]) -> str | None:
    """The first field of a form (in its order on screen) that has an error."""
    return next((name for name in order if name in errors), None)


def error_texts(exc: DomainError, reasons: Mapping[str, str] | None = None) -> Texts:
    """What a refused action says to people, from the error's code (and `details.reason`, when the
    page names a text for it); the service's English sentence is for the REST API only."""
    reason = str(exc.details.get("reason", ""))
    if reasons and reason in reasons:
        return texts(reasons[reason])
    key = f"error.{exc.error_code}"
    if key not in catalogs()["ru"]:
        key = "error.bad_request"
    minutes = -(-exc.retry_after // 60) if isinstance(exc, RateLimitedError) else 1
    return texts(key, minutes=minutes)
