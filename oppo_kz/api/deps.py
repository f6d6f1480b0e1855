"""FastAPI dependencies as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends

from oppo_kz.core.db import AppSession, session_scope


def _read_session() -> Iterator[AppSession]:
    with session_scope() as session:
        yield session


def _write_session() -> Iterator[AppSession]:
    with session_scope(write=True) as session:
        yield session


ReadSession = Annotated[AppSession, Depends(_read_session)]
WriteSession = Annotated[AppSession, Depends(_write_session)]
