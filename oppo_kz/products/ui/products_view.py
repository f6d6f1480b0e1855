"""What the /products table shows, as plain data: the view in the URL (filters, sort, page) and a row
formatted for a language. No Reflex state here, so it is tested as plain functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from oppo_kz.lib import formatting
from oppo_kz.lib.listing import Filter, ListQuery, SortKey
from oppo_kz.products.models import Category
from oppo_kz.ui.format import memory, parse_whole_number

PAGE_SIZES = (20, 50, 100)
CATEGORIES = tuple(c.value for c in Category)
SORTABLE = ("sku", "name", "category", "series", "storage_gb", "price", "stock", "is_active", "updated_at")
HIGHLIGHT_SECONDS = 2.5
# At or below this many in stock a product is flagged "low" (zero: "out of stock").
LOW_STOCK = 5
# The phone layout's sort menu (the table's headers do it on a desk): (catalog key, sort).
SORT_CHOICES = (
    ("products.sort.default", ""),
    ("products.sort.name", "name"),
    ("products.sort.price_asc", "price"),
    ("products.sort.price_desc", "-price"),
    ("products.sort.stock_asc", "stock"),
    ("products.sort.updated_desc", "-updated_at"),
)


@dataclass(frozen=True)
class ListView:
    """What the URL says the table shows. Invalid parameters fall back to defaults."""

    q: str = ""
    categories: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    active_only: bool = False
    sort: str = ""
    page: int = 1
    page_size: int = PAGE_SIZES[0]

    @classmethod
    def from_params(cls, params: dict[str, str]) -> ListView:
        def number(name: str) -> int | None:
            try:
                value = parse_whole_number(params.get(name, ""))
            except ValueError:
                return None
            return value if value >= 0 else None

        def positive(name: str, default: int) -> int:
            value = number(name)
            return value if value and value >= 1 else default

        sort = params.get("sort", "")
        if sort.lstrip("-") not in SORTABLE:
            sort = ""
        page_size = positive("page_size", PAGE_SIZES[0])
        return cls(
            # Kept as typed (a trailing space too, so typing "reno 14" is not cut); trimmed for the query.
            q=params.get("q", "")[:100],
            categories=tuple(c for c in CATEGORIES if c in params.get("category", "").split(",")),
            price_min=number("price_min"),
            price_max=number("price_max"),
            active_only=params.get("active") in {"1", "true"},
            sort=sort,
            page=min(positive("page", 1), 1_000_000),
            page_size=page_size if page_size in PAGE_SIZES else PAGE_SIZES[0],
        )

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.q:
            params["q"] = self.q
        if self.categories:
            params["category"] = ",".join(self.categories)
        if self.price_min is not None:
            params["price_min"] = str(self.price_min)
        if self.price_max is not None:
            params["price_max"] = str(self.price_max)
        if self.active_only:
            params["active"] = "1"
        if self.sort:
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = str(self.page)
        if self.page_size != PAGE_SIZES[0]:
            params["page_size"] = str(self.page_size)
        return params

    def url(self) -> str:
        params = self.to_params()
        return "/products" + (f"?{urlencode(params)}" if params else "")

    @property
    def active_filters(self) -> int:
        """How many filters narrow the list (the search counts as one; the price range as one)."""
        return (
            bool(self.q.strip())
            + bool(self.categories)
            + (self.price_min is not None or self.price_max is not None)
            + self.active_only
        )

    @property
    def has_filters(self) -> bool:
        return bool(
            self.q
            or self.categories
            or self.price_min is not None
            or self.price_max is not None
            or self.active_only
        )

    def query(self) -> ListQuery:
        filters: list[Filter] = []
        if self.categories:
            filters.append(Filter("category", "in", self.categories))
        if self.price_min is not None:
            filters.append(Filter("price", "gte", self.price_min))
        if self.price_max is not None:
            filters.append(Filter("price", "lte", self.price_max))
        if self.active_only:
            filters.append(Filter("is_active", "eq", True))
        sort = (SortKey(self.sort.lstrip("-"), self.sort.startswith("-")),) if self.sort else ()
        return ListQuery(
            page=self.page,
            page_size=self.page_size,
            sort=sort,
            filters=tuple(filters),
            q=self.q.strip() or None,
        )


def stock_level(stock: int) -> str:
    """'zero', 'low' (at most LOW_STOCK) or 'ok': the cue beside a stock figure."""
    return "zero" if stock <= 0 else "low" if stock <= LOW_STOCK else "ok"


def table_row(item: Any, lang: str = formatting.DEFAULT_LANG) -> dict[str, Any]:
    """A product as the list shows it in `lang`: formatted strings, computed on the server."""
    return {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "category": str(getattr(item.category, "value", item.category)),
        "series": item.series or formatting.DASH,
        "memory": memory(item.ram_gb, item.storage_gb, lang),
        "price": formatting.money(item.price, lang),
        "stock": formatting.number(item.stock, lang),
        "stock_level": stock_level(item.stock),
        "is_active": bool(item.is_active),
        "updated": formatting.moment(item.updated_at, lang),
    }
