"""`python -m oppo_kz.seed [--demo-users]`: the admin and 200 products; a second run changes nothing."""

from __future__ import annotations

import argparse
import sys

import oppo_kz.services  # noqa: F401  (registers product change hooks)
from oppo_kz.core.config import ConfigError
from oppo_kz.core.db import session_scope
from oppo_kz.services import seed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oppo_kz.seed", description=__doc__)
    parser.add_argument("--demo-users", action="store_true", help="also create one user per other role")
    args = parser.parse_args(argv)
    try:
        password, generated = seed.first_admin_password()
        with session_scope(write=True) as session:
            report = seed.seed(session=session, demo_users=args.demo_users, admin_password=password)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"products created: {report.products_created}")
    print(f"users created: {', '.join(report.users_created or []) or 'none'}")
    if seed.ADMIN_EMAIL in (report.users_created or []):
        note = " (generated: write it down, it is not shown again)" if generated else ""
        print(f"admin login: {seed.ADMIN_EMAIL} / {password}{note}")
    else:
        print(f"admin login: {seed.ADMIN_EMAIL} (already existed; its password is unchanged)")
    if args.demo_users:
        for email, password, role, _name in seed.DEMO_USERS:
            print(f"{role.value} login: {email} / {password}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
