"""The pages' own logic without a browser: the dashboard tile's figure, the statement table's rows, the
compose form's message, the inbox's rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from oppo_kz.auth.service import Principal
from oppo_kz.bonuses import service
from oppo_kz.bonuses.models import BonusRule, MonthStatements, StatementRow
from oppo_kz.bonuses.ui.bonuses_state import statement_rows
from oppo_kz.core.db import session_scope
from oppo_kz.messages.ui.compose_state import build_message
from oppo_kz.messages.ui.inbox_state import PREVIEW_CHARS, inbox_row
from oppo_kz.products.models import Category, Product
from oppo_kz.sales.models import SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User
from tests.world import World


def test_the_earned_tile_counts_this_months_approved_sales(world: World) -> None:
    with session_scope(write=True) as s:
        s.add(BonusRule(name="All phones", category=Category.smartphone, amount_per_unit=1_200,
                        starts_on=date(2020, 1, 1), ends_on=date(2099, 12, 31)))  # fmt: skip
        s.commit()
        from tests.factories import make_sale

        store, promoter, phone = (
            s.get(Store, world["a1"]),
            s.get(User, world["p1"]),
            s.get(Product, world["phone"]),
        )
        assert store is not None
        assert promoter is not None
        assert phone is not None
        make_sale(s, store=store, promoter=promoter, product=phone, status=SaleStatus.approved)
        make_sale(s, store=store, promoter=promoter, product=phone, status=SaleStatus.pending)
        make_sale(s, store=store, promoter=promoter, product=phone, status=SaleStatus.approved,
                  sold_at=datetime.now(UTC) - timedelta(days=40))  # fmt: skip
        actor = Principal(id=world["p1"], email="p1@oppo.kz", full_name="Promoter One", role=Role.promoter)
        earned = service.earned_so_far(session=s, actor=actor)
    assert (earned["units"], earned["amount"]) == (1, 1_200)
    assert earned["month"] == service.parse_month(None)


def test_statement_rows_show_money_as_people_read_it() -> None:
    found = MonthStatements(month="2025-03", closed=False, total=1_234_567,
                            rows=[StatementRow(promoter_id=7, promoter_name="Айгерим", units=1234, amount=1_234_567)])  # fmt: skip
    assert statement_rows(found, "ru") == [
        {"promoter_id": 7, "name": "Айгерим", "units": "1\xa0234", "amount": "1\xa0234\xa0567\xa0₸", "amount_value": 1_234_567}
    ]  # fmt: skip


def test_the_compose_form_builds_the_message_it_shows() -> None:
    built = build_message(" Hi ", "Text", {"roles": ["promoter", "boss"], "cities": ["Almaty"],
                                           "store_ids": ["3", "x"], "user_ids": ["9"]})  # fmt: skip
    assert built is not None
    assert built.title == "Hi"
    assert built.audience.model_dump(mode="json") == {
        "roles": ["promoter"], "cities": ["Almaty"], "store_ids": [3], "user_ids": [9],
    }  # fmt: skip
    assert build_message("", "Text", {}) is None
    assert build_message("Title", "   ", {}) is None


def test_the_inbox_row_is_a_short_preview() -> None:
    item = {"id": 1, "title": "T", "body": "word " * 100, "author_name": "Office",
            "created_at": datetime(2025, 3, 14, 7, tzinfo=UTC), "read_at": None}  # fmt: skip
    row = inbox_row(item, "en")
    assert len(row["preview"]) == PREVIEW_CHARS
    assert row["preview"].endswith("…")
    assert row["unread"] is True
