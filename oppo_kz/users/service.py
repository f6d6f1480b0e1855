"""User administration: list, create, change role, disable, delete; never below one active admin."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal, announce_session_end, revoke_user_sessions
from oppo_kz.core.db import set_actor, utcnow
from oppo_kz.core.errors import ConflictError, NotFoundError, ValidationFailedError
from oppo_kz.core.security import hash_password, password_problem
from oppo_kz.core.types import is_row_id
from oppo_kz.lib.versioned import commit_delete
from oppo_kz.users.models import LOCALES, Role, User, UserCreate, UserUpdate


def _check_password(password: str) -> None:
    if problem := password_problem(password):
        raise ValidationFailedError([{"field": "password", "message": problem}])


def list_users(*, session: Session, actor: Principal) -> list[User]:
    """Every user, oldest first."""
    actor.require(Permission.users_manage)
    return list(session.exec(select(User).order_by(col(User.id))).all())


def get_user(*, session: Session, actor: Principal, user_id: int) -> User:
    actor.require(Permission.users_manage)
    # An id no integer column can hold cannot exist (and would overflow the database driver).
    user = session.get(User, user_id) if is_row_id(user_id) else None
    if user is None:
        raise NotFoundError(f"User {user_id} does not exist.")
    return user


def create_user(*, session: Session, actor: Principal, user_in: UserCreate) -> User:
    """Create a user with a role; 409 when the email is taken (case-insensitively)."""
    actor.require(Permission.users_manage)
    set_actor(session, actor)
    _check_password(user_in.password)
    password_hash = hash_password(user_in.password)  # before any query: bcrypt never holds a lock
    if session.exec(select(User.id).where(User.email == user_in.email)).first() is not None:
        raise ConflictError(
            f"A user with the email {user_in.email} already exists.", details={"field": "email"}
        )
    user = User(
        email=user_in.email,
        full_name=user_in.full_name,
        role=user_in.role,
        is_active=user_in.is_active,
        password_hash=password_hash,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            f"A user with the email {user_in.email} already exists.", details={"field": "email"}
        ) from None
    return user


def _active_admins(session: Session) -> int:
    # FOR UPDATE (PostgreSQL) keeps two admins from demoting each other at the same moment;
    # SQLite write transactions are serialised already.
    ids = session.exec(
        select(User.id).where(col(User.role) == Role.admin, col(User.is_active).is_(True)).with_for_update()
    ).all()
    return len(ids)


def _guard_last_admin(session: Session, user: User, *, demoted: bool, disabled: bool, deleted: bool) -> None:
    if user.role != Role.admin or not user.is_active or not (demoted or disabled or deleted):
        return
    if _active_admins(session) <= 1:
        raise ConflictError(
            "This is the last active admin; make another user admin first.",
            details={"field": "role", "reason": "last_admin"},
        )


def update_user(*, session: Session, actor: Principal, user_id: int, changes: UserUpdate) -> User:
    """Change name, role, status or password; disabling or a new password ends the user's logins."""
    actor.require(Permission.users_manage)
    set_actor(session, actor)
    data = changes.model_dump(exclude_unset=True)
    password_hash = None
    if data.get("password") is not None:
        _check_password(data["password"])
        password_hash = hash_password(data["password"])  # before any query: bcrypt never holds a lock
    user = get_user(session=session, actor=actor, user_id=user_id)
    demoted = "role" in data and data["role"] is not None and data["role"] != Role.admin
    disabled = data.get("is_active") is False
    if user.id == actor.id and ((demoted and user.role == Role.admin) or disabled):
        raise ConflictError(
            "You cannot disable or demote your own account; ask another admin.", details={"reason": "self"}
        )
    _guard_last_admin(session, user, demoted=demoted, disabled=disabled, deleted=False)
    for field in ("full_name", "role", "is_active"):
        if data.get(field) is not None:
            setattr(user, field, data[field])
    if password_hash is not None:
        user.password_hash = password_hash
        revoke_user_sessions(session=session, user_id=user_id, reason="password_changed")
    if disabled:
        revoke_user_sessions(session=session, user_id=user_id, reason="user_disabled")
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return user


def delete_user(*, session: Session, actor: Principal, user_id: int) -> None:
    """Delete a user and their logins; an admin cannot delete themself or the last active admin."""
    user = get_user(session=session, actor=actor, user_id=user_id)
    set_actor(session, actor)
    if user.id == actor.id:
        raise ConflictError("You cannot delete your own account.", details={"reason": "self"})
    _guard_last_admin(session, user, demoted=False, disabled=False, deleted=True)
    announce_session_end(session, user_id=user_id)
    session.delete(user)
    commit_delete(session, "User", user_id)


def get_profile(*, session: Session, actor: Principal) -> User:
    """The acting user's own account (any role)."""
    user = session.get(User, actor.id)
    if user is None:
        raise NotFoundError(f"User {actor.id} does not exist.")
    return user


def set_locale(*, session: Session, actor: Principal, locale: str) -> User:
    """Keep the UI language the acting user chose (ru, kk or en) on their account."""
    if locale not in LOCALES:
        raise ValidationFailedError(
            [{"field": "locale", "message": f"Input should be one of: {', '.join(LOCALES)}."}]
        )
    user = get_profile(session=session, actor=actor)
    set_actor(session, actor)
    user.locale = locale
    user.updated_at = utcnow()
    session.add(user)
    session.commit()
    return user
