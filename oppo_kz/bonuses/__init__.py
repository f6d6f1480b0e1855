"""Bonuses: per-unit rules, monthly statements per promoter, closing a month (behind ENABLE_BONUSES)."""

from oppo_kz.bonuses import events as _events  # noqa: F401
