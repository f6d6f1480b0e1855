"""The first admin and the demo users (one per other role), with their documented passwords."""

from __future__ import annotations

import secrets

from sqlmodel import Session, select

from oppo_kz.core.config import get_settings
from oppo_kz.core.security import hash_password
from oppo_kz.users.models import Role, User

ADMIN_EMAIL = "admin@oppo.kz"
ADMIN_PASSWORD = "Admin123!"  # noqa: S105 - the documented first login; change it after signing in

DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("office@oppo.kz", "Office123!", Role.office, "Aigerim Office"),
    ("supervisor@oppo.kz", "Supervisor123!", Role.supervisor, "Nurlan Supervisor"),
    ("promoter@oppo.kz", "Promoter123!", Role.promoter, "Dana Promoter"),
)


def first_admin_password() -> tuple[str, bool]:
    """The password for a newly seeded admin, and whether it was generated just now.

    Development keeps the documented Admin123!; production never ships a known password.
    """
    settings = get_settings()
    if settings.FIRST_ADMIN_PASSWORD:
        return settings.FIRST_ADMIN_PASSWORD, False
    if settings.ENV == "prod":
        return secrets.token_urlsafe(12), True
    return ADMIN_PASSWORD, False


def seed_users(session: Session, *, demo_users: bool, admin_password: str) -> list[str]:
    """Add the admin (and the demo users) that are missing; return their emails. The caller commits."""
    wanted = [(ADMIN_EMAIL, admin_password, Role.admin, "OPPO KZ Admin")]
    if demo_users:
        wanted.extend(DEMO_USERS)
    existing = set(session.exec(select(User.email)).all())
    created = []
    for email, password, role, full_name in wanted:
        if email not in existing:
            session.add(
                User(email=email, password_hash=hash_password(password), full_name=full_name, role=role)
            )
            created.append(email)
    return created
