"""The demo data of both modules: rules with a campaign week, the previous month closed, announcements
with partial reads; seeding twice changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from oppo_kz.bonuses.models import BonusMonth, BonusRule
from oppo_kz.bonuses.seed_data import seed_bonuses
from oppo_kz.core.db import session_scope
from oppo_kz.messages.models import Message, MessageReceipt
from oppo_kz.messages.seed_data import seed_messages
from tests.world import World


def test_the_demo_rules_messages_and_closed_month(world: World) -> None:
    now = datetime.now(UTC)
    with session_scope(write=True) as s:
        assert seed_bonuses(s, now=now) == 5
        assert seed_messages(s, now=now) == 3
        s.commit()
        assert seed_bonuses(s, now=now) == 0
        assert seed_messages(s, now=now) == 0
        rules = list(s.scalars(select(BonusRule)))
        assert sum(r.product_id is not None for r in rules) == 1  # the campaign week
        campaign = next(r for r in rules if r.product_id is not None)
        assert (campaign.ends_on - campaign.starts_on).days == 6
        assert s.execute(select(func.count()).select_from(BonusMonth)).scalar_one() == 1
        reads = s.execute(select(MessageReceipt.read_at)).scalars().all()  # type: ignore[call-overload]
        assert reads
        assert 0 < sum(r is not None for r in reads) < len(reads)
        assert s.execute(select(func.count()).select_from(Message)).scalar_one() == 3
