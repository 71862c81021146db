"""CustomerFormDialog: a new customer, or edit one. Name and phone are required (marked *).

A phone or name another customer already has is not saved silently: the
store raises DuplicateCustomer and :class:`DuplicateCustomerDialog` shows the
existing customer(s); the receptionist opens that one instead (the dialog
answers with it) or goes on (saved with ``allow_duplicate=True``).

Saving an edit that changes nothing writes nothing (the store sees it) and says
"Nothing changed."; the dialog then answers None, as if cancelled.
"""

from __future__ import annotations

from textual.app import ComposeResult

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import DuplicateCustomer, SalonError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

# The fields this form edits (the store writes nothing when none of them changes).
EDITED = ("name", "phone", "birthday", "gender", "email", "address", "note")


def gender_options() -> list[tuple[str, str]]:
    return [("", _("Not given")), ("female", _("Female")), ("male", _("Male")),
            ("other", _("Other"))]


class CustomerFormDialog(FormDialog):
    """Answers the saved CustomerRecord, or the existing one chosen from a duplicate warning."""

    def __init__(self, customer=None) -> None:
        super().__init__()
        self.customer = customer  # a CustomerSummary/CustomerRecord to edit, or None for new
        self.allow_duplicate = False
        self.title_text = (_("Edit customer {code}").format(code=customer.code) if customer
                           else _("New customer"))
        self.confirm_label = _("Save")

    def compose_body(self) -> ComposeResult:
        c = self.customer
        fmt = self.desk.formatter
        yield Field(_("Name"), DeskInput(c.name if c else "", id="name", max_length=120),
                    key="name", required=True)
        yield Field(_("Phone"), DeskInput(fmt.phone(c.phone) if c else "", id="phone",
                                              max_length=32),
                    key="phone", required=True)
        yield Field(_("Birthday"),
                    DeskInput(fmt.date(c.birthday) if c and c.birthday else "",
                              placeholder=fmt.date_hint(), id="birthday", max_length=20),
                    key="birthday")
        yield Field(_("Gender"), RadioChoice(gender_options(), value=c.gender if c else "",
                                        id="gender"), key="gender")
        yield Field(_("Email"), DeskInput(c.email if c else "", id="email",
                                              max_length=120), key="email")
        yield Field(_("Address"), DeskInput(c.address if c else "", id="address"),
                    key="address")
        yield Field(_("Note"), DeskInput(c.note if c else "", id="note",
                                             max_length=1000), key="note")

    def prepare(self):
        values = {
            "name": self.value("name"),
            "phone": self.value("phone"),
            "birthday": self.formatter.parse_date(self.value("birthday"), field="birthday",
                                                  required=False),
            "gender": self.query_one("#gender", RadioChoice).value,
            "email": self.value("email"),
            "address": self.value("address"),
            "note": self.value("note"),
        }
        staff_id = self.staff_id
        allow = self.allow_duplicate
        customer = self.customer

        def save(session):
            from salontui.store import customers

            if customer is None:
                return customers.create_customer(session, staff_id=staff_id,
                                                 allow_duplicate=allow, **values)
            return customers.update_customer(
                session, staff_id=staff_id, customer_id=customer.id, allow_duplicate=allow,
                expected_updated_at=getattr(customer, "updated_at", None), **values)

        return save

    def result(self, value):
        before = self.customer
        if before is not None and value.id == before.id and all(
                getattr(value, key) == getattr(before, key, None) for key in EDITED):
            self.app.notify(_("Nothing changed."), timeout=3)
            return None
        return value

    def save_refused(self, error: SalonError) -> None:
        if isinstance(error, DuplicateCustomer) and error.matches:
            self.busy = False
            from salontui.screens.dialogs.duplicate import DuplicateCustomerDialog

            self.push_screen_answer(DuplicateCustomerDialog(error.message, error.matches,
                                                            editing=self.customer is not None))
            return
        super().save_refused(error)

    def push_screen_answer(self, dialog) -> None:
        self.app.push_screen(dialog, callback=self._on_duplicate_answer)

    def _on_duplicate_answer(self, answer) -> None:
        from salontui.screens.dialogs.duplicate import CONTINUE

        if answer == CONTINUE:
            self.allow_duplicate = True
            self.action_confirm()
        elif answer is not None:
            self.dismiss(answer)
