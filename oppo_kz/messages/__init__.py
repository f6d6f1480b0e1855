"""Messages: announcements to the field with read receipts (behind ENABLE_MESSAGES)."""

from oppo_kz.messages import events as _events  # noqa: F401
