"""The demo sell-out (`python -m oppo_kz.seed --demo`): real-looking, consistent, the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import col, func, select

from oppo_kz import seed
from oppo_kz.assignments.models import Assignment
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.lib.formatting import local_date
from oppo_kz.sales.imei import is_valid_imei
from oppo_kz.sales.models import Sale, SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User


def test_the_demo_world_is_consistent_and_seeding_twice_changes_nothing(db: str) -> None:
    with session_scope(write=True) as s:
        first = seed.seed(session=s, demo=True)
    assert first.demo is not None
    assert 55 <= first.demo.stores <= 70
    assert first.demo.sales > 10_000
    with session_scope(write=True) as s:
        again = seed.seed(session=s, demo=True)
    seeded_by = utcnow()
    assert again.demo is not None
    assert (again.products_created, again.users_created, again.demo.stores, again.demo.sales) == (0, [], 0, 0)

    with session_scope() as s:
        sales = list(s.scalars(select(Sale)))
        stores = {st.id: st for st in s.scalars(select(Store))}
        promoters = s.exec(
            select(func.count()).select_from(User).where(col(User.role) == Role.promoter)
        ).one()
        supervisors = s.exec(
            select(func.count()).select_from(User).where(col(User.role) == Role.supervisor)
        ).one()
        demo_promoter = s.exec(select(User).where(col(User.email) == "promoter@oppo.kz")).one()
        their = s.exec(select(Assignment).where(col(Assignment.user_id) == demo_promoter.id)).one()
        their_store = stores[their.store_id]
        supervisor = s.get_one(User, their_store.supervisor_id)
    assert 100 <= promoters <= 140
    assert supervisors == 8
    assert supervisor.email == "supervisor@oppo.kz"  # the demo logins see each other's work
    assert {st.city for st in stores.values()} >= {
        "Almaty",
        "Astana",
        "Shymkent",
        "Karaganda",
        "Aktobe",
        "Pavlodar",
    }
    assert {st.chain for st in stores.values()} >= {
        "Technodom",
        "Sulpak",
        "Kaspi",
        "OPPO Store",
        "independent",
    }
    cities = Counter(st.city for st in stores.values())
    assert cities["Almaty"] > cities["Karaganda"]
    assert cities["Astana"] > cities["Karaganda"]

    with_imei = [sale.imei for sale in sales if sale.imei is not None]
    assert all(is_valid_imei(imei) for imei in with_imei)
    assert len(set(with_imei)) == len(with_imei)
    assert all(sale.amount == sale.quantity * sale.unit_price for sale in sales)
    assert all(sale.sale_date == local_date(sale.sold_at) for sale in sales)
    # Nothing sold or reviewed later today than the seed ran: no sale is in the future.
    assert all(sale.sold_at <= seeded_by for sale in sales)
    assert all(sale.reviewed_at <= seeded_by for sale in sales if sale.reviewed_at is not None)
    today = local_date(seeded_by)
    old = [sale for sale in sales if sale.sale_date < today - timedelta(days=3)]
    recent = [sale for sale in sales if sale.sale_date >= today - timedelta(days=3)]
    assert sum(sale.status == SaleStatus.approved for sale in old) / len(old) > 0.85
    assert 0 < sum(sale.status == SaleStatus.rejected for sale in old) < 0.1 * len(old)
    assert sum(sale.status == SaleStatus.pending for sale in recent) / len(recent) > 0.6
    assert all(
        sale.reviewed_by_id == stores[sale.store_id].supervisor_id
        for sale in sales
        if sale.status != SaleStatus.pending
    )
    by_weekday = Counter(sale.sale_date.weekday() for sale in sales)
    assert by_weekday[5] > by_weekday[1] * 1.3  # Saturdays sell more than Tuesdays
