"""GivePromotionDialog: choose a program from the list (each says what it takes off and on
what); optional expiry and note."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.promotions import ProgramRow


class GivePromotionDialog(FormDialog):
    """Answers the new CustomerPromotionRow."""

    title_text = _("Give promotion")
    confirm_label = _("Give")

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.programs: list[ProgramRow] = []

    def compose_body(self) -> ComposeResult:
        yield Field(_("Program"), OptionList(id="programs", compact=True), key="program",
                    aliases=("program_id",), required=True)
        yield Static(_("Loading programs…"), id="program-note", classes="dialog-hint")
        yield Field(_("Expires"), DeskInput(placeholder=_("program's end date"), id="expires",
                                                max_length=20),
                    key="expires_on", aliases=("expiry", "date"))
        yield Field(_("Note"), DeskInput(id="note"), key="note")

    def on_mount(self) -> None:
        super().on_mount()

        def programs(session: Session) -> list[ProgramRow]:
            from salontui.store.promotions import list_programs

            return list_programs(session, active_only=True)

        self.ask(programs, self.show_programs, failed=self.programs_failed)

    def show_programs(self, programs: list[ProgramRow]) -> None:
        fmt = self.desk.formatter
        self.programs = list(programs)
        option_list = self.query_one("#programs", OptionList)
        option_list.clear_options()
        for program in self.programs:
            until = fmt.date(program.valid_until) if program.valid_until else _("no end date")
            # What it takes off and on what ("20% off services"), so the right one is given
            # (unless its name says so already).
            detail = program.detail
            gives = f" · {detail}" if detail and detail.lower() not in program.name.lower() \
                else ""
            option_list.add_option(Option(Content(f"{program.name}{gives}  ({until})"),
                                          id=str(program.id)))
        note = self.query_one("#program-note", Static)
        if self.programs:
            option_list.highlighted = 0
            note.update(_("Up/Down to choose a program"))
        else:
            note.update(_("No active promotion programs."))

    def programs_failed(self, error: SalonError) -> None:
        self.query_one("#program-note", Static).update(Content(f"▲ {error.message}"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    def selected_program(self):
        option_list = self.query_one("#programs", OptionList)
        index = option_list.highlighted
        if index is None or not self.programs:
            return None
        return self.programs[index]

    def prepare(self):
        program = self.selected_program()
        if program is None:
            raise ValidationError(_("Choose a program."), field="program")
        expires = self.formatter.parse_date(self.value("expires_on"), field="expires_on",
                                            required=False)
        note = self.value("note")
        staff_id, customer_id = self.staff_id, self.customer_id

        def save(session):
            from salontui.store.promotions import give_promotion

            return give_promotion(session, staff_id=staff_id, customer_id=customer_id,
                                  program_id=program.id, expires_on=expires, note=note)

        return save
