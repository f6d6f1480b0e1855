"""The REST API (FastAPI) under /api/v1; the Reflex app serves every other path."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from fastapi.routing import APIRoute, APIWebSocketRoute
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oppo_kz.api import health, openapi
from oppo_kz.api.docs import install_docs
from oppo_kz.api.errors import error_response, install_error_handlers, internal_error_response
from oppo_kz.api.paths import odd_path
from oppo_kz.core.config import get_settings
from oppo_kz.core.connections import Attempt, begin_attempt, is_dead_connection
from oppo_kz.core.db import close_read_engine
from oppo_kz.domains import domain_modules

API_PREFIX = "/api/v1"
MAX_BODY_BYTES = 1 << 20
# Routes that take more: a products file of up to 10 MiB, plus the multipart envelope.
LARGER_BODIES = {f"{API_PREFIX}/products/import": (10 << 20) + (64 << 10)}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
logger = logging.getLogger("oppo_kz.api")


class Api(FastAPI):
    """FastAPI with one middleware of ours in front of its exception mapping.

    FastAPI's own stack is ServerErrorMiddleware, exception telemetry and a body-limit layer around the
    user middleware; `ApiGate` does what those did for us (a crash becomes the contract's 500, one
    body limit), so each request passes three layers instead of eight. Middleware added with
    `add_middleware` still runs, between the gate and the exception mapping.
    """

    def build_middleware_stack(self) -> ASGIApp:
        handlers = {k: v for k, v in self.exception_handlers.items() if k not in (500, Exception)}
        app: ASGIApp = AsyncExitStackMiddleware(self.router)
        app = ExceptionMiddleware(app, handlers=handlers, debug=self.debug)
        for cls, args, kwargs in reversed(self.user_middleware):  # `add_middleware` still works
            app = cls(app, *args, **kwargs)
        return ApiGate(app, cors_origins=get_settings().allowed_origins)


@asynccontextmanager
async def read_connections(*_app: Any) -> AsyncIterator[None]:
    """A lifespan that closes the loop's read connections (`core.db.run_read`) when the app stops.
    The server runs it as a Reflex lifespan task; the FastAPI app alone (the tests) as its own."""
    try:
        yield
    finally:
        await close_read_engine()


def create_api() -> FastAPI:
    """Build the FastAPI app with every route and the one error mapping."""
    settings = get_settings()
    api = Api(
        lifespan=read_connections,
        title="OPPO KZ Data Platform API",
        version=settings.APP_VERSION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served from local files by install_docs: no CDN
        redoc_url=None,
    )
    install_docs(api, API_PREFIX)
    install_error_handlers(api)
    routers = [health.router]
    for module in domain_modules("api"):
        routers.extend(module.routers)
    # The hot paths first: a request tries the routes in order until one matches.
    routers.sort(key=lambda router: router.prefix not in ("", "/products"))
    for router in routers:
        add_flat(api, router, API_PREFIX)
    openapi.install(api)
    return api


def add_flat(api: FastAPI, router: APIRouter, prefix: str) -> None:
    """Add `router`'s routes to the app's own list of routes, under `prefix`.

    FastAPI 0.165's `include_router` keeps each router as a branch that every request walks, matching
    twice (once to choose the branch, once inside it) and recounting the tree's routes at each level:
    ~60 µs of a 1 ms product request. This adds the routes as `include_router` did before, one flat
    list; the OpenAPI document is the same (tests/api/test_docs.py).
    """
    for route in router.routes:
        if isinstance(route, APIWebSocketRoute):
            api.router.add_api_websocket_route(
                prefix + route.path, route.endpoint, name=route.name, dependencies=route.dependencies
            )
            continue
        if not isinstance(route, APIRoute):
            raise TypeError(f"{route!r}: only API and WebSocket routes are flattened")
        api.router.add_api_route(
            prefix + route.path,
            route.endpoint,
            response_model=route.response_model,
            status_code=route.status_code,
            tags=route.tags,
            dependencies=route.dependencies,
            summary=route.summary,
            description=route.description,
            response_description=route.response_description,
            responses=route.responses,
            deprecated=route.deprecated,
            methods=route.methods,
            operation_id=route.operation_id,
            response_model_include=route.response_model_include,
            response_model_exclude=route.response_model_exclude,
            response_model_by_alias=route.response_model_by_alias,
            response_model_exclude_unset=route.response_model_exclude_unset,
            response_model_exclude_defaults=route.response_model_exclude_defaults,
            response_model_exclude_none=route.response_model_exclude_none,
            include_in_schema=route.include_in_schema,
            response_class=route.response_class,
            name=route.name,
            route_class_override=type(route),
            callbacks=route.callbacks,
            openapi_extra=route.openapi_extra,
            generate_unique_id_function=route.generate_unique_id_function,
        )


class ApiGate:
    """The API's one middleware: strict paths, one body limit, CORS when asked, crashes answered.

    - A path with a control character is answered 404 (a socket is closed 1008): see api/paths.py.
    - A body over MAX_BODY_BYTES (LARGER_BODIES for the few routes that take files) is refused with
      413 in the contract's shape. A declared Content-Length is judged before anything is read; a
      chunked body is read up to the limit and then handed on as it came; a request with neither
      has no body and passes untouched.
    - Only a request with an `Origin` header goes through CORS (the browser's; curl and servers
      send none).
    - A crash becomes a 500 in the contract's body, and the exception ends here. Starlette's own
      last-resort handler answers and then re-raises, so uvicorn logs a second traceback and drops
      the keep-alive connection without a `Connection: close`: the client's next request on it fails.
    """

    def __init__(self, app: ASGIApp, cors_origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app, allow_origins=cors_origins, allow_credentials=True, allow_methods=["*"], allow_headers=["*"]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "websocket":
            if odd_path(scope.get("path", "")):
                await send({"type": "websocket.close", "code": 1008})
                return
            await self.app(scope, receive, send)
            return
        if kind != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if odd_path(path):
            method = scope.get("method", "GET")
            await error_response(404, "not_found", f"There is no API route {method} {path!r}.")(
                scope, receive, send
            )
            return
        limit = LARGER_BODIES.get(path, MAX_BODY_BYTES)
        declared, chunked, origin = _body_headers(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, receive, send, limit)
            return
        if declared is None and chunked:
            buffered = await _buffer_body(scope, receive, send, limit)
            if buffered is None:
                return
            receive = buffered
        await self._answer(self.cors if origin else self.app, scope, receive, send)

    async def _answer(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        body = _RecordedBody(receive)
        try:
            await self._try(app, scope, body.receive, send, begin_attempt())
        except _DeadConnectionError:
            await self._try(app, scope, body.replay(), send, None)

    async def _try(
        self, app: ASGIApp, scope: Scope, receive: Receive, send: Send, attempt: Attempt | None
    ) -> None:
        """One try of the request; raises _DeadConnectionError when `attempt` may be tried again."""
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracked)
        except Exception as exc:
            if started:  # half a response is out: only closing the connection can tell the client
                raise
            method, path = scope.get("method", "GET"), scope.get("path")
            if attempt is not None and _may_retry(exc, method, attempt):
                logger.warning("%s %s met a dead database connection; trying once more", method, path)
                raise _DeadConnectionError from exc
            logger.error("unhandled error on %s %s", method, path, exc_info=exc)
            await internal_error_response()(scope, receive, send)


class _DeadConnectionError(Exception):
    """The first try failed on a dead connection before anything was committed or answered."""


def _may_retry(exc: Exception, method: str, attempt: Attempt) -> bool:
    """A read is tried again after a dead connection; a write only if it never asked for a COMMIT."""
    return is_dead_connection(exc) and (method in SAFE_METHODS or not attempt.commit_sent)


class _RecordedBody:
    """The request's body messages as the first try read them, to hand the same body to a second try."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self._seen: list[Message] = []

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self._seen.append(message)
        return message

    def replay(self) -> Receive:
        pending = list(self._seen)

        async def receive() -> Message:
            return pending.pop(0) if pending else await self.receive()

        return receive


def _body_headers(scope: Scope) -> tuple[int | None, bool, bool]:
    """The declared Content-Length (None: none, or unreadable), whether the body is chunked, and
    whether the request names an Origin."""
    length: bytes | None = None
    chunked = origin = False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            length = value
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"origin":
            origin = True
    try:
        return (int(length) if length is not None else None), chunked, origin
    except ValueError:
        return None, chunked, origin


async def _buffer_body(scope: Scope, receive: Receive, send: Send, limit: int) -> Receive | None:
    """Read a body of unknown length up to the limit; None when it was refused (or the client left)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return None
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            await _too_large(scope, receive, send, limit)
            return None
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

    return replay


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int = MAX_BODY_BYTES) -> None:
    response = error_response(
        413,
        "payload_too_large",
        f"The request body is larger than {limit // 1024} KiB.",
        {"max_bytes": limit},
    )
    await response(scope, receive, send)


def is_api_path(path: str) -> bool:
    """Whether FastAPI answers this path: /api/v1, anything under it, and odd spellings of it."""
    return (
        path == API_PREFIX
        or path.startswith(API_PREFIX + "/")
        or (path.startswith(API_PREFIX) and odd_path(path))
    )


class ApiMount:
    """A Reflex `api_transformer` that sends /api/v1 to FastAPI and every other path to Reflex.

    Passing the FastAPI app itself would mount Reflex inside it at "", and that mount matches
    every path, so unknown API routes would get Reflex's HTML 404 page and a wrong method a 404
    instead of a 405. Dispatching by prefix keeps FastAPI's own 404/405 (in the contract's body).
    The server puts `api_first` in front of Reflex's whole stack as well (see `api_first`).
    """

    def __init__(self, api: FastAPI) -> None:
        self.api = api

    def __call__(self, reflex_app: ASGIApp) -> ASGIApp:
        return api_first(reflex_app, self.api)


def mount_api(api: FastAPI) -> ApiMount:
    """The `api_transformer` for `rx.App` (see `ApiMount`)."""
    return ApiMount(api)


def api_first(app: ASGIApp, api: ASGIApp) -> ASGIApp:
    """Send API paths straight to `api`, everything else (and the lifespan) to `app`.

    In front of Reflex's top-level app this spares every API request Reflex's error middleware,
    CORS layer, context middleware and mount matching: the API has its own (`ApiGate`).
    """

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and is_api_path(scope.get("path", "")):
            await api(scope, receive, send)
        else:
            await app(scope, receive, send)

    return dispatch
