"""Domain errors raised by services; adapters turn them into the contract's error body or a UI message."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status_code = 400
    error_code = "bad_request"
    default_message = "The request cannot be processed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(self.message)


class BadRequestError(DomainError):
    status_code = 400
    error_code = "bad_request"


class InvalidFilterError(DomainError):
    status_code = 400
    error_code = "invalid_filter"
    default_message = "A filter parameter is not valid."


class InvalidSortError(DomainError):
    status_code = 400
    error_code = "invalid_sort"
    default_message = "A sort field is not valid."


class AuthError(DomainError):
    status_code = 401
    error_code = "not_authenticated"
    default_message = "Sign in to continue."


class InvalidCredentialsError(AuthError):
    error_code = "invalid_credentials"
    default_message = "Incorrect email or password."


class InvalidTokenError(AuthError):
    error_code = "invalid_token"
    default_message = "The token is not valid."


class TokenExpiredError(AuthError):
    error_code = "token_expired"
    default_message = "The token has expired."


class PermissionDeniedError(DomainError):
    status_code = 403
    error_code = "forbidden"
    default_message = "Your role does not allow this action."


class NotFoundError(DomainError):
    status_code = 404
    error_code = "not_found"
    default_message = "Not found."


class ConflictError(DomainError):
    status_code = 409
    error_code = "conflict"
    default_message = "The request conflicts with the current state."


class ValidationFailedError(DomainError):
    """Input that parsed but breaks a rule; `errors` is a list of {field, message}."""

    status_code = 422
    error_code = "validation_error"
    default_message = "Some fields are not valid."

    def __init__(
        self, errors: list[dict[str, Any]], message: str | None = None, *, codes: dict[str, str] | None = None
    ):
        super().__init__(message, details={"errors": errors})
        self.errors = errors
        # A stable code per field (e.g. imei -> "imei_checksum") for UIs that word the message themselves.
        self.codes = codes or {}


class PayloadTooLargeError(DomainError):
    """A request body or uploaded file over what the operation accepts."""

    status_code = 413
    error_code = "payload_too_large"

    def __init__(self, max_bytes: int, message: str | None = None):
        super().__init__(
            message or f"The file is larger than {max_bytes // 1024} KiB.", details={"max_bytes": max_bytes}
        )


class RateLimitedError(DomainError):
    status_code = 429
    error_code = "rate_limited"
    default_message = "Too many attempts. Try again later."

    def __init__(self, retry_after: int, message: str | None = None):
        super().__init__(message, details={"retry_after": retry_after})
        self.retry_after = retry_after


class ServiceUnavailableError(DomainError):
    status_code = 503
    error_code = "service_unavailable"
    default_message = "The service is temporarily unavailable."
