"""The product history as the page shows it: an entry's heading, its lines in each language, revert."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from oppo_kz.products.ui.product_history_state import entry_row, shown_value
from oppo_kz.ui.i18n import tr

NBSP = "\u00a0"
AT = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)


def _entry(action: str, changes: dict[str, Any], email: str | None = "office@oppo.kz") -> dict[str, Any]:
    return {"id": 7, "action": action, "actor_email": email, "at": AT, "changes": changes}


def test_an_update_reads_field_by_field_in_each_language() -> None:
    changes = {"price": [150_000, 155_000], "is_active": [True, False], "category": ["audio", "tablet"]}
    row = entry_row(_entry("update", changes), "ru", may_revert=True)
    assert row["heading"] == "Изменён · office@oppo.kz"
    assert row["at"] == "01.12.2026 15:05"  # Asia/Almaty
    assert row["lines"].split("\n") == [
        f"Цена, ₸: 150{NBSP}000{NBSP}₸ → 155{NBSP}000{NBSP}₸",
        "В продаже: да → нет",
        "Категория: Аудио → Планшет",
    ]
    assert row["revertible"] == "true"
    english = entry_row(_entry("update", {"color": [None, "Blue"]}, email=None), "en", may_revert=True)
    assert english["heading"] == "Changed · system"
    assert english["lines"] == f"{tr('en', 'products.field.color')}: — → Blue"
    assert entry_row(_entry("update", changes), "kk", may_revert=True)["heading"].startswith("Өзгертілді")


def test_only_changes_are_revertible_and_only_for_who_may() -> None:
    created = entry_row(_entry("create", {"sku": [None, "X"]}), "ru", may_revert=True)
    assert (created["revertible"], created["lines"]) == ("false", "")
    assert entry_row(_entry("update", {"price": [1, 2]}), "ru", may_revert=False)["revertible"] == "false"
    assert entry_row(_entry("revert", {"price": [2, 1]}), "en", may_revert=True)["revertible"] == "true"
    assert entry_row(_entry("update", {"version": [1, 2]}), "en", may_revert=True)["revertible"] == "false"


def test_values_are_formatted_for_people() -> None:
    assert shown_value("launch_date", "2025-03-01", "ru") == "01.03.2025"
    assert shown_value("stock", 1200, "en") == "1,200"
    assert shown_value("series", "", "en") == "—"
