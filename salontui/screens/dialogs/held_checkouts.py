"""HeldCheckoutsDialog: the checkouts parked with Hold at this desk's branch, newest first.

Enter resumes the highlighted one (the dialog answers its draft id; the
caller opens ``CheckoutScreen(draft_id=…)`` or loads it into the checkout on
screen). Delete cancels it (after a question): a held checkout is not a
document, nothing was paid, so it can go. Escape answers None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.store.errors import SalonError
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.drafts import DraftRow


class HeldCheckoutsDialog(StoreCalls, ModalScreen):
    """Choose a held checkout to resume, or cancel one."""

    DEFAULT_CSS = """
    HeldCheckoutsDialog #drafts { height: 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Close"), id="dialog.close"),
        Binding("enter", "resume", _("Resume"),
                id="held.resume", tooltip=_("Resume held checkout")),
        Binding("delete", "cancel_draft", _("Cancel it"),
                id="held.cancel_it", tooltip=_("Cancel held checkout")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DraftRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Held checkouts")
            yield DeskTable([
                Col("when", _("Held"), 16),
                Col("customer", _("Customer"), 18),
                Col("label", _("Item"), None, min_width=10),
                Col("n", _("Lines"), 5, justify="right"),
            ], id="drafts")
            yield Static("", id="drafts-note")
            yield Static(_("{resume}: resume · {cancel}: cancel it · Esc: close").format(
                resume=key_of(self, "held.resume"), cancel=key_of(self, "held.cancel_it")),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(DeskTable).focus()
        self.load()

    def load(self) -> None:
        branch_id = self.desk.branch_id

        def read(session: Session) -> list[DraftRow]:
            from salontui.store.drafts import list_drafts

            return list_drafts(session, branch_id=branch_id)

        self.ask(read, self.show_drafts, failed=self.drafts_failed)

    def show_drafts(self, drafts: list[DraftRow]) -> None:
        fmt = self.desk.formatter
        self.rows = list(drafts)
        table = self.query_one(DeskTable)
        table.styles.height = min(max(len(self.rows), 1), 12) + 1
        table.set_rows(
            (d.id, [fmt.datetime(d.updated_at), d.customer_name or _("Walk-in"), d.label,
                    d.lines]) for d in self.rows)
        note = "" if self.rows else _("Nothing is held.")
        self.query_one("#drafts-note", Static).update(note)

    def drafts_failed(self, error: SalonError) -> None:
        self.query_one("#drafts-note", Static).update(Content(f"▲ {error.message}"))

    def draft_deleted(self, _nothing: None) -> None:
        self.app.notify(_("Held checkout cancelled."), timeout=3)
        self.load()

    def delete_failed(self, error: SalonError) -> None:
        self.drafts_failed(error)
        self.load()

    def selected(self):
        key = self.query_one(DeskTable).current_key
        return next((d for d in self.rows if str(d.id) == key), None)

    def on_desk_table_row_selected(self, event) -> None:
        event.stop()
        self.action_resume()

    def action_resume(self) -> None:
        draft = self.selected()
        if draft is not None:
            self.dismiss(draft.id)

    def action_cancel_draft(self) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        draft = self.selected()
        if draft is None:
            return
        staff_id = self.desk.staff_id

        def answer(yes) -> None:
            if not yes:
                return

            def job(session):
                from salontui.store.drafts import delete_draft

                return delete_draft(session, staff_id=staff_id, draft_id=draft.id)

            self.ask(job, self.draft_deleted, write=True, failed=self.delete_failed)

        who = draft.customer_name or _("a walk-in")
        self.app.push_screen(ConfirmDialog(
            _("Cancel the checkout held for {who} ({label})?").format(who=who,
                                                                      label=draft.label),
            title=_("Cancel held checkout"), confirm_label=_("Cancel it")), callback=answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
