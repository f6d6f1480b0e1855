"""The sales and stores pages' own logic, without a browser: what the URL says, what the forms parse."""

from __future__ import annotations

from datetime import date

import pytest

from oppo_kz.lib.listing import Filter, SortKey
from oppo_kz.sales.ui.new_sale_state import imei_code
from oppo_kz.sales.ui.sales_state import SalesView, export_params
from oppo_kz.stores.ui.store_state import parse_store


def test_the_sales_view_round_trips_through_the_url() -> None:
    params = {
        "q": "reno", "status": "pending", "date_from": "2026-11-01", "date_to": "2026-11-30",
        "store_id": "7", "promoter_id": "12", "sort": "-amount", "page": "3",
    }  # fmt: skip
    view = SalesView.from_params(params)
    assert view.to_params() == params
    assert SalesView.from_params(view.to_params()) == view
    assert view.filter_count == 6
    query = view.query()
    assert set(query.filters) == {
        Filter("status", "eq", "pending"),
        Filter("sale_date", "gte", date(2026, 11, 1)),
        Filter("sale_date", "lte", date(2026, 11, 30)),
        Filter("store_id", "eq", 7),
        Filter("promoter_id", "eq", 12),
    }
    assert query.sort == (SortKey("amount", True),)
    assert (query.page, query.q) == (3, "reno")
    assert view.url().startswith("/sales?q=reno&status=pending")


@pytest.mark.parametrize(
    "params",
    [
        {"status": "deleted"},
        {"date_from": "2026-13-01"},
        {"store_id": "abc"},
        {"store_id": "0"},
        {"promoter_id": "99999999999"},
        {"sort": "password"},
        {"page": "-1"},
        {"page": "x"},
    ],
)
def test_a_url_the_page_did_not_write_falls_back_to_the_default(params: dict[str, str]) -> None:
    assert SalesView.from_params(params) == SalesView()


def test_the_export_takes_the_lists_filters_and_sort() -> None:
    view = SalesView.from_params(
        {"status": "approved", "date_from": "2026-11-01", "q": "a58", "sort": "amount"}
    )
    assert export_params(view.query()) == {
        "status": "approved", "sale_date__gte": "2026-11-01", "q": "a58", "sort": "amount",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", ""),
        ("356938035643809", ""),
        ("35693803564380", "imei_length"),
        ("356938035643808", "imei_checksum"),
        ("35693803564380a", "imei_digits"),
        ("३५६९३८०३५६४३८०९", "imei_digits"),  # Devanagari digits are digits to str.isdigit()
    ],
)
def test_a_typed_imei_gets_the_code_of_its_problem(typed: str, code: str) -> None:
    assert imei_code(typed) == code


def test_the_store_form_reads_numbers_as_people_type_them() -> None:
    data, errors = parse_store(
        {"code": " ala-1 ", "latitude": "43,238", "longitude": "", "supervisor_id": "3"}
    )
    assert errors == {}
    assert (data["code"], data["latitude"], data["longitude"], data["supervisor_id"]) == (
        "ala-1",
        43.238,
        None,
        3,
    )
    for bad in ("abc", "nan", "1e999", "-inf"):
        assert parse_store({"latitude": bad})[1] == {"latitude": "number"}, bad
