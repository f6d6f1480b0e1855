"""Demo bonus rules (a rate per category, more for Reno, a campaign week on one model) and the
previous month closed, for `python -m oppo_kz.seed --demo` while ENABLE_BONUSES is on."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from oppo_kz.bonuses.models import BonusMonth, BonusRule
from oppo_kz.bonuses.service import freeze_month
from oppo_kz.lib.formatting import local_date
from oppo_kz.products.models import Category, Product
from oppo_kz.users.models import Role, User


def _previous_month(today: date) -> tuple[str, date]:
    last_day = today.replace(day=1) - timedelta(days=1)
    return f"{last_day.year:04d}-{last_day.month:02d}", last_day


def seed_bonuses(session: Session, *, now: datetime) -> int:
    """Add the demo rules into an empty rules table and close the previous month; the rules added."""
    if session.execute(select(func.count()).select_from(BonusRule)).scalar_one():
        return 0
    today = local_date(now)
    since, until = today - timedelta(days=120), date(today.year + 1, 12, 31)
    month, last_day = _previous_month(today)
    campaign_start = last_day.replace(day=10)
    pushed = session.scalars(
        select(Product)
        .where(
            col(Product.is_active),
            col(Product.series) == "Reno",
            col(Product.category) == Category.smartphone,
        )
        .order_by(col(Product.price).desc(), col(Product.id))
    ).first()
    rules = [
        BonusRule(name="Смартфоны", category=Category.smartphone, amount_per_unit=1_000, starts_on=since, ends_on=until),
        BonusRule(name="Планшеты", category=Category.tablet, amount_per_unit=1_500, starts_on=since, ends_on=until),
        BonusRule(name="Аксессуары", category=Category.accessory, amount_per_unit=200, starts_on=since, ends_on=until),
        BonusRule(name="Серия Reno", series="Reno", amount_per_unit=2_500, starts_on=since, ends_on=until),
    ]  # fmt: skip
    if pushed is not None:
        rules.append(
            BonusRule(
                name=f"Неделя двойного бонуса: {pushed.name}",
                product_id=pushed.id,
                amount_per_unit=5_000,
                starts_on=campaign_start,
                ends_on=campaign_start + timedelta(days=6),
            )
        )
    session.add_all(rules)
    session.flush()
    if session.get(BonusMonth, month) is None:
        admin = session.scalars(
            select(User).where(col(User.role) == Role.admin).order_by(col(User.id))
        ).first()
        freeze_month(session, month, closed_by_id=admin.id if admin else None)
    return len(rules)
