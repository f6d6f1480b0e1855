"""Asking before doing something that cannot be undone (delete, disable, a role change).

- `confirm_button(trigger, ...)`: the dialog opens from its own button, in the browser, and the
  handler runs only when the person confirms (the product's Delete).
- `confirm_dialog(open=..., ...)`: the state opens it (e.g. after a role was picked in a select)
  and `on_cancel` / `on_confirm` close it again.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.ui.i18n import t


def _buttons(
    confirm_label: Any,
    on_confirm: Any,
    confirm_testid: str,
    cancel_testid: str,
    danger: bool,
    on_cancel: Any = None,
) -> rx.Component:
    cancel_props = {"on_click": on_cancel} if on_cancel is not None else {}
    return rx.flex(
        rx.alert_dialog.cancel(
            rx.button(t("common.cancel"), variant="soft", color_scheme="gray", data_testid=cancel_testid,
                      **cancel_props),
        ),
        rx.alert_dialog.action(
            rx.button(confirm_label, color_scheme="red" if danger else None, on_click=on_confirm,
                      data_testid=confirm_testid),
        ),
        gap="12px", justify="end", margin_top="16px", wrap="wrap",
    )  # fmt: skip


def confirm_button(
    trigger: rx.Component,
    *,
    title: Any,
    description: Any,
    confirm_label: Any,
    on_confirm: Any,
    confirm_testid: str = "confirm-action",
    cancel_testid: str = "cancel-action",
    danger: bool = True,
) -> rx.Component:
    """`trigger` opens a dialog; `on_confirm` runs only after the person confirms."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            _buttons(confirm_label, on_confirm, confirm_testid, cancel_testid, danger),
            max_width="min(480px, calc(100vw - 32px))",
        ),
    )


def confirm_dialog(
    *,
    open: Any,
    title: Any,
    description: Any,
    confirm_label: Any,
    on_confirm: Any,
    on_cancel: Any,
    confirm_testid: str = "confirm-action",
    cancel_testid: str = "cancel-action",
    danger: bool = True,
) -> rx.Component:
    """A dialog the state opens (`open` is a bool var); Escape or Cancel run `on_cancel`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            _buttons(confirm_label, on_confirm, confirm_testid, cancel_testid, danger, on_cancel),
            max_width="min(480px, calc(100vw - 32px))",
            on_escape_key_down=on_cancel,
        ),
        open=open,
    )
