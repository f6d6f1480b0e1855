"""Controls every page shares: buttons and link buttons, a native select, a debounced filter input,
chips for choosing several values, and a marker for data that is not to be translated."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex_base.vars.base import Var

# Native <select> elements (keyboard-, screen-reader-, touch- and test-friendly) dressed as Radix selects.
NATIVE_SELECT_CLASS = "rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface"
# Typing in a filter waits this long for a pause before the list reloads.
FILTER_DEBOUNCE_MS = 300

_LOOKS: dict[str, dict[str, str]] = {
    "primary": {},
    "secondary": {"variant": "soft", "color_scheme": "gray"},
    "danger": {"variant": "soft", "color_scheme": "red"},
    "ghost": {"variant": "ghost", "color_scheme": "gray"},
}


def data_attrs() -> dict[str, str]:
    """`custom_attrs` of an element that shows data (names, SKUs, emails), not UI text: browsers'
    translators leave it alone, and so does the browser test that checks every other visible string
    against the catalogs. A new dict each time: Reflex adds the element's `data-*` props to it."""
    return {"translate": "no"}


def data_text(value: Any, **props: Any) -> rx.Component:
    """A piece of data (a name, a SKU) inside UI text."""
    return rx.text(value, as_="span", custom_attrs=data_attrs(), **props)


def native_select(options: Sequence[tuple[Any, str]], **props: Any) -> rx.Component:
    """A native <select> of (label, value) pairs in the app's look."""
    return rx.el.select(
        *[rx.el.option(label, value=value) for label, value in options],
        class_name=NATIVE_SELECT_CLASS,
        **props,
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
    """A button in one of the app's kinds: `primary`, `secondary`, `danger` or `ghost`."""
    children = [rx.icon(icon, size=16), label] if icon else [label]
    return rx.button(
        *children, on_click=on_click, data_testid=testid, size=size, type="button", **(_LOOKS[kind] | props)
    )


def link_button(
    label: str | Var[str],
    *,
    href: str | Var[str],
    testid: str | None = None,
    kind: str = "primary",
    icon: str | None = None,
    size: str = "2",
    **props: Any,
) -> rx.Component:
    """A link that looks like a button: one element, so one Tab stop (never a button inside a link)."""
    children = [rx.icon(icon, size=16), label] if icon else [label]
    attrs = {"data_testid": testid} if testid else {}
    return rx.button(
        rx.link(*children, href=href, **attrs), as_child=True, size=size, **(_LOOKS[kind] | props)
    )


def icon_button(
    icon: str, *, label: str | Var[str], on_click: Any = None, testid: str | None = None, **props: Any
) -> rx.Component:
    """A square button with an icon and a name for screen readers (44 px on phones)."""
    attrs = {"data_testid": testid} if testid else {}
    if on_click is not None:
        attrs["on_click"] = on_click
    return rx.icon_button(
        rx.icon(icon, size=18),
        aria_label=label,
        title=label,
        variant="ghost",
        type="button",
        **attrs,
        **props,
    )


def button_row(*buttons: rx.Component, **props: Any) -> rx.Component:
    """Buttons side by side, wrapping on a narrow screen."""
    return rx.hstack(*buttons, spacing="3", align="center", wrap="wrap", **props)


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


def _toggle(on_toggle: Callable[[str, Any], Any], value: str) -> Callable[[Any], Any]:
    return lambda checked: on_toggle(value, checked)


def chip_choice(
    *,
    legend: str | Var[str],
    options: Sequence[tuple[Any, str]],
    selected: Any,
    on_toggle: Any,
    testid: str,
) -> rx.Component:
    """Several values picked by tapping chips (real checkboxes): a fieldset whose legend names it.

    `on_toggle(value, checked)` returns the event for one chip; each chip has the test id
    `<testid>-<value>` and the fieldset `<testid>`.
    """
    chips = [
        rx.el.label(
            rx.el.input(
                # Uncontrolled, re-mounted when the selection changes: the chip flips at once on a
                # tap (no round trip), and a reload, Back or a link still show the state's choice.
                type="checkbox",
                value=value,
                default_checked=selected.contains(value),
                key=selected.join(","),
                on_change=_toggle(on_toggle, value),
                data_testid=f"{testid}-{value}",
            ),
            label,
            class_name="oppo-chip",
        )
        for label, value in options
    ]
    return rx.el.fieldset(
        rx.el.legend(rx.text(legend, size="1", weight="medium"), style={"padding": 0, "marginBottom": "6px"}),
        rx.flex(*chips, wrap="wrap", gap="8px"),
        data_testid=testid,
        style={"border": 0, "padding": 0, "margin": 0, "minWidth": 0},
    )
