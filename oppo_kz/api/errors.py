"""Every 4xx and 5xx leaves the API in the contract's one shape, mapped here once."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oppo_kz.core.errors import DomainError, RateLimitedError
from oppo_kz.lib.validation import field_errors

logger = logging.getLogger("oppo_kz.api")

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}


_UNREADABLE_BODY = "There was an error parsing the body"


def error_body(error_code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The contract's error body."""
    return {"error_code": error_code, "message": message, "details": details or {}}


def error_response(
    status: int,
    error_code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(error_code, message, details), status_code=status, headers=headers)


def _readable(error: dict[str, Any]) -> dict[str, Any]:
    """A body that is not JSON at all is the field `body`, not a character offset."""
    if error.get("type") != "json_invalid":
        return error
    reason = (error.get("ctx") or {}).get("error", "")
    position = error["loc"][1] if len(error.get("loc", ())) > 1 else None
    where = f" at character {position}" if isinstance(position, int) else ""
    return {**error, "loc": ("body",), "msg": f"The body is not valid JSON ({reason}{where})."}


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic errors as the contract's `{field, message}` list, for every route."""
    return field_errors(map(_readable, errors))


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimitedError) else None
    if exc.status_code == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(exc.status_code, exc.error_code, exc.message, exc.details, headers)


async def _request_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    literal = _literal_methods(request)
    if literal and request.method not in literal:
        # PATCH /sales/export reached PATCH /sales/{sale_id} with the id "export"; but the client
        # named the export route, which has no PATCH: that is a 405, as for any other method.
        allowed = _allowed_methods(request, "")
        message = f"{request.method} is not allowed on {request.url.path}."
        headers = {"Allow": ", ".join(allowed)}
        return error_response(405, "method_not_allowed", message, {"allowed": allowed}, headers)
    errors = validation_errors(list(exc.errors()))
    return error_response(422, "validation_error", "Some fields are not valid.", {"errors": errors})


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "internal_error" if exc.status_code >= 500 else "bad_request")
    message = exc.detail if isinstance(exc.detail, str) else "The request cannot be processed."
    details: dict[str, Any] = {}
    headers = getattr(exc, "headers", None)
    if exc.status_code == 400 and message == _UNREADABLE_BODY:
        # FastAPI's answer to a body that is not even text (invalid UTF-8): a body error like any other.
        errors = [{"field": "body", "message": "The body is not valid JSON (it is not UTF-8 text)."}]
        return error_response(422, "validation_error", "Some fields are not valid.", {"errors": errors})
    if exc.status_code == 404 and message == "Not Found":
        message = f"There is no API route {request.method} {request.url.path}."
    elif exc.status_code == 405:
        allowed = _allowed_methods(request, (headers or {}).get("Allow", ""))
        message = f"{request.method} is not allowed on {request.url.path}."
        details = {"allowed": allowed}
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
    return error_response(exc.status_code, code, message, details, headers=headers)


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


_AllowTable = list[tuple[re.Pattern[str], set[str], bool]]


def _allow_table(request: Request) -> _AllowTable:
    """Each documented path as a pattern, its methods, and whether it has no `{parameter}`."""
    app = request.app
    table: _AllowTable | None = getattr(app.state, "allow_table", None)
    if table is None:
        table = []
        for template, operations in app.openapi().get("paths", {}).items():
            pattern = "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in template.split("/"))
            methods = {m.upper() for m in operations} & set(_METHOD_ORDER)
            methods |= {"HEAD"} if "GET" in methods else set()
            table.append((re.compile(pattern), methods, "{" not in template))
        app.state.allow_table = table
    return table


def _literal_methods(request: Request) -> set[str]:
    """The methods of the documented path spelled exactly like this one (no parameter in it)."""
    path = request.url.path
    return set().union(
        *(m for pattern, m, literal in _allow_table(request) if literal and pattern.fullmatch(path))
    )


def _allowed_methods(request: Request, fallback: str) -> list[str]:
    """Every documented method of this path (Starlette's own 405 names only its first route's)."""
    # A path spelled like a route (/sales/export) is that route, not /sales/{sale_id} with an odd id.
    methods = _literal_methods(request) or set().union(
        *(m for pattern, m, _ in _allow_table(request) if pattern.fullmatch(request.url.path))
    )
    methods = methods or {m.strip() for m in fallback.split(",") if m.strip()}
    return sorted(methods, key=lambda m: (_METHOD_ORDER.index(m) if m in _METHOD_ORDER else 9, m))


def internal_error_response() -> JSONResponse:
    """The 500 answer: no stack trace, no SQL, only that it was logged."""
    return error_response(500, "internal_error", "Something went wrong on our side. It has been logged.")


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return internal_error_response()


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, validation errors, HTTP errors and crashes to the contract's body."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unhandled_error)
