"""The ceiling: a bare FastAPI + psycopg app that runs the same SQL as our products routes, nothing else.

    CEILING_SQL=statements.json DATABASE_DSN=postgresql://... python bench/ceiling_app.py PORT

No sign-in check, no ORM, no middleware of ours: an async route takes a connection from a fixed set
of open autocommit connections, runs the statements our app sent for that route (captured by
bench/peers/ours.py and passed in CEILING_SQL) and answers the rows as JSON. Paths match ours, so the same
wrk scripts drive both.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import uvicorn
from fastapi import FastAPI, Request, Response
from psycopg.rows import dict_row

POOL_SIZE = 16
SQL: dict[str, Any] = json.loads(open(os.environ["CEILING_SQL"]).read())  # noqa: SIM115
pool: asyncio.Queue[psycopg.AsyncConnection[Any]] = asyncio.Queue()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    for _ in range(POOL_SIZE):
        conn = await psycopg.AsyncConnection.connect(
            os.environ["DATABASE_DSN"], autocommit=True, row_factory=dict_row, application_name="ceiling"
        )
        pool.put_nowait(conn)
    yield
    while not pool.empty():
        await pool.get_nowait().close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


def _json(rows: Any) -> Response:
    return Response(json.dumps(rows, default=str), media_type="application/json")


async def _run(statements: list[dict[str, Any]], **override: Any) -> list[dict[str, Any]]:
    conn = await pool.get()
    try:
        rows: list[dict[str, Any]] = []
        for statement in statements:
            cur = await conn.execute(statement["sql"], {**statement["params"], **override})
            rows = await cur.fetchall()
        return rows
    finally:
        pool.put_nowait(conn)


@app.get("/api/v1/health")
async def health() -> Response:
    conn = await pool.get()
    try:
        await conn.execute("SELECT 1")
    finally:
        pool.put_nowait(conn)
    return _json({"status": "ok"})


@app.get("/api/v1/products/{product_id}")
async def get_product(product_id: int) -> Response:
    rows = await _run(SQL["get"], **{SQL["get_id_param"]: product_id})
    return _json(rows[0] if rows else None)


@app.get("/api/v1/products")
async def list_products(request: Request) -> Response:
    page = request.query_params.get("page")
    return _json({"items": await _run(SQL["deep" if page else "page"])})


@app.patch("/api/v1/products/{product_id}")
async def patch_product(product_id: int, request: Request) -> Response:
    body = await request.json()
    conn = await pool.get()
    try:
        async with conn.transaction():
            cur = await conn.execute(SQL["get"][0]["sql"], {SQL["get_id_param"]: product_id})
            row = await cur.fetchone()
            await conn.execute(
                "UPDATE products SET stock = %(stock)s, updated_at = now(), version = version + 1 "
                "WHERE products.id = %(id)s",
                {"stock": body["stock"], "id": product_id},
            )
    finally:
        pool.put_nowait(conn)
    return _json(row)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=False, log_level="warning")
