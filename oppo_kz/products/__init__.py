"""The product catalogue. Importing the package registers the hooks that version and announce changes."""

from oppo_kz.products import events as _events  # noqa: F401
