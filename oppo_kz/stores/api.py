"""Stores over REST: thin routes around `oppo_kz.stores.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from oppo_kz.api.deps import CurrentUser, ReadSession, WriteSession, require
from oppo_kz.api.listing import json_page, list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.api.versioning import VersionedWrite, versioned_write, with_etag
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.stores import service as stores
from oppo_kz.stores.models import Store, StoreCreate, StorePublic, StoreReplace, StoresPage, StoreUpdate

router = APIRouter(prefix="/stores", tags=["stores"])
Creator = Annotated[Principal, Depends(require(Permission.stores_create))]
Editor = Annotated[VersionedWrite, versioned_write(Permission.stores_update)]
Deleter = Annotated[VersionedWrite, versioned_write(Permission.stores_delete)]


@router.get("", response_model=StoresPage, responses=errors(400), **list_openapi(stores.STORES))
def list_stores(request: Request, session: ReadSession, actor: CurrentUser) -> Response:
    """A page of the stores you may see (all; a supervisor's own; a promoter's stores of today)."""
    query = stores.parse_query(request.query_params.multi_items())
    return json_page(stores.list_stores(session=session, actor=actor, query=query))


@router.post("", response_model=StorePublic, status_code=status.HTTP_201_CREATED, responses=errors(403, 409))
def create_store(body: StoreCreate, session: WriteSession, actor: Creator, response: Response) -> Store:
    """Add a store; 409 when its code exists."""
    store = stores.create_store(session=session, actor=actor, store_in=body)
    response.headers["Location"] = f"/api/v1/stores/{store.id}"
    return with_etag(response, store)


@router.get("/{store_id}", response_model=StorePublic, responses=errors(404))
def get_store(store_id: RowId, session: ReadSession, actor: CurrentUser, response: Response) -> Store:
    """One store, with its version as the ETag."""
    return with_etag(response, stores.get_store(session=session, actor=actor, store_id=store_id))


@router.patch("/{store_id}", response_model=StorePublic, responses=errors(403, 404, 409))
def update_store(store_id: RowId, body: StoreUpdate, write: Editor) -> Store:
    """Change some fields; a stale `version` (body or If-Match) is 409."""
    return write.tagged(stores.update_store(**write.args, store_id=store_id, changes=body))


@router.put("/{store_id}", response_model=StorePublic, responses=errors(403, 404, 409))
def replace_store(store_id: RowId, body: StoreReplace, write: Editor) -> Store:
    """Replace every field; a stale `version` (body or If-Match) is 409."""
    return write.tagged(stores.replace_store(**write.args, store_id=store_id, store_in=body))


@router.delete(
    "/{store_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_store(store_id: RowId, write: Deleter) -> Response:
    """Delete a store that has no sales (409 otherwise: deactivate it instead)."""
    stores.delete_store(**write.args, store_id=store_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


routers = (router,)
