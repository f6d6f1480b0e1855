"""The product catalogue over REST: thin routes around `oppo_kz.products.service`."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from oppo_kz.api.deps import WriteSession, bearer_token, oauth2_scheme, require, signed_in
from oppo_kz.api.export import Exporter, ExportFormat, list_params, streamed
from oppo_kz.api.listing import LIST_DESCRIPTION, list_parameters
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.api.versioning import VersionedWrite, versioned_write, with_etag
from oppo_kz.auth import service as auth
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import AppSession, run_read, session_scope
from oppo_kz.lib.listing import DEFAULT_PAGE_SIZE
from oppo_kz.products import history, importer, ws
from oppo_kz.products import service as products
from oppo_kz.products.models import (
    ImportResult,
    Product,
    ProductCreate,
    ProductPublic,
    ProductReplace,
    ProductRevert,
    ProductsPage,
    ProductUpdate,
)

router = APIRouter(prefix="/products", tags=["products"])
BearerToken = Annotated[str | None, Depends(oauth2_scheme)]
Creator = Annotated[Principal, Depends(require(Permission.products_create))]
Editor = Annotated[VersionedWrite, versioned_write(Permission.products_update)]
Deleter = Annotated[VersionedWrite, versioned_write(Permission.products_delete)]


@router.get(
    "",
    response_model=ProductsPage,
    responses=errors(400),
    description=LIST_DESCRIPTION,
    openapi_extra={"parameters": list_parameters(products.PRODUCTS)},
)
async def list_products(request: Request, token: BearerToken) -> Response:
    """A page of products, filtered, searched and sorted."""
    params = request.query_params.multi_items()
    if not _on_the_loop(params):
        body = await run_in_threadpool(_list_json_session, token, params)
    elif get_settings().is_sqlite:
        body = await run_read(partial(_list_json, token, params))
    else:
        actor = await signed_in(token)
        query = products.parse_query(params)
        body = await products.list_products_json_async(actor=actor, query=query)
    return Response(body, media_type="application/json")


# The list and one product are the API's hot paths, and they never hop to the thread pool when they
# need not. On PostgreSQL every read awaits on the event loop (`core.db.run_read`). On SQLite a read
# is CPU work in this process, holding the GIL for most of its ~1 ms, so a hop to the thread pool and
# back costs more than it frees (a filtered page served inline: ~1.5x the throughput on two cores);
# only reads that may scan (text search, offsets past INLINE_MAX_OFFSET rows) go to the pool there,
# so they never stall the loop, the health check or the WebSocket feed.
INLINE_MAX_OFFSET = 10_000


def _on_the_loop(params: list[tuple[str, str]]) -> bool:
    if not get_settings().is_sqlite:
        return True
    page, page_size = 1, DEFAULT_PAGE_SIZE
    for key, value in params:
        if key == "q" or key.endswith("__contains"):
            return False
        if key in ("page", "page_size"):
            if not value.isdigit() or len(value) > 9:
                return False  # let the thread pool report the error; it is rare
            if key == "page":
                page = int(value)
            else:
                page_size = int(value)
    return (page - 1) * page_size <= INLINE_MAX_OFFSET


def _signed_in(session: AppSession, token: str | None) -> Principal:
    return auth.principal_from_access_token(session=session, token=bearer_token(token))


# One read-only database session (no transaction) for both the sign-in check, when the login is not
# cached, and the read.
def _list_json(token: str | None, params: list[tuple[str, str]], session: AppSession) -> bytes:
    actor = _signed_in(session, token)
    return products.list_products_json(session=session, actor=actor, query=products.parse_query(params))


def _list_json_session(token: str | None, params: list[tuple[str, str]]) -> bytes:
    with session_scope(read_only=True) as session:
        return _list_json(token, params, session)


def _product_json(token: str | None, product_id: int, session: AppSession) -> tuple[bytes, int]:
    actor = _signed_in(session, token)
    return products.get_product_json(session=session, actor=actor, product_id=product_id)


@router.post(
    "", response_model=ProductPublic, status_code=status.HTTP_201_CREATED, responses=errors(403, 409)
)
def create_product(body: ProductCreate, session: WriteSession, actor: Creator, response: Response) -> Product:
    """Add a product; 409 when its SKU exists."""
    product = products.create_product(session=session, actor=actor, product_in=body)
    response.headers["Location"] = f"/api/v1/products/{product.id}"
    return with_etag(response, product)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses=errors(400, 403),
    description=LIST_DESCRIPTION,
    openapi_extra={"parameters": list_parameters(products.PRODUCTS)},
)
def export_products(request: Request, actor: Exporter, format: ExportFormat = "csv") -> StreamingResponse:
    """Every product the filters match (no cap), in the list's order, as CSV (UTF-8 with a BOM) or XLSX."""
    query = products.parse_query(list_params(request))
    actor.require(Permission.products_read)

    def rows() -> Iterator[tuple[Any, ...]]:
        with session_scope() as session:
            yield from products.export_rows(session=session, actor=actor, query=query)

    return streamed(format, "products", products.PRODUCTS.output, rows())


@router.get("/{product_id}", response_model=ProductPublic, responses=errors(404))
async def get_product(product_id: RowId, token: BearerToken) -> Response:
    """One product, with its version as the ETag."""
    if get_settings().is_sqlite:
        body, version = await run_read(partial(_product_json, token, product_id))
    else:
        actor = await signed_in(token)
        body, version = await products.get_product_json_async(actor=actor, product_id=product_id)
    return _tagged_json(body, version)


# PATCH and PUT are the hot writes (`audit.row_write`), without the ORM's unit of work: on PostgreSQL
# on the event loop, on SQLite inline on it once the writer lock is theirs (else in a worker thread).


@router.patch("/{product_id}", response_model=ProductPublic, responses=errors(403, 404, 409))
async def update_product(product_id: RowId, body: ProductUpdate, write: Editor) -> Any:
    """Change some fields; a stale `version` (body or If-Match) is 409."""
    answer = await products.update_product_async(
        actor=write.actor, product_id=product_id, changes=body, expected_version=write.expected_version
    )
    return _tagged_json(*answer)


@router.put("/{product_id}", response_model=ProductPublic, responses=errors(403, 404, 409))
async def replace_product(product_id: RowId, body: ProductReplace, write: Editor) -> Any:
    """Replace every field; a stale `version` (body or If-Match) is 409."""
    answer = await products.replace_product_async(
        actor=write.actor, product_id=product_id, product_in=body, expected_version=write.expected_version
    )
    return _tagged_json(*answer)


def _tagged_json(body: bytes, version: int) -> Response:
    """A product's JSON answer with its version as the ETag (GET, and PATCH/PUT on the loop)."""
    return Response(body, media_type="application/json", headers={"ETag": f'"{version}"'})


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_product(product_id: RowId, write: Deleter) -> Response:
    """Delete a product; with If-Match, only if it is unchanged."""
    products.delete_product(**write.args, product_id=product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- audit: revert one change; import many rows ----------------------------------------------------


@router.post("/{product_id}/revert", response_model=ProductPublic, responses=errors(403, 404, 409))
def revert_product(product_id: RowId, body: ProductRevert, write: Editor) -> Product:
    """Put back the fields one audited change of this product changed, as they were before it."""
    reverted = history.revert_product(
        **write.args, product_id=product_id, audit_id=body.audit_id, version=body.version
    )
    return write.tagged(reverted)


Importer = Annotated[Principal, Depends(require(Permission.products_create))]


@router.post("/import", response_model=ImportResult, responses=errors(400, 403, 413))
def import_products(
    session: WriteSession,
    actor: Importer,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, BOM allowed) or XLSX, at most 10 MiB")],
    dry_run: Annotated[bool, Query(description="Check and count only; write nothing.")] = False,
    dry_run_form: Annotated[bool | None, Form(alias="dry_run")] = None,
) -> ImportResult:
    """Upsert products by SKU from a file, all or nothing: any invalid row is a 422 listing every row's errors."""
    content = file.file.read(importer.MAX_IMPORT_BYTES + 1)  # one byte more tells a file too large
    dry = dry_run if dry_run_form is None else dry_run_form
    return importer.import_products(session=session, actor=actor, content=content, dry_run=dry)


# The live feed shares this domain; its socket lives in products/ws.py.
routers = (router, ws.router)
