"""Sell-out. Importing the package registers the hooks that version and announce changes and keep
the daily summaries the reports read (summary.py)."""

from oppo_kz.sales import events as _events  # noqa: F401
from oppo_kz.sales import summary as _summary  # noqa: F401
