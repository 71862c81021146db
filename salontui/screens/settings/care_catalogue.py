"""CareCatalogueSection: the salon's care catalogue, the reasons within each care type
(Birthday and Apology under Care, Reminder under SMS…) that a bulk care action of the
customer list names; the dialog that adds or renames one. ``[`` and ``]`` (or Ctrl+Up and
Ctrl+Down) move the selected reason up and down its type's list, the order the action
dialog offers them in; ``x`` retires a reason (no longer offered; care given for it keeps
its name) or brings it back.

The care types are the store's (:class:`~salontui.store.kinds.CareType`): a salon names
reasons, not types. The rules (one name per type, ignoring case and accents) are the
store's (store/loyalty/care_catalogue.py).
"""

from __future__ import annotations

from collections.abc import Callable
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
from salontui.store.kinds import CARE_TYPE_LABELS, CareType
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.loyalty.care_catalogue import ReasonRow

NAME_CHARS = 120  # store/loyalty/care_catalogue.MAX_NAME


def care_type_text(care_type: str) -> str:
    return stored_label(CARE_TYPE_LABELS, care_type)


class CareReasonDialog(FormDialog):
    """Add a reason (``reason`` None; its type chosen, ``care_type`` first) or rename one
    (its type shown); answers the ReasonRow saved."""

    def __init__(self, reason: ReasonRow | None = None, *,
                 care_type: str = str(CareType.CARE)) -> None:
        super().__init__()
        self.reason = reason
        self.care_type = care_type
        self.title_text = _("Rename care reason") if reason else _("New care reason")

    def compose_body(self):
        reason = self.reason
        if reason is None:
            yield Field(_("Type"), RadioChoice([(str(t), care_type_text(t)) for t in CareType],
                                               value=self.care_type, id="care-type"),
                        key="care_type")
        else:
            yield Field(_("Type"), Label(care_type_text(reason.care_type), id="care-type"),
                        key="care_type")
        yield Field(_("Reason"), DeskInput(reason.name if reason else "", id="name",
                                           max_length=NAME_CHARS,
                                           placeholder=_("Birthday, apology, reminder…")),
                    key="name", required=True)

    def focus_first(self) -> None:
        self.query_one("#name", DeskInput).focus()

    def prepare(self) -> Callable[[Session], ReasonRow]:
        name = self.value("name")
        reason, staff_id = self.reason, self.staff_id
        care_type = (self.query_one("#care-type", RadioChoice).value if reason is None
                     else reason.care_type)

        def save(session: Session, approved_by: int | None = None) -> ReasonRow:
            from salontui.store.loyalty.care_catalogue import add_reason, rename_reason

            assert staff_id is not None
            if reason is None:
                return add_reason(session, staff_id=staff_id, care_type=care_type, name=name,
                                  approved_by=approved_by)
            return rename_reason(session, staff_id=staff_id, reason_id=reason.id, name=name,
                                 approved_by=approved_by)

        return save


class CareCatalogueSection(SettingsSection):
    section_id = "care_catalogue"
    title = N_("Care catalogue")
    short_title = N_("Care")
    add_name = N_("Add care reason")
    edit_name = N_("Rename care reason")
    toggle_name = N_("Retire or restore care reason")
    empty_text = N_("No care reasons yet: {key} adds one (a bulk care action of the "
                    "customer list also adds the reason typed there)")
    KEYS = (
        Binding("left_square_bracket,ctrl+up", "reason_up", _("Up"),
                id="settings.care_catalogue.up", tooltip=_("Move the reason up its list")),
        Binding("right_square_bracket,ctrl+down", "reason_down", _("Down"),
                id="settings.care_catalogue.down", tooltip=_("Move the reason down its list")),
    )

    def columns(self) -> list[Col]:
        return [Col("type", _("Type"), 10), Col("n", "#", 3, justify="right"),
                Col("name", _("Reason"), None, min_width=16), Col("state", _("State"), 8)]

    def reader(self) -> Callable[[Session], list[ReasonRow]]:
        def read(session: Session) -> list[ReasonRow]:
            from salontui.store.loyalty.care_catalogue import list_reasons

            return list_reasons(session)

        return read

    def cells(self, row: ReasonRow) -> list:
        same = [r.id for r in self.rows if r.care_type == row.care_type]
        number = same.index(row.id) + 1 if row.id in same else 0
        return [care_type_text(row.care_type), number, row.name, active_cell(row.active)]

    def status(self) -> str:
        n = len(self.rows)
        if not n:
            return super().status()
        return ngettext("{n} care reason · {up} {down} move the selected one",
                        "{n} care reasons · {up} {down} move the selected one", n).format(
            n=n, up=key_of(self.settings_screen, "settings.care_catalogue.up"),
            down=key_of(self.settings_screen, "settings.care_catalogue.down"))

    def add_dialog(self) -> CareReasonDialog:
        row = self.selected()  # a new reason under the type the cursor is on
        return CareReasonDialog(care_type=row.care_type if row else str(CareType.CARE))

    def edit_dialog(self, row: ReasonRow) -> CareReasonDialog:
        return CareReasonDialog(row)

    def toggle_job(self, row: ReasonRow) -> Callable[[Session], ReasonRow]:
        staff_id, reason_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> ReasonRow:
            from salontui.store.loyalty.care_catalogue import set_reason_active

            assert staff_id is not None
            return set_reason_active(session, staff_id=staff_id, reason_id=reason_id,
                                     active=active, approved_by=approved_by)

        return toggle

    def allows(self, action: str) -> bool:
        return bool(self.rows)

    def move_job(self, row: ReasonRow, direction: str) -> Callable[[Session], ReasonRow]:
        staff_id, reason_id = self.desk.staff_id, row.id

        def move(session: Session, approved_by: int | None = None) -> ReasonRow:
            from salontui.store.loyalty.care_catalogue import move_reason

            assert staff_id is not None
            return move_reason(session, staff_id=staff_id, reason_id=reason_id,
                               direction=direction, approved_by=approved_by)

        return move

    def action_reason_up(self) -> None:
        self.move("up")

    def action_reason_down(self) -> None:
        self.move("down")

    def commands(self) -> list[Command]:
        return [Command("settings.care_catalogue.up", _("Move care reason up"),
                        _("Earlier in its type's list")),
                Command("settings.care_catalogue.down", _("Move care reason down"),
                        _("Later in its type's list"))]
