"""Monthly targets of stores and promoters (units and tenge), set by head office."""

from oppo_kz.targets import events as _events  # noqa: F401
