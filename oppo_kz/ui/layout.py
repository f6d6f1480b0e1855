"""The parts a list or detail page is built from, the same on every page.

- `page_header(title, *actions)`: the page's <h1> and its actions, wrapping on a phone.
- `list_toolbar(search=..., filters=..., active=...)`: on a desk one panel with the search and the
  filters; on a phone a sticky bar with the search and a "Filters (n)" button that opens the
  filters in a bottom drawer. Build functions are passed, so each control exists once.
- `responsive_table(headers, rows)` + `cell(..., slot=...)`: the table from 1024 px; below that the
  same rows are cards (CSS only): `title` and `value` on the first line, `value2` under the value,
  `meta` lines under the title (phone only), `wide` across, `desk` hidden.
- `sort_header`, `pager`, `list_summary`, `empty_state`, `detail_list`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex_base.vars.base import Var

from oppo_kz.ui.components import action_button, native_select
from oppo_kz.ui.i18n import local, t
from oppo_kz.ui.media import is_desktop

Build = Callable[[], Sequence[rx.Component]]


def page_header(title: Any, *actions: rx.Component, badges: Sequence[rx.Component] = ()) -> rx.Component:
    """The page title (the one <h1>) with badges beside it and actions on the right."""
    return rx.flex(
        rx.flex(
            rx.heading(title, as_="h1", size=rx.breakpoints(initial="5", md="6")), *badges,
            align="center", gap="8px", wrap="wrap", min_width="0",
        ),
        rx.spacer(),
        rx.flex(*actions, gap="8px", wrap="wrap", align="center"),
        align="center", gap="12px", wrap="wrap", width="100%",
    )  # fmt: skip


def _filters_button(active: Var[int]) -> rx.Component:
    return rx.button(
        rx.icon("sliders-horizontal", size=16),
        t("common.filters"),
        rx.cond(active > 0, rx.badge(active, variant="solid", radius="full", data_testid="filters-count")),
        variant="soft",
        type="button",
        data_testid="filters-open",
        aria_label=rx.cond(active > 0, t("common.filters_active", count=active), t("common.filters")),
    )


def _filters_drawer(
    filters: Build, active: Var[int], clear: Any, phone_extra: Build | None, clear_testid: str
) -> rx.Component:
    extra = list(phone_extra()) if phone_extra else []
    return rx.drawer.root(
        rx.drawer.trigger(_filters_button(active)),
        rx.drawer.portal(
            # Inside the portal, so that a closed drawer leaves nothing over the page.
            rx.drawer.overlay(z_index="50"),
            rx.drawer.content(
                rx.vstack(
                    rx.drawer.title(t("common.filters"), size="4"),
                    *filters(),
                    *extra,
                    rx.flex(
                        rx.cond(active > 0, action_button(
                            t("common.clear_filters"), on_click=clear, testid=clear_testid, kind="ghost",
                        )),
                        rx.spacer(),
                        rx.drawer.close(rx.button(t("common.show_results"), data_testid="filters-done")),
                        width="100%", align="center",
                    ),
                    spacing="4", padding="16px", width="100%", overflow_y="auto",
                ),
                top="auto", height="auto", max_height="85vh", z_index="51",
                border_radius="12px 12px 0 0", background="var(--color-panel-solid)",
                aria_describedby=None,
            ),
        ),
        direction="bottom",
    )  # fmt: skip


def list_toolbar(
    *,
    search: Build,
    filters: Build,
    active: Var[int],
    clear: Any,
    phone_extra: Build | None = None,
    prefix: str = "list",
) -> rx.Component:
    """Search and filters: one panel on a desk; a sticky search + Filters drawer on a phone.

    Test ids: `filters-open` (the phone's button), `filters-count`, `filters-done`, and
    `<prefix>-clear-filters`.
    """
    clear_testid = f"{prefix}-clear-filters"
    desk = rx.card(
        rx.flex(*search(), *filters(), rx.cond(active > 0, action_button(
            t("common.clear_filters"), on_click=clear, testid=clear_testid, kind="ghost",
        )), gap="20px", align="end", wrap="wrap"),
        width="100%",
    )  # fmt: skip
    phone = rx.flex(
        rx.box(*search(), flex="1", min_width="0"),
        _filters_drawer(filters, active, clear, phone_extra, clear_testid),
        class_name="oppo-sticky",
        gap="8px",
        align="end",
        width="100%",
        padding_y="8px",
    )
    return rx.cond(is_desktop, desk, phone)


def responsive_table(headers: Sequence[rx.Component], rows: rx.Component, **props: Any) -> rx.Component:
    """A table from 1024 px, cards below (see the module text for the cells' slots)."""
    return rx.table.root(
        rx.table.header(rx.table.row(*headers)),
        rx.table.body(rows),
        variant="surface",
        size="1",
        width="100%",
        class_name="oppo-rlist",
        **props,
    )


def cell(*children: Any, slot: str = "desk", phone_label: Any = None, **props: Any) -> rx.Component:
    """A table cell and where it goes on a phone card (`phone_label` is shown before it there)."""
    if phone_label is not None:
        props["data_phone_label"] = phone_label
    return rx.table.cell(*children, data_slot=slot, **props)


def sort_header(
    label: Any, field: str, *, current: Var[str], desc: Var[bool], on_sort: Any, align: str = "left"
):
    """A column header that sorts by `field` (again: reversed), with aria-sort and a visible focus."""
    indicator = rx.cond(
        current == field,
        rx.cond(desc, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.3"),
    )
    return rx.table.column_header_cell(
        rx.el.button(
            rx.hstack(rx.text(label), indicator, spacing="1", align="center"),
            on_click=on_sort,
            data_testid=f"sort-{field}",
            type="button",
            class_name="oppo-plain-button",
        ),
        text_align=align,
        aria_sort=rx.cond(current == field, rx.cond(desc, "descending", "ascending"), "none"),
        white_space="nowrap",
    )


def list_summary(*, range_words: Any, total: Var[Any], noun: Any, testid: str) -> rx.Component:
    """ "1–20 of [200] products", or "[1] product": the total alone in `testid`."""
    return rx.hstack(
        (
            rx.text(local(range_words), size="2", color_scheme="gray")
            if range_words is not None
            else rx.fragment()
        ),
        rx.text(total, size="2", weight="bold", data_testid=testid),
        rx.text(local(noun), size="2", color_scheme="gray"),
        spacing="1",
        align="center",
    )


def _page_number(n: Var[int], page: Var[int], go: Callable[[Any], Any], prefix: str) -> rx.Component:
    return rx.cond(
        n == 0,
        rx.text("…", color_scheme="gray", size="2", aria_hidden="true"),
        rx.button(
            n,
            size="2",
            variant=rx.cond(n == page, "solid", "soft"),
            on_click=go(n),
            data_testid=f"{prefix}-page-number",
            data_page=n,
            aria_current=rx.cond(n == page, "page", "false"),
            aria_label=t("list.page_n", n=n),
            type="button",
        ),
    )


def pager(*, page: Var[int], pages: Var[int], numbers: Var[list[int]], go: Any, prefix: str) -> rx.Component:
    """Prev, the page numbers (a desk) or "2 / 10" (a phone), Next; test ids `<prefix>-prev` etc."""
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16), rx.text(t("list.prev"), class_name="oppo-desk-only"),
            variant="soft", size="2", type="button", disabled=page <= 1, on_click=go(page - 1),
            data_testid=f"{prefix}-prev", aria_label=t("list.prev"),
        ),
        rx.hstack(rx.foreach(numbers, lambda n: _page_number(n, page, go, prefix)), spacing="1",
                  class_name="oppo-desk-only"),
        rx.text(t("list.page_of", page=page, pages=pages), size="2", class_name="oppo-phone-only",
                white_space="nowrap"),
        rx.button(
            rx.text(t("list.next"), class_name="oppo-desk-only"), rx.icon("chevron-right", size=16),
            variant="soft", size="2", type="button", disabled=page >= pages, on_click=go(page + 1),
            data_testid=f"{prefix}-next", aria_label=t("list.next"),
        ),
        spacing="1", align="center",
    )  # fmt: skip


def page_size_picker(*, value: Var[int], sizes: Sequence[int], on_change: Any, testid: str) -> rx.Component:
    """Rows per page, a native select with its label."""
    return rx.hstack(
        rx.el.label(rx.text(t("list.rows_per_page"), size="1", color_scheme="gray"), html_for=testid),
        native_select(
            [(str(n), str(n)) for n in sizes],
            id=testid,
            value=value.to_string(),
            on_change=on_change,
            data_testid=testid,
        ),
        align="center",
        spacing="2",
    )


def empty_state(icon: str, text: Any, *actions: rx.Component, testid: str) -> rx.Component:
    """What a list says when it has nothing to show, and what to do about it."""
    return rx.flex(
        rx.icon(icon, size=28, color="var(--gray-9)"),
        rx.text(text, size="3", color_scheme="gray", text_align="center"),
        *actions,
        direction="column", align="center", gap="12px", padding="32px 16px", width="100%",
        data_testid=testid, role="status",
    )  # fmt: skip


def detail_list(items: Sequence[tuple[Any, rx.Component, str]], **props: Any) -> rx.Component:
    """A read-only view: label above its formatted value, in one to three columns (no inputs)."""
    return rx.el.dl(
        rx.grid(
            *[
                rx.box(
                    rx.el.dt(rx.text(label, size="1", color_scheme="gray")),
                    rx.el.dd(value, style={"margin": 0}, data_testid=testid),
                )
                for label, value, testid in items
            ],
            columns=rx.breakpoints(initial="1", xs="2", md="3"),
            gap="16px",
            width="100%",
        ),
        style={"margin": 0},
        **props,
    )
