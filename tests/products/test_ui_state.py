"""The pure functions behind the products pages: the URL <-> view mapping, form parsing, page buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from oppo_kz.lib.listing import Filter, SortKey
from oppo_kz.products.models import Category, Product
from oppo_kz.products.ui.product_form_state import form_values, parse_form, validation_errors
from oppo_kz.products.ui.products_view import PAGE_SIZES, ListView, stock_level, table_row
from oppo_kz.ui.paging import page_numbers
from oppo_kz.ui.validation import error_kind


def test_a_view_survives_the_round_trip_through_its_url() -> None:
    view = ListView(
        q="reno 14 ",
        categories=("smartphone", "tablet"),
        price_min=100_000,
        price_max=300_000,
        active_only=True,
        sort="-price",
        page=3,
        page_size=50,
    )
    params = view.to_params()
    assert ListView.from_params(params) == view
    assert view.url().startswith("/products?q=reno+14+&category=smartphone%2Ctablet&price_min=100000")
    assert ListView().url() == "/products"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sort": "password_hash"}, ListView()),
        ({"sort": "-nope"}, ListView()),
        ({"page": "0"}, ListView()),
        ({"page": "-4"}, ListView()),
        ({"page": "abc"}, ListView()),
        ({"page": "99999999"}, ListView(page=1_000_000)),
        ({"page_size": "37"}, ListView()),
        ({"price_min": "-5"}, ListView()),
        ({"price_min": "199 990"}, ListView(price_min=199_990)),
        ({"category": "tv,tablet,tablet"}, ListView(categories=("tablet",))),
        ({"active": "yes"}, ListView()),
        ({"active": "1"}, ListView(active_only=True)),
        ({"q": "x" * 500}, ListView(q="x" * 100)),
    ],
)
def test_bad_url_parameters_fall_back_to_defaults(params: dict[str, str], expected: ListView) -> None:
    assert ListView.from_params(params) == expected


def test_the_view_becomes_the_list_query() -> None:
    view = ListView(
        q="  find ", categories=("audio",), price_min=5, price_max=9, active_only=True, sort="-stock"
    )
    query = view.query()
    assert query.q == "find"
    assert query.sort == (SortKey("stock", True),)
    assert query.filters == (
        Filter("category", "in", ("audio",)),
        Filter("price", "gte", 5),
        Filter("price", "lte", 9),
        Filter("is_active", "eq", True),
    )
    assert (query.page, query.page_size) == (1, PAGE_SIZES[0])
    assert ListView(q="   ").query().q is None


@pytest.mark.parametrize(
    ("page", "pages", "expected"),
    [
        (1, 0, []),
        (1, 1, [1]),
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
        (1, 20, [1, 2, 3, 4, 5, 6, 0, 20]),
        (10, 20, [1, 0, 8, 9, 10, 11, 12, 0, 20]),
        (20, 20, [1, 0, 15, 16, 17, 18, 19, 20]),
        (3, 8, [1, 2, 3, 4, 5, 6, 0, 8]),
    ],
)
def test_page_numbers_show_the_ends_and_a_window_around_the_page(
    page: int, pages: int, expected: list[int]
) -> None:
    numbers = page_numbers(page, pages)
    assert numbers == expected
    assert len(numbers) <= 9
    if pages:
        assert page in numbers


def test_form_values_and_parse_form_round_trip_a_product() -> None:
    product = Product(
        id=7,
        sku="RENO14-12-256",
        name="OPPO Reno14",
        category=Category.smartphone,
        series="Reno",
        color=None,
        ram_gb=12,
        storage_gb=256,
        price=199_990,
        stock=3,
        is_active=False,
        launch_date=date(2025, 7, 1),
    )
    values = form_values(product)
    assert values["price"] == "199990"
    assert values["color"] == ""
    assert values["is_active"] == "false"
    assert values["launch_date"] == "2025-07-01"
    data, errors = parse_form(values)
    assert errors == {}
    assert data["price"] == 199_990
    assert data["color"] is None
    assert data["is_active"] is False
    assert data["launch_date"] == date(2025, 7, 1)


def test_parse_form_names_every_field_of_the_wrong_type() -> None:
    form = form_values(None) | {"price": "12,5", "stock": "", "ram_gb": "", "launch_date": "1.7.2025"}
    data, errors = parse_form(form)
    assert set(errors) == {"price", "stock", "launch_date"}
    assert data["ram_gb"] is None  # optional numbers may be left empty
    assert parse_form(form_values(None) | {"price": "199 990", "stock": "0"})[0]["price"] == 199_990


def test_table_row_formats_money_memory_and_dates_in_the_tab_language() -> None:
    nbsp = "\u00a0"
    product = Product(
        id=1,
        sku="A5",
        name="OPPO A5",
        category=Category.smartphone,
        ram_gb=8,
        storage_gb=256,
        price=1_234_567,
        stock=3,
        updated_at=datetime(2026, 11, 30, 19, 30, tzinfo=UTC),
    )
    row = table_row(product, "ru")
    assert row["price"] == f"1{nbsp}234{nbsp}567{nbsp}₸"
    assert row["memory"] == f"8/256{nbsp}ГБ"
    assert row["series"] == "—"
    assert row["category"] == "smartphone"  # the page shows its label from the catalog
    assert row["updated"] == "01.12.2026 00:30"  # Almaty time: already the next day
    assert row["stock_level"] == "low"
    english = table_row(product, "en")
    assert (english["price"], english["memory"]) == (f"1,234,567{nbsp}₸", f"8/256{nbsp}GB")


@pytest.mark.parametrize(("stock", "level"), [(0, "zero"), (1, "low"), (5, "low"), (6, "ok"), (500, "ok")])
def test_low_and_zero_stock_are_flagged(stock: int, level: str) -> None:
    assert stock_level(stock) == level


def test_every_invalid_field_is_reported_at_once_with_its_type() -> None:
    form = form_values(None) | {"sku": "BAD SKU", "name": " ", "price": "-5", "stock": "lots", "ram_gb": "x"}
    checked, errors = validation_errors(form)
    assert checked is None
    kinds = {_field(e): error_kind(e)[0] for e in errors}
    assert kinds == {
        "sku": "format",
        "name": "required",
        "price": "min",
        "stock": "whole_number",
        "ram_gb": "whole_number",
    }
    checked, errors = validation_errors(form_values(None) | {"sku": "a5-8", "name": "OPPO A5", "price": "1"})
    assert errors == []
    assert checked is not None
    assert checked.sku == "A5-8"


def _field(error: dict) -> str:
    return error.get("field") or error["loc"][0]


@pytest.mark.parametrize(
    ("params", "count"),
    [({}, 0), ({"q": "reno"}, 1), ({"q": "  "}, 0), ({"price_min": "5", "price_max": "9"}, 1),
     ({"category": "audio,tablet", "active": "1", "q": "x", "price_max": "7"}, 4)],
)  # fmt: skip
def test_the_filters_button_counts_active_filters(params: dict[str, str], count: int) -> None:
    assert ListView.from_params(params).active_filters == count
