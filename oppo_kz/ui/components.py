"""Controls every page shares: a labelled field with its error, a debounced filter input, a button row,
a native select."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex_base.vars.base import Var

# Native <select> elements (keyboard-, screen-reader- and test-friendly) dressed as Radix selects.
NATIVE_SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface"
# Typing in a filter waits this long for a pause before the list reloads.
FILTER_DEBOUNCE_MS = 300


def native_select(options: Sequence[tuple[str, str]], **props: Any) -> rx.Component:
    """A native <select> of (label, value) pairs in the app's look."""
    return rx.el.select(
        *[rx.el.option(label, value=value) for label, value in options],
        class_name=NATIVE_SELECT_CLASS,
        **props,
    )


def error_id(control_id: str) -> str:
    """The id of the message that explains a control's error (its `aria-describedby`)."""
    return f"{control_id}-error"


def invalid_props(control_id: str, errors: Any, name: str) -> dict[str, Any]:
    """Props that mark a control invalid while `errors` (a state's `dict[str, str]` var) has `name`:
    red, aria-invalid, described by the error."""
    invalid = errors.contains(name)
    return {
        "color_scheme": rx.cond(invalid, "red", "gray"),
        "aria_invalid": invalid.to_string(),
        "aria_describedby": rx.cond(invalid, error_id(control_id), ""),
    }


def labelled_field(
    label: str | Var[str],
    control: rx.Component,
    *,
    control_id: str,
    errors: Any | None = None,
    name: str = "",
    error_testid: str | None = None,
    label_size: str = "2",
) -> rx.Component:
    """A label above its control and, when `errors` has `name`, the message below it (role=alert)."""
    # A real <label for=...>: `rx.text(as_="label", html_for=...)` renders no `for` attribute.
    parts = [
        rx.el.label(rx.text(label, size=label_size, weight="medium"), html_for=control_id),
        control,
    ]
    if errors is not None:
        parts.append(
            rx.cond(
                errors.contains(name),
                rx.text(
                    errors[name],
                    id=error_id(control_id),
                    color_scheme="red",
                    size="1",
                    role="alert",
                    data_testid=error_testid or f"field-error-{name}",
                ),
            )
        )
    return rx.vstack(*parts, spacing="1", width="100%")


def filter_input(
    *, control_id: str, value: Var[str], on_change: Any, testid: str, numeric: bool = False, **props: Any
) -> rx.Component:
    """A text (or whole-number) filter box that tells the server only after a pause in typing."""
    if numeric:
        props.setdefault("input_mode", "numeric")
    return rx.debounce_input(
        rx.input(id=control_id, value=value, on_change=on_change, data_testid=testid, **props),
        debounce_timeout=FILTER_DEBOUNCE_MS,
    )


def action_button(
    label: str | Var[str],
    *,
    on_click: Any,
    testid: str,
    kind: str = "primary",
    icon: str | None = None,
    size: str = "2",
    **props: Any,
) -> rx.Component:
    """A button in one of the app's kinds: `primary`, `secondary` (soft grey) or `danger` (soft red)."""
    look = {"primary": {}, "secondary": {"variant": "soft", "color_scheme": "gray"}}.get(
        kind, {"variant": "soft", "color_scheme": "red"}
    )
    children = [rx.icon(icon, size=16), label] if icon else [label]
    return rx.button(*children, on_click=on_click, data_testid=testid, size=size, **(look | props))


def button_row(*buttons: rx.Component, **props: Any) -> rx.Component:
    """Buttons side by side, wrapping on a narrow screen."""
    return rx.hstack(*buttons, spacing="3", align="center", wrap="wrap", **props)
