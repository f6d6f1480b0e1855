"""Products: the list (through the shared list engine) and every write, each behind its permission.

Writes load the row with SELECT ... FOR UPDATE (SQLite write sessions are serialised by BEGIN
IMMEDIATE already), compare `version`, and commit; the mapper hooks of `products.events` bump
`version` and `updated_at` and publish the change after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any

from pydantic_core import to_json
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from oppo_kz.audit.row_write import RowUpdate
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor, table_of
from oppo_kz.core.errors import ConflictError, NotFoundError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import ListQuery, TextSearch
from oppo_kz.lib.versioned import (
    Versioned,
    apply_changes,
    check_echo,
    check_version,
    commit_delete,
    not_found,
)
from oppo_kz.products.events import product_payload
from oppo_kz.products.models import (
    SEARCH_TABLE,
    Product,
    ProductCreate,
    ProductPublic,
    ProductReplace,
    ProductsPage,
    ProductUpdate,
    normalize_sku,
)

PRODUCTS = listing.spec_for_table(
    table_of(Product),
    output=tuple(ProductPublic.model_fields),
    search=TextSearch(fields=("sku", "name"), fts_table=SEARCH_TABLE, fts_fields=("sku", "name")),
    # SKUs are stored upper-cased; compare them the same way.
    overrides={"sku": {"normalize": normalize_sku}},
)

_PRODUCT = Versioned(Product, "Product")
# PATCH and PUT on PostgreSQL: the same write on the event loop, in four round trips.
_ON_THE_LOOP = RowUpdate(table_of(Product), topic="product", entity="product", payload=product_payload)


def parse_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated products query from raw query-string pairs."""
    return listing.parse_query(PRODUCTS, params)


def _page(session: Session, actor: Principal, query: ListQuery) -> listing.Page:
    actor.require(Permission.products_read)
    return listing.fetch_page(session, PRODUCTS, query)


def list_products(*, session: Session, actor: Principal, query: ListQuery) -> ProductsPage:
    """One page of products matching the query's filters and search, in its order, with the total."""
    page = _page(session, actor, query)
    return ProductsPage.model_construct(
        items=[ProductPublic.model_construct(None, **item) for item in page.items()],
        total=page.total,
        page=page.query.page,
        page_size=page.query.page_size,
        pages=page.pages,
    )


def export_rows(*, session: Session, actor: Principal, query: ListQuery) -> Iterator[tuple[Any, ...]]:
    """Every product the query matches, in its order, as rows of `PRODUCTS.output` (for exports)."""
    actor.require(Permission.products_read)
    yield from listing.iterate(session, PRODUCTS, query)


def list_products_json(*, session: Session, actor: Principal, query: ListQuery) -> bytes:
    """`list_products` as the JSON the REST API sends, built without model instances (the hot path)."""
    return _page(session, actor, query).to_json()


async def list_products_json_async(*, actor: Principal, query: ListQuery) -> bytes:
    """`list_products_json` from the event loop (PostgreSQL: `listing.fetch_page_async`)."""
    actor.require(Permission.products_read)
    page = await listing.fetch_page_async(PRODUCTS, query)
    return page.to_json()


async def get_product_json_async(*, actor: Principal, product_id: int) -> tuple[bytes, int]:
    """`get_product_json` from the event loop (PostgreSQL: `listing.fetch_row_async`)."""
    actor.require(Permission.products_read)
    row = await listing.fetch_row_async(PRODUCTS, product_id) if is_row_id(product_id) else None
    return _product_answer(row, product_id)


def get_product_json(*, session: Session, actor: Principal, product_id: int) -> tuple[bytes, int]:
    """`get_product` as the JSON the REST API sends (a list item's) and its version (the hot path)."""
    actor.require(Permission.products_read)
    row = listing.fetch_row(session, PRODUCTS, product_id) if is_row_id(product_id) else None
    return _product_answer(row, product_id)


def _product_answer(row: dict[str, Any] | None, product_id: int) -> tuple[bytes, int]:
    if row is None:
        raise _not_found(product_id)
    return to_json(row), row["version"]


def get_product(*, session: Session, actor: Principal, product_id: int) -> Product:
    """One product, or `NotFoundError`."""
    actor.require(Permission.products_read)
    product = session.get(Product, product_id) if is_row_id(product_id) else None
    if product is None:
        raise _not_found(product_id)
    return product


# --- writes --------------------------------------------------------------------------------------


def _not_found(product_id: Any) -> NotFoundError:
    return not_found("Product", product_id)


def _sku_taken(sku: str) -> ConflictError:
    return ConflictError(
        f"A product with the SKU {sku} already exists.", details={"field": "sku", "sku": sku}
    )


def _ensure_sku_free(session: Session, sku: str, product_id: int | None = None) -> None:
    stmt = select(Product.id).where(col(Product.sku) == sku)
    if product_id is not None:
        stmt = stmt.where(col(Product.id) != product_id)
    if session.execute(stmt.limit(1)).first() is not None:
        raise _sku_taken(sku)


def commit_products(session: Session, sku: str) -> None:
    """Commit product writes; a unique-SKU race lost to another writer is a `ConflictError`."""
    try:
        session.commit()
    except IntegrityError:
        # Another writer took the SKU between our check and our commit.
        session.rollback()
        raise _sku_taken(sku) from None


def create_product(*, session: Session, actor: Principal, product_in: ProductCreate) -> Product:
    """Add a product; `ConflictError` when its SKU exists."""
    actor.require(Permission.products_create)
    set_actor(session, actor)
    product = add_product(session, product_in)
    commit_products(session, product.sku)
    return product


def add_product(session: Session, product_in: ProductCreate, *, sku_checked: bool = False) -> Product:
    """Add a product to the session's transaction (the caller commits); `ConflictError` on a taken SKU
    (`sku_checked`: the caller looked the SKUs up already; the unique constraint still guards them)."""
    data = product_in.model_dump(include=set(ProductCreate.model_fields))
    if not sku_checked:
        _ensure_sku_free(session, data["sku"])
    product = Product(**data)
    session.add(product)
    return product


def apply_product_changes(session: Session, product: Product, data: dict[str, Any]) -> None:
    """Set the fields of `data` that differ (validated by `ProductUpdate`); the caller commits."""
    if "sku" in data and data["sku"] != product.sku:
        _ensure_sku_free(session, data["sku"], product.id)
    apply_changes(product, data)


def _change(
    session: Session,
    actor: Principal,
    product_id: int,
    body: ProductUpdate | ProductReplace,
    data: dict[str, Any],
    expected_version: int | tuple[int, ...] | None,
) -> Product:
    product = _PRODUCT.open(
        session, actor, Permission.products_update, product_id, body.version, expected_version, echo=body
    )
    apply_product_changes(session, product, data)
    commit_products(session, product.sku)
    return product


def update_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    changes: ProductUpdate,
    expected_version: int | tuple[int, ...] | None = None,
) -> Product:
    """Change the fields sent; a stale `version` (in `changes` or `expected_version`) is a conflict."""
    data = changes.model_dump(exclude_unset=True, exclude={"version"})
    return _change(session, actor, product_id, changes, data, expected_version)


def replace_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    product_in: ProductReplace,
    expected_version: int | tuple[int, ...] | None = None,
) -> Product:
    """Replace every editable field; the same version rule as `update_product`."""
    data = product_in.model_dump(include=set(ProductCreate.model_fields))
    return _change(session, actor, product_id, product_in, data, expected_version)


async def update_product_async(
    *,
    actor: Principal,
    product_id: int,
    changes: ProductUpdate,
    expected_version: int | tuple[int, ...] | None = None,
) -> tuple[bytes, int]:
    """`update_product` from the event loop (PostgreSQL): the product's JSON and its new version."""
    data = changes.model_dump(exclude_unset=True, exclude={"version"})
    return await _change_async(actor, product_id, changes, data, expected_version)


async def replace_product_async(
    *,
    actor: Principal,
    product_id: int,
    product_in: ProductReplace,
    expected_version: int | tuple[int, ...] | None = None,
) -> tuple[bytes, int]:
    """`replace_product` from the event loop (PostgreSQL)."""
    data = product_in.model_dump(include=set(ProductCreate.model_fields))
    return await _change_async(actor, product_id, product_in, data, expected_version)


async def _change_async(
    actor: Principal,
    product_id: int,
    body: ProductUpdate | ProductReplace,
    data: dict[str, Any],
    expected_version: int | tuple[int, ...] | None,
) -> tuple[bytes, int]:
    # The checks of `_PRODUCT.open`, in its order: 403, 404, 422 (echo), 409 (version); then the SKU.
    actor.require(Permission.products_update)
    if not is_row_id(product_id):
        raise _not_found(product_id)

    def decide(row: dict[str, Any]) -> dict[str, Any]:
        current = SimpleNamespace(**row)
        check_echo(body, current, "Product")
        check_version(current, "Product", body.version, expected_version)
        return data

    product = await _ON_THE_LOOP.update(
        product_id,
        actor=actor,
        decide=decide,
        not_found=lambda: _not_found(product_id),
        unique_taken=lambda changes: _sku_taken(changes["sku"]),
    )
    return to_json(product), product["version"]


def delete_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    expected_version: int | tuple[int, ...] | None = None,
) -> None:
    """Delete a product; with `expected_version`, only if nobody changed it since."""
    product = _PRODUCT.open(session, actor, Permission.products_delete, product_id, expected_version)
    session.delete(product)
    commit_delete(session, "Product", product_id)
