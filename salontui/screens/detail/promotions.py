"""The Promotions tab: the promotions given to the customer; g gives one, r buys one with
points (a programme with a points price: ``dialogs/redeem_points.py``)."""

from __future__ import annotations

from textual.binding import Binding

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.tab import Bar, DetailTab, Page
from salontui.widgets.tables import Col, DeskTable


class PromotionsTab(DetailTab):
    tab_id = "promotions"
    title = N_("Promotions")
    short_title = N_("Promos")
    KEYS = (Binding("g", "give_promotion", _("Give promotion"), id="detail.promotions.give"),
            # Not in the footer (at 80 columns it would push F1 off): the tab's bar says it.
            Binding("r", "redeem_points", _("Redeem points"), id="detail.promotions.redeem",
                    tooltip=_("Buy a promotion code with points"), show=False))

    def widgets(self) -> list:
        return [
            Bar(id="promotions-bar"),
            DeskTable([
                Col("code", _("Code"), 10),
                Col("detail", _("Detail"), None, min_width=10),
                Col("created", _("Created"), 10),
                Col("expires", _("Expires"), 10),
                Col("used", _("Used"), 10),
                Col("note", _("Note"), 12, grow=2, max_width=40, prose=True),
            ], id="promotions-table"),
        ]

    def reader(self):
        cid = self.customer_id

        def read(session) -> Page:
            from salontui.store.promotions import list_customer_promotions

            return Page(list(list_customer_promotions(session, customer_id=cid)))
        return read

    def render_rows(self) -> None:
        fmt = self.desk.formatter
        rows = self.rows
        self.table().set_rows(
            (p.id, [p.code, f"{p.program_name}: {p.detail}" if p.detail else p.program_name,
                    fmt.date(p.created_at), fmt.date(p.expires_on), fmt.date(p.used_on),
                    p.note])
            for p in rows)
        key = key_of(self.detail, "detail.promotions.give")
        redeem = key_of(self.detail, "detail.promotions.redeem")
        self.bar(ngettext("{n} promotion · {key} gives one · {redeem} for points",
                          "{n} promotions · {key} gives one · {redeem} for points",
                          len(rows)).format(n=len(rows), key=key, redeem=redeem) if rows
                 else _("No promotions yet · {key} gives one · {redeem} for points").format(
                     key=key, redeem=redeem))

    def action_give_promotion(self) -> None:
        from salontui.screens.dialogs.give_promotion import GivePromotionDialog

        detail, customer_id = self.detail, self.customer_id
        if customer_id is None:
            return
        self.show_then(lambda: detail.open_dialog(GivePromotionDialog(customer_id)))

    def action_redeem_points(self) -> None:
        from salontui.screens.dialogs.redeem_points import RedeemPointsDialog

        detail, customer_id = self.detail, self.customer_id
        if customer_id is None:
            return
        self.show_then(lambda: detail.open_dialog(RedeemPointsDialog(customer_id)))

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.promotions.give", _("Give promotion"),
                    _("Give a promotion from the programs list"),
                    run=self.action_give_promotion),
            Command("detail.promotions.redeem", _("Redeem points"),
                    _("Buy a promotion code with the customer's points"),
                    run=self.action_redeem_points)))
