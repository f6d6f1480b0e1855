"""Swagger UI at /api/v1/docs and ReDoc at /api/v1/redoc, served from this server: no CDN, no internet.

FastAPI's self-hosting recipe ("Custom Docs UI Static Assets") with the files of the fastapi-offline
package (Swagger UI 5, which reads OpenAPI 3.1, and ReDoc 2). ReDoc's bundle fetches its footer
logo from cdn.redoc.ly; the copy served here points that at the local favicon instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
_REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
_CACHE = {"Cache-Control": "public, max-age=86400"}


@lru_cache(maxsize=1)
def _redoc_js(favicon_url: str) -> str:
    return (ASSETS_DIR / "redoc.standalone.js").read_text(encoding="utf-8").replace(_REDOC_LOGO, favicon_url)


def install_docs(api: FastAPI, prefix: str) -> None:
    """Add the docs pages under `prefix` (the FastAPI app is created with docs_url=None, redoc_url=None)."""
    assets = f"{prefix}/docs-assets"
    favicon = f"{assets}/favicon.png"
    api.mount(assets, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    @api.get(f"{prefix}/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=str(api.openapi_url),
            title=f"{api.title} · Swagger UI",
            oauth2_redirect_url=f"{prefix}/docs/oauth2-redirect",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=favicon,
        )

    @api.get(f"{prefix}/docs/oauth2-redirect", include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @api.get(f"{prefix}/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=str(api.openapi_url),
            title=f"{api.title} · ReDoc",
            redoc_js_url=f"{prefix}/docs-local/redoc.standalone.js",
            redoc_favicon_url=favicon,
            with_google_fonts=False,
        )

    @api.get(f"{prefix}/docs-local/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:
        return Response(_redoc_js(favicon), media_type="text/javascript", headers=_CACHE)
