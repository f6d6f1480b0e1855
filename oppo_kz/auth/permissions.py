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
    stores_read = "stores:read"
    stores_create = "stores:create"
    stores_update = "stores:update"
    stores_delete = "stores:delete"
    assignments_read = "assignments:read"
    assignments_manage = "assignments:manage"
    sales_read = "sales:read"
    sales_create = "sales:create"
    sales_update = "sales:update"
    sales_delete = "sales:delete"
    sales_review = "sales:review"
    targets_read = "targets:read"
    targets_manage = "targets:manage"
    reports_read = "reports:read"
    messages_send = "messages:send"
    messages_read = "messages:read"
    bonus_rules_manage = "bonus_rules:manage"
    bonus_months_close = "bonus_months:close"
    bonuses_read = "bonuses:read"
    audit_read = "audit:read"


# Which actions a role may take at all. *Which rows* it may act on (a supervisor's own stores, a
# promoter's own sales) is each domain's row-level scope (`<domain>/scope.py`), checked by the same
# service functions.
_P = Permission
_EVERYONE_READS = {
    _P.products_read,
    _P.stores_read,
    _P.assignments_read,
    _P.sales_read,
    _P.targets_read,
    _P.reports_read,
    _P.messages_read,
    _P.bonuses_read,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.office: frozenset(Permission) - {_P.products_delete, _P.users_manage},
    Role.supervisor: frozenset({*_EVERYONE_READS, _P.assignments_manage, _P.sales_review, _P.messages_send}),
    Role.promoter: frozenset({*_EVERYONE_READS, _P.sales_create, _P.sales_update, _P.sales_delete}),
}

_DESCRIPTIONS = {
    _P.products_read: "read products",
    _P.products_create: "create products",
    _P.products_update: "change products",
    _P.products_delete: "delete products",
    _P.users_manage: "manage users",
    _P.stores_read: "read stores",
    _P.stores_create: "create stores",
    _P.stores_update: "change stores",
    _P.stores_delete: "delete stores",
    _P.assignments_read: "read assignments",
    _P.assignments_manage: "manage assignments",
    _P.sales_read: "read sales",
    _P.sales_create: "report sales",
    _P.sales_update: "change sales",
    _P.sales_delete: "delete sales",
    _P.sales_review: "review sales",
    _P.targets_read: "read targets",
    _P.targets_manage: "set targets",
    _P.reports_read: "read reports",
    _P.messages_send: "send messages",
    _P.messages_read: "read messages",
    _P.bonus_rules_manage: "manage bonus rules",
    _P.bonus_months_close: "close bonus months",
    _P.bonuses_read: "read bonus statements",
    _P.audit_read: "read the audit log",
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
