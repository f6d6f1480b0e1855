"""Sell-out. Importing the package registers the hooks that version and announce changes."""

from oppo_kz.sales import events as _events  # noqa: F401
