"""One list engine for every resource: field specs -> filters, sort, paging, text search and counts, as SQL.

PRODUCTS = spec_for_table(Product.__table__, search=TextSearch(("sku", "name")))
page = fetch_page(session, PRODUCTS, parse_query(PRODUCTS, request.query_params.multi_items()))
page.to_json()  # {"items", "total", "page", "page_size", "pages"}
"""

from oppo_kz.lib.listing.counts import CountCache, count_cache
from oppo_kz.lib.listing.query import (
    MAX_IN_VALUES,
    MAX_PAGE,
    Filter,
    ListQuery,
    SortKey,
    parse_filter,
    parse_query,
    validate_query,
)
from oppo_kz.lib.listing.spec import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    OPERATORS,
    RESERVED_PARAMETERS,
    FieldSpec,
    Kind,
    ListSpec,
    TextSearch,
    field_for_column,
    spec_for_table,
)
from oppo_kz.lib.listing.sql import (
    FTS_MIN_CHARS,
    Page,
    Scope,
    aggregate,
    aggregate_statement,
    fetch_page,
    fetch_page_async,
    fetch_row,
    fetch_row_async,
    iterate,
)
from oppo_kz.lib.listing.values import filter_error

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "FTS_MIN_CHARS",
    "MAX_IN_VALUES",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "OPERATORS",
    "RESERVED_PARAMETERS",
    "CountCache",
    "FieldSpec",
    "Filter",
    "Kind",
    "ListQuery",
    "ListSpec",
    "Page",
    "Scope",
    "SortKey",
    "TextSearch",
    "aggregate",
    "aggregate_statement",
    "count_cache",
    "fetch_page",
    "fetch_page_async",
    "fetch_row",
    "fetch_row_async",
    "field_for_column",
    "filter_error",
    "iterate",
    "parse_filter",
    "parse_query",
    "spec_for_table",
    "validate_query",
]
