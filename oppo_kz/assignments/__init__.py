"""Which promoter works in which store, and when. Importing the package registers its change hooks."""

from oppo_kz.assignments import events as _events  # noqa: F401
