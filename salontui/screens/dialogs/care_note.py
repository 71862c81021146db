"""CareNoteDialog: add or edit a care-history note (type, title, description)."""

from __future__ import annotations

from textual.app import ComposeResult

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.labels import stored_label
from salontui.store.kinds import CARE_TYPE_LABELS, CareType
from salontui.widgets.inputs import DeskInput, Field, RadioChoice


def care_type_label(value: str) -> str:
    return stored_label(CARE_TYPE_LABELS, value)


class CareNoteDialog(FormDialog):
    """Answers the saved CareRow."""

    def __init__(self, customer_id: int, note=None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.note = note
        self.title_text = _("Edit care note") if note else _("Add care note")
        self.confirm_label = _("Save")

    def compose_body(self) -> ComposeResult:
        n = self.note
        options = [(value, care_type_label(value)) for value in CARE_TYPE_LABELS]
        # The title first, so typing goes straight into it; the type is one Tab away (its
        # first letter picks it: c, t, s, e).
        yield Field(_("Title"), DeskInput(n.title if n else "", id="title", max_length=120),
                    key="title", required=True)
        yield Field(_("Type"), RadioChoice(options, value=n.type if n else CareType.CARE,
                                           id="type"), key="type")
        yield Field(_("Description"), DeskInput(n.description if n else "", id="description",
                                                      max_length=4000),
                    key="description")

    def prepare(self):
        values = {
            "type": self.query_one("#type", RadioChoice).value,
            "title": self.value("title"),
            "description": self.value("description"),
        }
        staff_id, customer_id, note = self.staff_id, self.customer_id, self.note

        def save(session):
            from salontui.store import care

            if note is None:
                return care.add_care_note(session, staff_id=staff_id, customer_id=customer_id,
                                          **values)
            return care.edit_care_note(session, staff_id=staff_id, note_id=note.id, **values)

        return save
