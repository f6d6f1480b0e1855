"""Form fields that show every error at once: a real <label>, the control, and its message.

A page state keeps `errors: dict[str, Texts]` (field -> its message in every language, from
`ui.validation.people_errors`). A field whose name is in it turns red (`aria-invalid`, a red
border), says why below itself (`role=alert`, linked by `aria-describedby`), and the handler that
found the errors moves the focus to the first one with `focus_first(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import reflex as rx
from reflex_base.event import EventSpec
from reflex_base.vars.base import Var

from oppo_kz.ui.i18n import local
from oppo_kz.ui.validation import first_invalid


def error_id(control_id: str) -> str:
    """The id of the message that explains a control's error (its `aria-describedby`)."""
    return f"{control_id}-error"


def invalid_props(control_id: str, errors: Any, name: str) -> dict[str, Any]:
    """Props that mark a control invalid while `errors` has `name`: aria-invalid (which the CSS draws
    as a red border) and the description that says why."""
    invalid = errors.contains(name)
    return {
        "aria_invalid": invalid.to_string(),
        "aria_describedby": rx.cond(invalid, error_id(control_id), ""),
    }


def field_error(errors: Any, name: str, control_id: str, testid: str | None = None) -> rx.Component:
    """The message of field `name`, shown while it has one."""
    return rx.cond(
        errors.contains(name),
        rx.text(
            local(errors[name]),
            id=error_id(control_id),
            color_scheme="red",
            size="1",
            role="alert",
            data_testid=testid or f"field-error-{name}",
        ),
    )


def labelled_field(
    label: str | Var[str],
    control: rx.Component,
    *,
    control_id: str,
    errors: Any | None = None,
    name: str = "",
    error_testid: str | None = None,
    label_size: str = "2",
    **props: Any,
) -> rx.Component:
    """A label above its control and, when `errors` has `name`, the message below it."""
    # A real <label for=...>: `rx.text(as_="label", html_for=...)` renders no `for` attribute.
    parts = [
        rx.el.label(rx.text(label, size=label_size, weight="medium"), html_for=control_id),
        control,
    ]
    if errors is not None:
        parts.append(field_error(errors, name, control_id, error_testid))
    return rx.vstack(*parts, spacing="1", width="100%", **props)


def focus_first(
    order: Iterable[str], errors: Mapping[str, Any], control_id: str = "field-{}"
) -> EventSpec | None:
    """The event that puts the keyboard on the first invalid field (None when there is none)."""
    first = first_invalid(order, errors)
    return None if first is None else rx.set_focus(control_id.format(first))
