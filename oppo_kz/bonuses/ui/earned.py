"""The dashboard's "earned this month" tile: what a promoter has earned so far (approved sales)."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.bonuses import service
from oppo_kz.lib.formatting import money
from oppo_kz.ui.i18n import I18nState, t
from oppo_kz.ui.run import run_service


class EarnedState(rx.State):
    shown: rx.Field[bool] = rx.field(False)
    amount: rx.Field[str] = rx.field("")
    units: rx.Field[int] = rx.field(0)
    month: rx.Field[str] = rx.field("")

    async def _fill(self, actor: Principal) -> None:
        lang = (await self.get_state(I18nState)).lang
        earned = await run_service(service.earned_so_far, actor=actor)
        self.shown = True
        self.amount, self.units, self.month = money(earned["amount"], lang), earned["units"], earned["month"]

    @rx.event
    async def load(self) -> None:
        """Fill the tile for a promoter; other roles see no tile."""
        actor = await (await self.get_state(AuthState)).principal_or_none()
        if actor is None or actor.role.value != "promoter":
            self.shown = False
            return
        await self._fill(actor)


def earned_tile() -> rx.Component:
    """The tile (for promoters only), filled when it appears."""
    return rx.box(
        rx.cond(
            EarnedState.shown,
            rx.link(
                rx.card(
                    rx.vstack(
                        rx.text(t("bonuses.earned"), size="2", color_scheme="gray"),
                        rx.text(EarnedState.amount, size="6", weight="bold", data_testid="bonuses-earned"),
                        rx.text(t("bonuses.earned.units", count=EarnedState.units), size="1", color_scheme="gray"),
                        spacing="1",
                    ),
                    width="100%",
                ),
                href="/bonuses", underline="none", color_scheme="gray", high_contrast=True,
            ),
        ),
        on_mount=EarnedState.load,
        data_testid="tile-bonuses-earned",
    )  # fmt: skip
