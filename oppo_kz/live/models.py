"""The events feed's table: the transactional outbox (defined in core/outbox.py, listed here so that
every domain's tables are loaded together)."""

from oppo_kz.core.outbox import OutboxEvent

__all__ = ["OutboxEvent"]
