"""The pure parts of /targets: which months the page takes and how a grid row reads."""

from __future__ import annotations

import pytest

from oppo_kz.targets.service import month_of, previous_month
from oppo_kz.targets.ui.targets_state import grid_rows, valid_month


@pytest.mark.parametrize(
    ("text", "month"), [("2026-11", "2026-11"), ("2026-13", None), ("11-2026", None), ("", None)]
)
def test_only_months_are_taken_from_the_url(text: str, month: str | None) -> None:
    assert valid_month(text) == month


def test_the_month_before_wraps_the_year() -> None:
    assert previous_month("2026-01") == "2025-12"
    assert previous_month("2026-11") == "2026-10"
    from datetime import date

    assert month_of(date(999, 3, 4)) == "0999-03"


def test_a_row_holds_plain_figures_for_its_inputs_and_formatted_ones_for_reading() -> None:
    grid = [
        {
            "kind": "store",
            "subject_id": 7,
            "label": "Sulpak Mega",
            "target_id": 1,
            "units": 10,
            "amount": 2_000_000,
        },
        {"kind": "store", "subject_id": 8, "label": "Kaspi Shop", "target_id": None, "units": 0, "amount": 0},
    ]
    sold = {7: {"amount": 1_500_000, "amount_pct": 75.0, "units_pct": 90.0}}
    first, second = grid_rows(grid, sold, "ru")
    assert (first["units"], first["amount"]) == ("10", "2000000")
    assert first["amount_text"] == "2\u00a0000\u00a0000\u00a0₸"
    assert (first["sold"], first["pct"]) == ("1\u00a0500\u00a0000\u00a0₸", "75,0\u00a0%")
    assert (second["units"], second["amount"], second["pct"], second["units_text"]) == ("", "", "—", "—")
