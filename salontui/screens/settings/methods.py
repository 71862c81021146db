"""MethodsSection: the salon's payment methods (cash, bank card, WeChat, MoMo…), each with
its kind, its Alt+letter at the checkout and its place in the payment panel; the dialog
that adds or edits one. ``[`` and ``]`` (or Ctrl+Up and Ctrl+Down) move the selected
method up and down the list, which is the order of the checkout's payment panel.

The rules (which kinds a method may have, which letters are free, the last cash method)
are the store's (store/admin/methods.py); a refusal is said at its field. What the section
reads is also the desk's list of methods (``app.methods``), so the next checkout offers a
method as soon as it is saved here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widgets import Label

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.commands import Command
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.labels import stored_label
from salontui.screens.settings.groups import active_cell
from salontui.screens.settings.section import SettingsSection
from salontui.store.kinds import METHOD_KIND_LABELS, MethodKind
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.methods import MethodRow

NAME_CHARS = 60  # as long as a method's name may be
CODE_CHARS = 12
# The kinds a method the salon adds may have (store/admin/methods.py's OPEN_KINDS).
OPEN_KINDS = (MethodKind.CASH, MethodKind.CARD, MethodKind.WAIVED)


def kind_text(kind: str) -> str:
    return stored_label(METHOD_KIND_LABELS, kind)


def key_text(hotkey: str | None) -> str:
    """A method's key as the checkout takes it ("Alt+C"), or '' for none."""
    return f"Alt+{hotkey.upper()}" if hotkey else ""


class MethodDialog(FormDialog):
    """Add a payment method (``method`` None) or edit one; answers the MethodRow saved.

    The kind is chosen among cash, card-like and waived; it is shown, not chosen, for the
    salon's own books (stored value, points, on account) and for a method payments were
    already taken by. The code (what payments store) is made from the name unless typed,
    and never changes."""

    def __init__(self, method: MethodRow | None = None) -> None:
        super().__init__()
        self.method = method
        self.title_text = (_("Edit payment method ({code})").format(code=method.code)
                           if method else _("New payment method"))

    def kind_fixed(self) -> bool:
        method = self.method
        return method is not None and (method.kind not in OPEN_KINDS or bool(method.used))

    def compose_body(self):
        method = self.method
        yield Field(_("Method"), DeskInput(method.name if method else "", id="name",
                                         max_length=NAME_CHARS), key="name", required=True)
        yield Field(_("Key"), DeskInput((method.hotkey or "") if method else "", id="hotkey",
                                        max_length=1, placeholder="m"),
                    key="hotkey", hint=_("Alt+letter at the checkout; empty: no key"))
        if self.kind_fixed():
            assert method is not None  # (kind_fixed)
            why = (_("the salon's own books") if method.kind not in OPEN_KINDS
                   else _("payments were taken by it"))
            yield Field(_("Kind"), Label(_("{kind} (fixed: {why})").format(
                kind=kind_text(method.kind), why=why), id="kind"), key="kind")
        else:
            yield Field(_("Kind"), RadioChoice(
                [(str(k), kind_text(k)) for k in OPEN_KINDS],
                value=method.kind if method else str(MethodKind.CARD), id="kind"),
                key="kind", hint=_("Only cash gives change; waived pays nothing real"))
        if method is None:
            yield Field(_("Code"), DeskInput(id="code", max_length=CODE_CHARS,
                                             placeholder=_("made from the name")),
                        key="code", hint=_("What invoices store; it never changes"))

    def prepare(self) -> Callable[[Session], MethodRow]:
        name = self.value("name")
        hotkey = self.value("hotkey")
        kind = None if self.kind_fixed() else self.query_one("#kind", RadioChoice).value
        code = self.value("code") if self.method is None else ""
        staff_id, method = self.staff_id, self.method

        def save(session: Session, approved_by: int | None = None) -> MethodRow:
            from salontui.store.admin.methods import create_method, update_method

            assert staff_id is not None
            if method is None:
                return create_method(session, staff_id=staff_id, name=name,
                                     kind=kind or str(MethodKind.CARD), hotkey=hotkey,
                                     code=code or None, approved_by=approved_by)
            return update_method(session, staff_id=staff_id, method_id=method.id, name=name,
                                 hotkey=hotkey, kind=kind, approved_by=approved_by)

        return save


class MethodsSection(SettingsSection):
    section_id = "methods"
    title = N_("Payment methods")
    short_title = N_("Methods")
    add_name = N_("Add payment method")
    edit_name = N_("Edit payment method")
    toggle_name = N_("Retire or restore payment method")
    KEYS = (
        Binding("left_square_bracket,ctrl+up", "method_up", _("Up"),
                id="settings.methods.up", tooltip=_("Move the payment method up the list")),
        Binding("right_square_bracket,ctrl+down", "method_down", _("Down"),
                id="settings.methods.down",
                tooltip=_("Move the payment method down the list")),
    )

    def columns(self) -> list[Col]:
        return [Col("n", "#", 2, justify="right"), Col("key", _("Key"), 5),
                Col("name", _("Method"), None, min_width=12), Col("kind", _("Kind"), 12),
                Col("state", _("State"), 8), Col("code", _("Code"), 12)]

    def reader(self) -> Callable[[Session], list[MethodRow]]:
        def read(session: Session) -> list[MethodRow]:
            from salontui.store.admin.methods import list_methods

            return list_methods(session, with_use=True)

        return read

    def show_rows(self, rows: Sequence[MethodRow], select: str | None = None) -> None:
        # The desk's list too: the next checkout offers what was saved here at once.
        self.desk.methods = list(rows)
        super().show_rows(rows, select)

    def cells(self, row: MethodRow) -> list:
        number = next((i for i, r in enumerate(self.rows, start=1) if r.id == row.id), 0)
        return [number, key_text(row.hotkey), row.label, kind_text(row.kind),
                active_cell(row.active), Cell(row.code, "dim")]

    def status(self) -> str:
        n = len(self.rows)
        return ngettext("{n} payment method · {up} {down} move the selected one",
                        "{n} payment methods · {up} {down} move the selected one", n).format(
            n=n, up=key_of(self.settings_screen, "settings.methods.up"),
            down=key_of(self.settings_screen, "settings.methods.down"))

    def add_dialog(self) -> MethodDialog:
        return MethodDialog()

    def edit_dialog(self, row: MethodRow) -> MethodDialog:
        return MethodDialog(row)

    def toggle_job(self, row: MethodRow) -> Callable[[Session], MethodRow]:
        staff_id, method_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> MethodRow:
            from salontui.store.admin.methods import set_method_active

            assert staff_id is not None
            return set_method_active(session, staff_id=staff_id, method_id=method_id,
                                     active=active, approved_by=approved_by)

        return toggle

    def allows(self, action: str) -> bool:
        return bool(self.rows)

    def move_job(self, row: MethodRow, direction: str) -> Callable[[Session], MethodRow]:
        staff_id, method_id = self.desk.staff_id, row.id

        def move(session: Session, approved_by: int | None = None) -> MethodRow:
            from salontui.store.admin.methods import move_method

            assert staff_id is not None
            return move_method(session, staff_id=staff_id, method_id=method_id,
                               direction=direction, approved_by=approved_by)

        return move

    def action_method_up(self) -> None:
        self.move("up")

    def action_method_down(self) -> None:
        self.move("down")

    def commands(self) -> list[Command]:
        return [Command("settings.methods.up", _("Move payment method up"),
                        _("Earlier in the checkout's payment panel")),
                Command("settings.methods.down", _("Move payment method down"),
                        _("Later in the checkout's payment panel"))]
