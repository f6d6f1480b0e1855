"""Business rules. Imports `core` and `models` only, never fastapi, starlette or reflex."""

from oppo_kz.services import product_events as _product_events  # noqa: F401  (registers the hooks)
