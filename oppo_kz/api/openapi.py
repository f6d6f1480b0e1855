"""The OpenAPI document tells what the server does: every operation lists its error answers, in the
contract's one error body.

A route declares the errors that depend on what it does (`responses=errors(403, 404, 409)`); the ones
that follow from its shape are added here for every operation: 500 always, 422 when it takes input,
413 when it takes a body, 401 when it needs a token. FastAPI's own 422 schema (`HTTPValidationError`)
is not what we send, so it is replaced.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

ERROR_TEXT = {
    400: "The filter, sort or request is not valid: `invalid_filter`, `invalid_sort` or `bad_request`.",
    401: "Not signed in, or the token is invalid or expired: `not_authenticated`, `invalid_token`, "
    "`token_expired`, `invalid_credentials`.",
    403: "The role does not allow this: `forbidden`.",
    404: "There is no such resource: `not_found`.",
    409: "The request conflicts with the stored state (a duplicate, a stale version): `conflict`.",
    413: "The body is larger than 1 MiB: `payload_too_large`.",
    422: "A field, parameter or body is not valid: `validation_error`, each one in `details.errors`.",
    429: "Too many attempts; wait `Retry-After` seconds: `rate_limited`.",
    500: "Something went wrong on the server; it has been logged: `internal_error`.",
    503: "A service the API needs is unreachable: `service_unavailable`.",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer", "minimum": 1}}
}


class ErrorBody(BaseModel):
    """The one error body of the API, for every 4xx and 5xx."""

    error_code: str = Field(description="A stable code, e.g. `validation_error`, `not_found`.")
    message: str = Field(description="A sentence for people.")
    details: dict[str, Any] = Field(description="Machine-readable specifics; `errors` for 422.")


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route for the errors its own logic gives."""
    return {status: {"model": ErrorBody, "description": ERROR_TEXT[status]} for status in statuses}


def _error_answer(status: str) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": ERROR_TEXT.get(int(status), "An error."),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    if status == "429":
        answer["headers"] = _RETRY_AFTER
    return answer


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Give every operation of an OpenAPI document its error answers, in the error body."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            implied = {"500"}
            if operation.get("parameters") or "requestBody" in operation:
                implied.add("422")
            if "requestBody" in operation:
                implied.add("413")
            if operation.get("security"):
                implied.add("401")
            for status in sorted(implied | {s for s in responses if s[0] in "45"}):
                responses[status] = _error_answer(status)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install(api: FastAPI) -> None:
    """Make `api.openapi()` return the document with its error answers."""
    generate = api.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        if not schema.get("x-errors-documented"):
            document_errors(schema)
            schema["x-errors-documented"] = True
        return schema

    api.openapi = openapi  # type: ignore[method-assign]
