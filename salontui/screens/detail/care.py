"""The Care history tab: calls, treatments, messages… about the customer, paged.

c adds a note, Enter edits the selected one, Delete deletes it (softly), t filters by
type; F4 lists the deleted notes (again: back to the others), F5 restores one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.tab import Bar, DetailTab, page_size, paged
from salontui.screens.dialogs.care_note import care_type_label
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.care import CareRow

CARE_FILTERS = (None, "care", "treatment", "call", "sms", "email")


class CareTab(DetailTab):
    tab_id = "care"
    title = N_("Care history")
    short_title = N_("Care")
    is_paged = True
    ROW_KEYS = (Binding("enter", "edit_care_note", _("Edit note"),
                        id="detail.care.edit", priority=True,
                        tooltip=_("Edit care note")),)
    KEYS = (
        Binding("c", "add_care_note", _("Add note"),
                id="detail.care.add", tooltip=_("Add care note")),
        Binding("delete", "delete_care_note", _("Delete note"), id="detail.care.delete",
                tooltip=_("Delete care note")),
        Binding("t", "care_filter", _("Type"),
                id="detail.care.type", tooltip=_("Filter care notes by type")),
        Binding("f4", "deleted_care_notes", _("Deleted"),
                id="detail.care.deleted", show=False,  # the bar says it
                tooltip=_("Show deleted care notes (again: back to the others)")),
        Binding("f5", "restore_care_note", _("Restore"),
                id="detail.care.restore", tooltip=_("Restore care note")),
    )

    def reset(self) -> None:
        super().reset()
        self.care_type: str | None = None
        self.care_deleted = False  # the deleted notes are listed (F4), to restore (F5)

    def widgets(self) -> list:
        return [
            Bar(id="care-bar"),
            DeskTable([
                Col("time", _("Date"), 16),
                Col("by", _("By"), 12, grow=1, max_width=20),
                Col("type", _("Type"), 9),
                Col("title", _("Title"), 16, grow=2, max_width=40, prose=True),
                Col("description", _("Description"), None, min_width=12),
            ], id="care-table"),
        ]

    def reader(self):
        cid, offset, size = self.customer_id, self.page_offset, page_size()
        care_type, only_deleted = self.care_type, self.care_deleted

        def read(session):
            from salontui.store.care import list_care_notes

            return paged(list_care_notes(session, customer_id=cid, type=care_type,
                                         only_deleted=only_deleted, limit=size + 1,
                                         offset=offset), size)
        return read

    def render_rows(self) -> None:
        fmt = self.desk.formatter
        rows = self.rows
        self.table().set_rows(
            (n.id, [fmt.datetime(n.created_at), n.staff_name or "", care_type_label(n.type),
                    n.title, n.description])
            for n in rows)
        kind = care_type_label(self.care_type) if self.care_type else _("all")
        text = _("Type: {kind} ({key} changes)").format(
            kind=kind, key=key_of(self.detail, "detail.care.type"))
        if self.care_deleted:  # 80 columns: the type only when one is chosen
            text = _("Deleted notes · {restore} restores the selected one · {back} back").format(
                restore=key_of(self.detail, "detail.care.restore"),
                back=key_of(self.detail, "detail.care.deleted")) + (
                f" · {kind}" if self.care_type else "")
            paging = self.page_text(len(rows)) or _("No deleted care notes.")
        else:
            text += " · " + _("{key} deleted notes").format(
                key=key_of(self.detail, "detail.care.deleted"))
            paging = self.page_text(len(rows)) or _("No care notes.")
        self.bar(f"{text} · {paging}")

    # -- keys -------------------------------------------------------------------------
    def allows(self, action: str) -> bool:
        note = self.selected()
        if action == "edit_care_note":
            return note is not None and not self.typing() and not self.care_deleted
        if action == "delete_care_note":
            return note is not None and not self.care_deleted
        if action == "restore_care_note":
            return self.care_deleted and not self.detail.customer_deleted and note is not None
        if action == "add_care_note":
            return not self.care_deleted
        return True  # deleted_care_notes, care_filter

    def action_add_care_note(self) -> None:
        from salontui.screens.dialogs.care_note import CareNoteDialog

        if self.care_deleted:  # a new note belongs with the others: leave the deleted list
            self.action_deleted_care_notes()
        detail, customer_id = self.detail, self.customer_id
        if customer_id is None:
            return
        self.show_then(lambda: detail.open_dialog(CareNoteDialog(customer_id)))

    def action_edit_care_note(self) -> None:
        from salontui.screens.dialogs.care_note import CareNoteDialog

        def edit() -> None:
            note, customer_id = self.selected(), self.customer_id
            if note is None:
                self.app.notify(_("Choose a care note first."), timeout=3)
                return
            if customer_id is not None:
                self.detail.open_dialog(CareNoteDialog(customer_id, note))

        self.show_then(edit)

    def action_delete_care_note(self) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        def ask():
            note = self.selected()
            if note is None:
                self.app.notify(_("Choose a care note first."), timeout=3)
                return
            staff_id = self.desk.staff_id

            def answer(yes) -> None:
                if not yes:
                    return

                def delete(session: Session) -> CareRow:
                    from salontui.store.care import delete_care_note

                    return delete_care_note(session, staff_id=staff_id, note_id=note.id)

                self.ask(delete, self.note_deleted, write=True)

            self.app.push_screen(ConfirmDialog(
                _("Delete the care note '{title}'?").format(title=note.title),
                title=_("Delete care note"), confirm_label=_("Delete")), callback=answer)

        self.show_then(ask)

    def note_deleted(self, _note: CareRow) -> None:
        self.app.notify(_("Care note deleted. {key} lists the deleted notes to restore "
                          "one.").format(key=key_of(self.detail, "detail.care.deleted")),
                        timeout=4)
        self.detail.refresh_all()

    def action_care_filter(self) -> None:
        index = CARE_FILTERS.index(self.care_type)
        self.care_type = CARE_FILTERS[(index + 1) % len(CARE_FILTERS)]
        self.page_offset = 0
        self.load()

    def action_deleted_care_notes(self) -> None:
        """F4 on the Care tab: the deleted notes (to restore one with F5); again: the others."""
        def toggle():
            self.care_deleted = not self.care_deleted
            self.page_offset = 0
            self.loaded = False
            self.load()
            self.detail.update_keys()

        if self.detail.active != self.tab_id:
            self.care_deleted = False
        self.show_then(toggle)

    def action_restore_care_note(self) -> None:
        def restore():
            note = self.selected()
            if note is None or not note.deleted:
                self.app.notify(_("Choose a deleted care note first: {key} lists "
                                  "them.").format(
                    key=key_of(self.detail, "detail.care.deleted")), timeout=4)
                return
            staff_id = self.desk.staff_id

            def write(session: Session) -> CareRow:
                from salontui.store.care import restore_care_note

                return restore_care_note(session, staff_id=staff_id, note_id=note.id)

            self.ask(write, self.note_restored, write=True)

        if not self.care_deleted:
            self.action_deleted_care_notes()
            return
        self.show_then(restore)

    def note_restored(self, note: CareRow) -> None:
        self.app.notify(_("Care note '{title}' restored.").format(title=note.title),
                        timeout=4)
        self.detail.refresh_all()

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.care.add", _("Add care note"), _("A call, a treatment, a message…"),
                    run=self.action_add_care_note),
            Command("detail.care.edit", _("Edit care note"), _("Change the selected care note"),
                    run=self.action_edit_care_note),
            Command("detail.care.delete", _("Delete care note"),
                    _("Delete the selected care note"), run=self.action_delete_care_note),
            Command("detail.care.deleted", _("Show deleted care notes"),
                    _("The deleted care notes, to restore one"),
                    run=self.action_deleted_care_notes),
            Command("detail.care.restore", _("Restore care note"),
                    _("Bring back the selected deleted care note"),
                    run=self.action_restore_care_note),
            Command("detail.care.type", _("Filter care notes by type"),
                    _("All, care, treatment, call, SMS, email"),
                    run=lambda: self.show_then(self.action_care_filter)),
        ))
