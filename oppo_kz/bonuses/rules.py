"""Bonus rules: which products, series or categories earn how much per unit, and when (CRUD)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.bonuses.models import (
    TARGETS,
    BonusRule,
    BonusRuleCreate,
    BonusRuleReplace,
    BonusRuleUpdate,
)
from oppo_kz.bonuses.service import LINES_TABLE, RULES_TABLE
from oppo_kz.core.db import set_actor
from oppo_kz.core.errors import ConflictError, ValidationFailedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import ListQuery, TextSearch
from oppo_kz.lib.versioned import (
    ExpectedVersion,
    Versioned,
    apply_changes,
    not_found,
)
from oppo_kz.products.models import Product

RULES = listing.spec_for_table(RULES_TABLE, search=TextSearch(fields=("name", "series")))

_RULE = Versioned(BonusRule, "Bonus rule")


def parse_rules_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated bonus rules query from raw query-string pairs."""
    return listing.parse_query(RULES, params)


def list_rules(*, session: Session, actor: Principal, query: ListQuery) -> listing.Page:
    """One page of the bonus rules (everyone who reads bonuses may see the rules)."""
    actor.require(Permission.bonuses_read)
    return listing.fetch_page(session, RULES, query)


def get_rule(*, session: Session, actor: Principal, rule_id: int) -> BonusRule:
    """One rule, or 404."""
    actor.require(Permission.bonuses_read)
    rule = session.get(BonusRule, rule_id) if is_row_id(rule_id) else None
    if rule is None:
        raise not_found("Bonus rule", rule_id)
    return rule


def _check_rule(session: Session, data: dict[str, Any]) -> None:
    problems = []
    if sum(data.get(name) is not None for name in TARGETS) != 1:
        problems.append(
            {"field": "product_id", "message": "Give exactly one of product_id, series, category."}
        )
    if data["ends_on"] < data["starts_on"]:
        problems.append({"field": "ends_on", "message": "ends_on must not be before starts_on."})
    product_id = data.get("product_id")
    if product_id is not None and session.get(Product, product_id) is None:
        problems.append({"field": "product_id", "message": f"Product {product_id} does not exist."})
    if problems:
        raise ValidationFailedError(problems)


def create_rule(*, session: Session, actor: Principal, rule_in: BonusRuleCreate) -> BonusRule:
    """Add a rule; it counts from its first day for every month still open."""
    actor.require(Permission.bonus_rules_manage)
    set_actor(session, actor)
    data = rule_in.model_dump()
    _check_rule(session, data)
    rule = BonusRule(**data)
    session.add(rule)
    session.commit()
    return rule


def update_rule(
    *,
    session: Session,
    actor: Principal,
    rule_id: int,
    changes: BonusRuleUpdate,
    expected_version: ExpectedVersion = None,
) -> BonusRule:
    """Change some fields (closed months keep their frozen figures); a stale version is 409."""
    rule = _RULE.open(
        session,
        actor,
        Permission.bonus_rules_manage,
        rule_id,
        changes.version,
        expected_version,
        echo=changes,
    )
    sent = changes.model_dump(exclude_unset=True, exclude={"version"})
    merged = {name: sent.get(name, getattr(rule, name)) for name in BonusRuleCreate.model_fields}
    _check_rule(session, merged)
    apply_changes(rule, sent)
    session.commit()
    return rule


def replace_rule(
    *,
    session: Session,
    actor: Principal,
    rule_id: int,
    rule_in: BonusRuleReplace,
    expected_version: ExpectedVersion = None,
) -> BonusRule:
    """Replace every field of a rule; the same version rule as `update_rule`."""
    rule = _RULE.open(
        session,
        actor,
        Permission.bonus_rules_manage,
        rule_id,
        rule_in.version,
        expected_version,
        echo=rule_in,
    )
    data = rule_in.model_dump(include=set(BonusRuleCreate.model_fields))
    _check_rule(session, data)
    apply_changes(rule, data)
    session.commit()
    return rule


def delete_rule(
    *, session: Session, actor: Principal, rule_id: int, expected_version: ExpectedVersion = None
) -> None:
    """Delete a rule no closed month used (409 otherwise: deactivate it instead)."""
    rule = _RULE.open(session, actor, Permission.bonus_rules_manage, rule_id, expected_version)
    used = session.execute(select(LINES_TABLE.c.id).where(LINES_TABLE.c.rule_id == rule.id).limit(1)).first()
    if used is not None:
        raise ConflictError(
            f"Bonus rule {rule.id} is in a closed month's statements; deactivate it instead (is_active: false).",
            details={"field": "id", "reason": "in_use"},
        )
    session.delete(rule)
    session.commit()
