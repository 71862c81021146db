"""CustomerFormDialog: a new customer, or edit one. Name and phone are required (marked *).

A phone or name another customer already has is not saved silently: the
store raises DuplicateCustomer and :class:`DuplicateCustomerDialog` shows the
existing customer(s); the receptionist opens that one instead (the dialog
answers with it) or goes on (saved with ``allow_duplicate=True``).

A member's phone is not changed here: typing another number is refused at the field,
naming the customer's key that changes it with a manager's approval
(:mod:`salontui.screens.dialogs.change_phone`).

Saving an edit that changes nothing writes nothing (the store sees it) and says
"Nothing changed."; the dialog then answers None, as if cancelled.

The customer's group is one of the salon's active groups or none, chosen with
Left/Right (or its first letter) among the groups read when the form opens; a
customer already in a retired group may stay in it, and no one else can be put
there (the store says so at the field if it was retired meanwhile).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import DuplicateCustomer, SalonError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.groups import GroupRow

# The fields this form edits (the store writes nothing when none of them changes).
EDITED = ("name", "phone", "birthday", "gender", "email", "address", "note", "group_id")
NO_GROUP = ""  # the group choice's value for "none"


class CycleChoice(RadioChoice):
    """One value out of any number, shown one at a time as ``◂ VIP ▸`` (a salon may have
    more groups than a line holds); Left/Right, Up/Down or a first letter change it."""

    def render(self) -> Content:
        label = dict(self.options).get(self.value, "")
        return Content.assemble(("◂ ", "dim"), (label, "bold"), (" ▸", "dim"))

    def on_click(self, event) -> None:
        self.action_move(1)

    def set_options(self, options: list[tuple[str, str]]) -> None:
        self.options = options
        if self.value not in dict(options):
            self.value = options[0][0]
        self.refresh()


def group_options(groups: list[GroupRow], current: int | None) -> list[tuple[str, str]]:
    """None, then the active groups; a retired group only for its own members, marked."""
    options = [(NO_GROUP, _("None"))]
    for group in groups:
        if group.active:
            options.append((str(group.id), group.name))
        elif group.id == current:
            options.append((str(group.id), _("{name} (retired)").format(name=group.name)))
    return options


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
        current = getattr(c, "group_id", None)
        first = [(NO_GROUP, _("None"))]
        if current is not None:  # shown at once; the other groups come when read
            first.append((str(current), getattr(c, "group_name", "") or str(current)))
        yield Field(_("Group"), CycleChoice(first, value=str(current) if current else NO_GROUP,
                                            id="group"), key="group", aliases=("group_id",))

    def on_mount(self) -> None:
        super().on_mount()

        def groups(session: Session) -> list[GroupRow]:
            from salontui.store.admin.groups import list_groups

            return list_groups(session)

        self.ask(groups, self.show_groups)

    def show_groups(self, groups: list[GroupRow]) -> None:
        current = getattr(self.customer, "group_id", None)
        self.query_one("#group", CycleChoice).set_options(group_options(groups, current))

    def refuse_member_phone(self, typed: str) -> None:
        """A member's phone changes with a manager's approval (P on the customer), not here:
        refused at the field when the number typed is another one (the store refuses it
        too: ``customers.update_customer``)."""
        from salontui.store.customers import phone_needs_approval
        from salontui.store.errors import ValidationError
        from salontui.store.phones import parse_phone

        c = self.customer
        if c is None or not phone_needs_approval(c.member_state):
            return
        try:
            typed_e164 = parse_phone(typed, region=self.formatter.phone_region).e164
        except ValidationError:
            typed_e164 = None  # not a phone at all: refused as for anyone
        if typed_e164 != c.phone:
            from salontui.keymap import key_on
            from salontui.screens.detail.screen import CustomerDetailScreen

            raise ValidationError(_("Change the phone with {key}: a member's phone needs a "
                                    "manager's approval.").format(
                key=key_on(self, CustomerDetailScreen, "detail.change_phone")), field="phone")

    def prepare(self):
        self.refuse_member_phone(self.value("phone"))
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
        group = self.query_one("#group", CycleChoice).value
        values["group_id"] = int(group) if group else None
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
