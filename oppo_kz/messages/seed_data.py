"""Demo announcements with partial reads, for `python -m oppo_kz.seed --demo` while ENABLE_MESSAGES is on."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from oppo_kz.messages.audience import recipient_ids
from oppo_kz.messages.models import Audience, Message, MessageReceipt
from oppo_kz.users.models import Role, User

ANNOUNCEMENTS = (
    (
        "Старт продаж Reno14",
        "С понедельника в продаже OPPO Reno14 5G. Выставите демо-телефоны на витрину до открытия магазина.",
        Audience(),
        3,
    ),
    (
        "Неделя двойного бонуса",
        "На этой неделе за каждый проданный Reno14 — двойной бонус. Вносите продажи с IMEI в день продажи.",
        Audience(roles=[Role.promoter]),
        2,
    ),
    (
        "Инвентаризация в Алматы",
        "В субботу в магазинах Алматы инвентаризация с 9:00. Супервайзеры, подтвердите график смен.",
        Audience(cities=["Almaty"]),
        1,
    ),
)


def seed_messages(session: Session, *, now: datetime) -> int:
    """Add the demo announcements into an empty messages table, about half of them read."""
    if session.execute(select(func.count()).select_from(Message)).scalar_one():
        return 0
    author = session.scalars(
        select(User)
        .where(col(User.role).in_([Role.office, Role.admin]))
        .order_by(col(User.role).desc(), col(User.id))
    ).first()
    author_id = author.id if author is not None else None
    for title, body, audience, days_ago in ANNOUNCEMENTS:
        sent_at = now - timedelta(days=days_ago)
        message = Message(title=title, body=body, audience=audience.model_dump(mode="json"), author_id=author_id,
                          created_at=sent_at, updated_at=sent_at)  # fmt: skip
        users = recipient_ids(session=session, audience=audience, day=sent_at.date(), exclude=author_id)
        message.receipts = [
            MessageReceipt(  # type: ignore[call-arg]
                user_id=uid, read_at=sent_at + timedelta(hours=1 + n % 5) if n % 2 == 0 else None
            )
            for n, uid in enumerate(users)
        ]
        session.add(message)
    session.flush()
    return len(ANNOUNCEMENTS)
