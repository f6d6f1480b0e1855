"""The export buttons send the list's own query: what `query_params` writes parses back to the same
query (filters of every kind, search, sort)."""

from __future__ import annotations

from oppo_kz.products import service as products
from oppo_kz.products.ui.products_view import ListView
from oppo_kz.sales import queries as sales
from oppo_kz.sales.ui.sales_state import SalesView
from oppo_kz.ui.export import query_params


def _same_filters(a: object, b: object) -> bool:
    return {(f.field, f.op, f.value) for f in a.filters} == {(f.field, f.op, f.value) for f in b.filters}  # type: ignore[attr-defined]


def test_the_products_table_query_goes_to_the_export_unchanged() -> None:
    view = ListView.from_params(
        {"q": "Reno", "category": "smartphone,tablet", "price_min": "1000", "price_max": "500000",
         "active_only": "true", "sort": "-price", "page": "3"}
    )  # fmt: skip
    query = view.query()
    assert len(query.filters) >= 3
    parsed = products.parse_query(query_params(query))
    assert _same_filters(parsed, query)
    assert (parsed.q, parsed.sort) == (query.q, query.sort)
    assert parsed.page == 1  # every page, not the one shown


def test_the_sales_list_query_goes_to_the_export_unchanged() -> None:
    view = SalesView.from_params(
        {"status": "pending", "date_from": "2026-11-01", "date_to": "2026-11-30", "store_id": "3", "q": "864"}
    )
    query = view.query()
    assert len(query.filters) == 4
    parsed = sales.parse_query(query_params(query))
    assert _same_filters(parsed, query)
    assert parsed.q == "864"
