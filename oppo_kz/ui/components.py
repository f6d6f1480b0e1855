"""Small shared controls."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx

# Native <select> elements (keyboard-, screen-reader- and test-friendly) dressed as Radix selects.
NATIVE_SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface"


def native_select(options: Sequence[tuple[str, str]], **props: Any) -> rx.Component:
    """A native <select> of (label, value) pairs in the app's look."""
    return rx.el.select(
        *[rx.el.option(label, value=value) for label, value in options],
        class_name=NATIVE_SELECT_CLASS,
        **props,
    )
