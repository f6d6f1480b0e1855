"""Stores. Importing the package registers the hooks that version and announce changes."""

from oppo_kz.stores import events as _events  # noqa: F401
