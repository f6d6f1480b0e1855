"""Composition root: the Reflex UI with the REST API mounted under /api/v1, on one port."""

from __future__ import annotations

import reflex as rx

import oppo_kz.services  # noqa: F401  (registers product change hooks before any write)
from oppo_kz.api.app import create_api, mount_api
from oppo_kz.ui.pages import register_pages

app = rx.App(api_transformer=mount_api(create_api()))
register_pages(app)
