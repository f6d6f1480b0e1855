"""The demo sell-out world (`python -m oppo_kz.seed --demo`): stores, supervisors, ~120 promoters with
their assignments, and ~90 days of sales with weekday and payday patterns, the same data every time.

Most older sales are approved, some rejected, a few still pending; the last days are mostly pending,
so the review queues have work. The demo supervisor (supervisor@oppo.kz) supervises half of Almaty
and the demo promoter (promoter@oppo.kz) works in its first store, so the demo logins see real data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from oppo_kz.assignments.models import Assignment
from oppo_kz.core.config import get_settings
from oppo_kz.core.security import hash_password
from oppo_kz.products.models import Category, Product
from oppo_kz.sales.imei import luhn_check_digit
from oppo_kz.sales.models import PaymentType, Sale, SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.stores.seed_data import SUPERVISORS, demo_stores
from oppo_kz.users.models import Role, User
from oppo_kz.users.seed_data import DEMO_USERS

DAYS = 90
DEMO_PROMOTER_PASSWORD = "Promoter123!"  # noqa: S105 - the documented demo login
DEMO_SUPERVISOR_PASSWORD = "Supervisor123!"  # noqa: S105 - the documented demo login
FIRST_NAMES = (
    "Айгерим", "Дана", "Асель", "Жанар", "Мадина", "Камила", "Аружан", "Дильназ", "Томирис", "Алина",
    "Ерасыл", "Нурсултан", "Данияр", "Арман", "Бекзат", "Алихан", "Тимур", "Санжар", "Ильяс", "Руслан",
)  # fmt: skip
SURNAMES = (
    "Абенова", "Сапарова", "Нурланова", "Ермекова", "Касымова", "Тулегенова", "Омарова", "Байжанова",
    "Ахметов", "Серикбаев", "Жаксылыков", "Мухамеджанов", "Исаев", "Бекмуханов", "Оспанов", "Калиев",
)  # fmt: skip
WEEKDAY = (0.85, 0.85, 0.9, 0.95, 1.15, 1.45, 1.3)  # Monday .. Sunday
CATEGORY_WEIGHT = {
    Category.smartphone: 62,
    Category.accessory: 20,
    Category.audio: 8,
    Category.wearable: 6,
    Category.tablet: 4,
}
PAYMENTS = (
    (PaymentType.kaspi, 38),
    (PaymentType.card, 30),
    (PaymentType.cash, 17),
    (PaymentType.installment, 13),
    (PaymentType.other, 2),
)
REJECT_NOTES = ("IMEI не совпадает с коробкой", "Продажа не подтверждена магазином", "Дубликат отчёта")


@dataclass
class DemoReport:
    stores: int = 0
    users: int = 0
    assignments: int = 0
    sales: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)


def _is_payday(day: date) -> bool:
    return day.day in (5, 6, 7, 20, 21, 22)


def _poisson(rng: random.Random, lam: float) -> int:
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _imei(n: int) -> str:
    body = f"86{(n * 7_919 + 104_729) % 10**12:012d}"  # "86" + 12 digits: a plausible TAC range
    return body + str(luhn_check_digit(body))


def _users(session: Session, report: DemoReport) -> tuple[dict[str, int], list[int]]:
    """The supervisors by region, and the promoters (the demo promoter first)."""
    existing = {email: uid for uid, email in session.execute(select(col(User.id), col(User.email)))}
    supervisor_hash, promoter_hash = hash_password(DEMO_SUPERVISOR_PASSWORD), hash_password(
        DEMO_PROMOTER_PASSWORD
    )
    demo_supervisor = next(email for email, _, role, _ in DEMO_USERS if role == Role.supervisor)
    demo_promoter = next(email for email, _, role, _ in DEMO_USERS if role == Role.promoter)

    def ensure(email: str, name: str, role: Role, password_hash: str) -> int:
        if email not in existing:
            user = User(email=email, full_name=name, role=role, password_hash=password_hash)
            session.add(user)
            session.flush()
            existing[email] = user.id or 0
            report.users += 1
        return existing[email]

    by_region: dict[str, int] = {}
    for n, (email, name, regions) in enumerate(SUPERVISORS):
        email = demo_supervisor if n == 0 else email
        for region in regions:
            by_region[region] = ensure(email, name, Role.supervisor, supervisor_hash)
    promoters = [ensure(demo_promoter, "Дана Абенова", Role.promoter, promoter_hash)]
    for n in range(1, 120):
        name = f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {SURNAMES[(n * 7) % len(SURNAMES)]}"
        promoters.append(ensure(f"promoter{n:03d}@oppo.kz", name, Role.promoter, promoter_hash))
    report.logins = [(demo_supervisor, DEMO_SUPERVISOR_PASSWORD), (demo_promoter, DEMO_PROMOTER_PASSWORD)]
    return by_region, promoters


def _stores(session: Session, by_region: dict[str, int], report: DemoReport) -> list[Store]:
    existing = {s.code: s for s in session.scalars(select(Store))}
    stores = []
    for demo in demo_stores():
        store = existing.get(demo.code)
        if store is None:
            store = Store(
                code=demo.code, name=demo.name, chain=demo.chain, city=demo.city, address=demo.address,
                latitude=demo.latitude, longitude=demo.longitude, supervisor_id=by_region.get(demo.region),
            )  # fmt: skip
            session.add(store)
            report.stores += 1
        stores.append(store)
    session.flush()
    return stores


def _assignments(
    session: Session, stores: list[Store], promoters: list[int], start: date, report: DemoReport
) -> dict[int, int]:
    """Each promoter's store (today); a few moved stores half way, their first assignment ended."""
    if session.execute(select(func.count()).select_from(Assignment)).scalar_one():
        rows = session.execute(
            select(col(Assignment.user_id), col(Assignment.store_id)).where(col(Assignment.ends_on).is_(None))
        )
        return {int(user_id): int(store_id) for user_id, store_id in rows.all()}
    works_at: dict[int, int] = {}
    for n, promoter in enumerate(promoters):
        store = stores[n % len(stores)]
        works_at[promoter] = store.id or 0
        if n % 11 == 5:  # moved here from another store six weeks ago
            moved_on = start + timedelta(days=DAYS // 2)
            before = stores[(n + 17) % len(stores)]
            session.add(
                Assignment(
                    store_id=before.id or 0,
                    user_id=promoter,
                    starts_on=start,
                    ends_on=moved_on - timedelta(days=1),
                )
            )
            session.add(Assignment(store_id=store.id or 0, user_id=promoter, starts_on=moved_on))
            report.assignments += 2
        else:
            session.add(
                Assignment(store_id=store.id or 0, user_id=promoter, starts_on=start - timedelta(days=n % 40))
            )
            report.assignments += 1
    session.flush()
    return works_at


def _sale_rows(
    works_at: dict[int, int],
    supervisor_of: dict[int, int | None],
    products: list[Product],
    start: date,
    now: datetime,
) -> list[dict[str, Any]]:
    rng = random.Random(20261201)  # noqa: S311 - demo data, not secrets
    tz = ZoneInfo(get_settings().TIMEZONE)
    today = now.astimezone(tz).date()
    weights = [CATEGORY_WEIGHT.get(p.category, 1) * (3 if p.series in ("A", "Reno") else 1) for p in products]
    rows: list[dict[str, Any]] = []
    for promoter, store_id in works_at.items():
        talent = 1.0 + rng.random() * 2.2
        for offset in range((today - start).days + 1):
            day = start + timedelta(days=offset)
            lam = talent * WEEKDAY[day.weekday()] * (1.35 if _is_payday(day) else 1.0)
            for _ in range(_poisson(rng, lam)):
                product = rng.choices(products, weights)[0]
                row = _sale_row(
                    rng, tz, len(rows), promoter, store_id, supervisor_of.get(store_id), product, day, today
                )
                if row["sold_at"] <= now:  # today's later hours have not happened yet
                    row["reviewed_at"] = row["reviewed_at"] and min(row["reviewed_at"], now)
                    rows.append(row)
    return rows


def _sale_row(
    rng: random.Random, tz: ZoneInfo, n: int, promoter: int, store_id: int, supervisor: int | None,
    product: Product, day: date, today: date,
) -> dict[str, Any]:  # fmt: skip
    needs_imei = product.category in (Category.smartphone, Category.tablet)
    quantity = 1 if needs_imei else rng.choice((1, 1, 1, 2))
    unit_price = product.price if rng.random() > 0.2 else round(product.price * 0.93 / 10) * 10
    local = datetime.combine(day, time(10, 0), tz) + timedelta(minutes=rng.randrange(0, 12 * 60))
    sold_at = local.astimezone(UTC)
    age, roll = (today - day).days, rng.random()
    if age > 3:
        status = (
            SaleStatus.approved if roll < 0.91 else SaleStatus.rejected if roll < 0.95 else SaleStatus.pending
        )
    else:
        status = SaleStatus.approved if roll < 0.15 else SaleStatus.pending
    reviewed = status != SaleStatus.pending
    return {
        "store_id": store_id,
        "promoter_id": promoter,
        "product_id": product.id,
        "imei": _imei(n) if needs_imei else None,
        "quantity": quantity,
        "unit_price": unit_price,
        "amount": quantity * unit_price,
        "sold_at": sold_at,
        "sale_date": day,
        "payment_type": rng.choices([p for p, _ in PAYMENTS], [w for _, w in PAYMENTS])[0],
        "status": status,
        "review_note": rng.choice(REJECT_NOTES) if status == SaleStatus.rejected else None,
        "reviewed_by_id": supervisor if reviewed else None,
        "reviewed_at": sold_at + timedelta(hours=20) if reviewed else None,
        "created_by_id": promoter,
        "created_at": sold_at,
        "updated_at": sold_at,
        "version": 2 if reviewed else 1,
    }


def seed_demo(session: Session, *, now: datetime) -> DemoReport:
    """Add the demo world where it is missing; sales only into an empty sales table, none after `now`.
    The caller commits."""
    report = DemoReport()
    today = now.astimezone(ZoneInfo(get_settings().TIMEZONE)).date()
    start = today - timedelta(days=DAYS - 1)
    by_region, promoters = _users(session, report)
    stores = _stores(session, by_region, report)
    works_at = _assignments(session, stores, promoters, start, report)
    if session.execute(select(func.count()).select_from(Sale)).scalar_one() == 0:
        products = list(
            session.scalars(select(Product).where(col(Product.is_active)).order_by(col(Product.id)))
        )
        supervisor_of = {s.id or 0: s.supervisor_id for s in stores}
        rows = _sale_rows(works_at, supervisor_of, products, start, now)
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(Sale), rows[chunk : chunk + 5000])
        report.sales = len(rows)
    return report
