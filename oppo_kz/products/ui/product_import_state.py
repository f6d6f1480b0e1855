"""/products/import: check a CSV/XLSX file (a dry run: counts and every row's errors), then import it."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.errors import DomainError, ValidationFailedError
from oppo_kz.products import importer
from oppo_kz.products.models import ImportResult
from oppo_kz.ui.i18n import Texts, no_texts, texts
from oppo_kz.ui.run import run_service
from oppo_kz.ui.validation import error_texts

UPLOAD_ID = "products-import-file"


def error_rows(exc: ValidationFailedError) -> list[dict[str, str]]:
    """A refused file's errors as table rows (row number, field, the message)."""
    return [
        {
            "row": str(e.get("row", "")),
            "field": str(e.get("field") or ""),
            "message": str(e.get("message", "")),
        }
        for e in exc.errors[:200]
    ]


class ProductImportState(rx.State):
    allowed: rx.Field[bool] = rx.field(False)
    busy: rx.Field[bool] = rx.field(False)
    # "", "preview" (a dry run passed), "done" (imported) or "errors"
    outcome: rx.Field[str] = rx.field("")
    summary: rx.Field[Texts] = rx.field(default_factory=dict)
    errors: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)

    @rx.event
    async def load(self):
        """on_load: only roles that may create and change products may import."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.allowed = has_permission(actor.role, Permission.products_create)
        self._reset()
        return None

    def _reset(self) -> None:
        self.busy, self.outcome, self.summary, self.errors = False, "", no_texts(), []

    @rx.event
    async def check(self, files: list[rx.UploadFile]):
        """A dry run: what the import would do, or why it would be refused."""
        return await self._run(files, dry_run=True)

    @rx.event
    async def apply(self, files: list[rx.UploadFile]):
        """Import the file for real (all or nothing)."""
        return await self._run(files, dry_run=False)

    async def _run(self, files: list[Any], *, dry_run: bool) -> Any:
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self._reset()
        if not files:
            self.outcome, self.summary = "errors", texts("products.import.no_file")
            return None
        content = await files[0].read(importer.MAX_IMPORT_BYTES + 1)
        self.busy = True
        try:
            result: ImportResult = await run_service(
                importer.import_products, write=True, actor=actor, content=content, dry_run=dry_run
            )
        except ValidationFailedError as exc:
            self.busy, self.outcome = False, "errors"
            self.summary, self.errors = texts("products.import.errors"), error_rows(exc)
            return None
        except DomainError as exc:
            self.busy, self.outcome, self.summary = False, "errors", error_texts(exc)
            return None
        self.busy = False
        counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
        self.outcome = "preview" if dry_run else "done"
        self.summary = texts("products.import.preview" if dry_run else "products.import.done", **counts)
        return None if dry_run else rx.clear_selected_files(UPLOAD_ID)
