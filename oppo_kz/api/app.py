"""The REST API (FastAPI) under /api/v1; the Reflex app serves every other path."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oppo_kz.api import health, openapi
from oppo_kz.api.docs import install_docs
from oppo_kz.api.errors import error_response, install_error_handlers, internal_error_response
from oppo_kz.api.paths import StrictPaths
from oppo_kz.core.config import get_settings
from oppo_kz.domains import domain_modules

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 1 << 20
# Uploads that take more (the file itself is checked by its route): path -> largest body.
LARGER_BODIES = {f"{API_PREFIX}/products/import": (10 << 20) + (64 << 10)}
logger = logging.getLogger("oppo_kz.api")


def create_api() -> FastAPI:
    """Build the FastAPI app with every route and the one error mapping."""
    settings = get_settings()
    api = FastAPI(
        title="OPPO KZ Data Platform API",
        version=settings.APP_VERSION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from local files by install_docs: no CDN
        redoc_url=None,
    )
    install_docs(api, API_PREFIX)
    install_error_handlers(api)
    api.add_middleware(BodyLimit)  # no request of this API needs more than 1 MiB (but LARGER_BODIES)
    api.add_middleware(StrictPaths)
    api.add_middleware(AnswerCrashes)  # the outermost of ours: it sees what the others raise
    v1 = APIRouter(prefix=API_PREFIX)
    v1.include_router(health.router)
    for module in domain_modules("api"):
        for router in module.routers:
            v1.include_router(router)
    api.include_router(v1)
    openapi.install(api)
    return api


class AnswerCrashes:
    """A crash becomes a 500 in the contract's body, and the exception ends here.

    Starlette's own last-resort handler answers and then re-raises, so uvicorn logs a second
    traceback and drops the keep-alive connection without a `Connection: close`: the client's next
    request on it fails. Answering here keeps the connection usable, as after any other error.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:
            if started:  # half a response is out: only closing the connection can tell the client
                raise
            logger.error("unhandled error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            await internal_error_response()(scope, receive, send)


class BodyLimit:
    """Refuse a request body over MAX_BODY_BYTES with 413 in the contract's error shape.

    A declared Content-Length is judged before anything is read; a chunked body of unknown length
    is read up to the limit (so at most 1 MiB is ever buffered) and then handed on as it came.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = LARGER_BODIES.get(scope.get("path", ""), MAX_BODY_BYTES)
        declared = _declared_length(scope)
        if declared is not None:
            if declared > limit:
                await _too_large(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _too_large(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # disconnect notices after the body
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int = MAX_BODY_BYTES) -> None:
    response = error_response(
        413,
        "payload_too_large",
        f"The request body is larger than {limit // 1024} KiB.",
        {"max_bytes": limit},
    )
    await response(scope, receive, send)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def mount_api(api: FastAPI) -> Callable[[ASGIApp], ASGIApp]:
    """A Reflex `api_transformer` that sends /api/v1 to FastAPI and every other path to Reflex.

    Passing the FastAPI app itself would mount Reflex inside it at "", and that mount matches
    every path, so unknown API routes would get Reflex's HTML 404 page and a wrong method a 404
    instead of a 405. Dispatching by prefix keeps FastAPI's own 404/405 (in the contract's body).
    """

    def transform(reflex_app: ASGIApp) -> ASGIApp:
        async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
            path = scope.get("path", "")
            if scope["type"] != "lifespan" and (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
                await api(scope, receive, send)
            else:
                await reflex_app(scope, receive, send)

        return dispatch

    return transform
