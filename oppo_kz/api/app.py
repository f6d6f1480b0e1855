"""The REST API (FastAPI) under /api/v1; the Reflex app serves every other path."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from oppo_kz.api.errors import install_error_handlers
from oppo_kz.api.routes import auth, health, products, users, ws
from oppo_kz.core.config import get_settings

API_PREFIX = "/api/v1"


def create_api() -> FastAPI:
    """Build the FastAPI app with every route and the one error mapping."""
    settings = get_settings()
    api = FastAPI(
        title="OPPO KZ Data Platform API",
        version=settings.APP_VERSION,
        docs_url=f"{API_PREFIX}/docs",
        openapi_url=f"{API_PREFIX}/openapi.json",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=f"{API_PREFIX}/docs/oauth2-redirect",
    )
    install_error_handlers(api)
    v1 = APIRouter(prefix=API_PREFIX)
    v1.include_router(health.router)
    v1.include_router(auth.router)
    v1.include_router(users.router)
    v1.include_router(products.router)
    v1.include_router(ws.router)
    api.include_router(v1)
    return api


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
