"""Composition root: the Reflex UI with the REST API mounted under /api/v1, on one port."""

from __future__ import annotations

import dataclasses

import reflex as rx

from oppo_kz.api.app import create_api, mount_api, read_connections
from oppo_kz.domains import domain_modules
from oppo_kz.lib.formatting import DEFAULT_LANG
from oppo_kz.ui import pages
from oppo_kz.ui.shell import connection_banner, head_components, loading_screen
from oppo_kz.ui.theme import APP_TITLE

# Reflex's default overlay is a technical "Cannot connect to server ..." toast; ours is a plain
# "reconnecting" banner (Reflex keeps retrying by itself either way).
_wraps_factory = rx.App.__dataclass_fields__["app_wraps"].default_factory
assert _wraps_factory is not dataclasses.MISSING
_default_wraps = _wraps_factory()
app_wraps = _default_wraps | {(5, "Overlay"): lambda stateful: connection_banner() if stateful else None}

app = rx.App(
    api_transformer=mount_api(create_api()),
    app_wraps=app_wraps,
    head_components=[rx.el.link(rel="icon", href="/favicon.ico"), *head_components()],
    html_lang=DEFAULT_LANG,
)
app.register_lifespan_task(read_connections)
# `/` sends signed-in users to the dashboard (and others, through its guard, to /login).
app.add_page(loading_screen, route="/", title=APP_TITLE, on_load=rx.redirect("/dashboard", replace=True))
for module in domain_modules("ui"):
    module.register(app)
pages.register(app)  # the 404 page
