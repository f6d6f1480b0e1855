"""`python -m oppo_kz.seed [--demo-users | --demo]`: the admin and 200 products; with `--demo-users` one
user per other role, with `--demo` also the sell-out world (stores, staff, 90 days of sales). A second
run changes nothing."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from oppo_kz.core.config import ConfigError
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.products.models import Product
from oppo_kz.products.seed_data import seed_products
from oppo_kz.sales.seed_data import DemoReport, seed_demo
from oppo_kz.users.models import User
from oppo_kz.users.seed_data import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DEMO_USERS,
    first_admin_password,
    seed_users,
)

__all__ = ["ADMIN_EMAIL", "ADMIN_PASSWORD", "DEMO_USERS", "SeedReport", "first_admin_password", "seed"]


@dataclass
class SeedReport:
    products_created: int = 0
    users_created: list[str] = field(default_factory=list)
    demo: DemoReport | None = None


def seed(
    *, session: Session, demo_users: bool = False, admin_password: str = ADMIN_PASSWORD, demo: bool = False
) -> SeedReport:
    """Insert what is missing (admin, seed products, optionally demo users and the demo sell-out);
    never change existing rows."""
    report = SeedReport()
    report.users_created = seed_users(session, demo_users=demo_users or demo, admin_password=admin_password)
    report.products_created = seed_products(session)
    if demo:
        session.flush()
        report.demo = seed_demo(session, now=utcnow())
        _seed_switched_on(session)
    session.commit()
    return report


def _seed_switched_on(session: Session) -> None:
    """The demo data of the modules whose switch is on (bonus rules and a closed month, announcements)."""
    from oppo_kz.domains import domain_enabled

    if domain_enabled("bonuses"):
        from oppo_kz.bonuses.seed_data import seed_bonuses

        session.flush()
        seed_bonuses(session, now=utcnow())
    if domain_enabled("messages"):
        from oppo_kz.messages.seed_data import seed_messages

        seed_messages(session, now=utcnow())


def is_empty(*, session: Session) -> bool:
    """True when the database has neither users nor products (a fresh install)."""
    users = session.exec(select(func.count()).select_from(User)).one()
    products = session.exec(select(func.count()).select_from(Product)).one()
    return users == 0 and products == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oppo_kz.seed", description=__doc__)
    parser.add_argument("--demo-users", action="store_true", help="also create one user per other role")
    parser.add_argument("--demo", action="store_true", help="also the demo sell-out: stores, staff, sales")
    args = parser.parse_args(argv)
    try:
        password, generated = first_admin_password()
        with session_scope(write=True) as session:
            report = seed(
                session=session, demo_users=args.demo_users, admin_password=password, demo=args.demo
            )
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"products created: {report.products_created}")
    print(f"users created: {', '.join(report.users_created) or 'none'}")
    if ADMIN_EMAIL in report.users_created:
        note = " (generated: write it down, it is not shown again)" if generated else ""
        print(f"admin login: {ADMIN_EMAIL} / {password}{note}")
    else:
        print(f"admin login: {ADMIN_EMAIL} (already existed; its password is unchanged)")
    if args.demo_users or args.demo:
        for email, demo_password, role, _name in DEMO_USERS:
            print(f"{role.value} login: {email} / {demo_password}")
    if report.demo is not None:
        d = report.demo
        print(
            f"demo sell-out: {d.stores} stores, {d.users} staff, {d.assignments} assignments, {d.sales} sales created"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
