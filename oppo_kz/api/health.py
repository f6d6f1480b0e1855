"""Liveness and database reachability."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from pydantic import BaseModel

from oppo_kz.api.openapi import errors
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import ping_database_async
from oppo_kz.core.errors import ServiceUnavailableError

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)


class Health(BaseModel):
    status: str
    version: str
    database: str


@router.get("/health", response_model=Health, responses=errors(503))
async def health() -> Health:
    """Say whether the app and its database answer."""
    try:
        await ping_database_async()
    except Exception as exc:
        logger.warning("health check: database unreachable: %s", type(exc).__name__)
        raise ServiceUnavailableError(
            "The database is unreachable.", details={"database": "unreachable"}
        ) from None
    return Health(status="ok", version=get_settings().APP_VERSION, database="ok")
