"""The one permission table (the contract's matrix) and the one check every adapter uses."""

from __future__ import annotations

from enum import StrEnum

from oppo_kz.core.errors import PermissionDeniedError
from oppo_kz.users.models import Role


class Permission(StrEnum):
    products_read = "products:read"
    products_create = "products:create"
    products_update = "products:update"
    products_delete = "products:delete"
    users_manage = "users:manage"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.office: frozenset({_P.products_read, _P.products_create, _P.products_update}),
    Role.supervisor: frozenset({_P.products_read}),
    Role.promoter: frozenset({_P.products_read}),
}

_DESCRIPTIONS = {
    _P.products_read: "read products",
    _P.products_create: "create products",
    _P.products_update: "change products",
    _P.products_delete: "delete products",
    _P.users_manage: "manage users",
}


def has_permission(role: Role | str, permission: Permission) -> bool:
    """Whether `role` may do `permission`."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


def check_permission(role: Role | str, permission: Permission) -> None:
    """Raise `PermissionDeniedError` unless `role` may do `permission`."""
    if not has_permission(role, permission):
        raise PermissionDeniedError(
            f"Your role ({Role(role).value}) may not {_DESCRIPTIONS[permission]}.",
            details={"required_permission": permission.value},
        )


def permissions_for(role: Role | str) -> dict[str, bool]:
    """Every permission with whether `role` has it, in a stable order (for clients hiding controls)."""
    return {p.value: has_permission(role, p) for p in Permission}
