"""CommissionSection: the salon's commission rules (what the staff member on a line earns
from it), in force and, with ``h``, ended; the dialog that adds a rule or changes one.

A rule is never edited: ``e`` changes it (the store ends it and adds the new one at the
same instant, so what was sold before keeps its commission), ``x`` ends it after a
question. What a rule may be, and which one pays a line, is the store's
(store/admin/commissions.py): a refusal is said at its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.screens.commands import Command
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.loyalty.care_dialogs import CycleChoice
from salontui.screens.settings.section import SettingsSection
from salontui.store.kinds import STAFF_ROLE_LABELS, StaffRole
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.commissions import RuleRow

EVERYONE = "all"
KIND_LABELS = {"service": N_("services"), "product": N_("products"),
               "package": N_("packages sold"), "redeem": N_("sessions redeemed")}


def kind_text(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return _(label) if label else kind


def role_text(role: str) -> str:
    label = STAFF_ROLE_LABELS.get(role)  # type: ignore[call-overload]
    return _(label) if label else role


def who_text(row: RuleRow) -> str:
    if row.staff_id is not None:
        return row.staff_name or f"#{row.staff_id}"
    if row.role is not None:
        return _("every {role}").format(role=role_text(row.role))
    return _("everyone")


def who_value(row: RuleRow | None) -> str:
    """The "For" choice's value of a rule: all, role:<role> or staff:<id>."""
    if row is None:
        return EVERYONE
    if row.staff_id is not None:
        return f"staff:{row.staff_id}"
    if row.role is not None:
        return f"role:{row.role}"
    return EVERYONE


class CommissionRuleDialog(FormDialog):
    """Add a rule (``row`` None) or change one (the store ends it and adds this one);
    answers the RuleRow saved."""

    DEFAULT_CSS = """
    CommissionRuleDialog .dialog { width: 72; }
    """

    def __init__(self, row: RuleRow | None = None) -> None:
        super().__init__()
        self.row = row
        self.title_text = _("Change commission rule") if row else _("New commission rule")

    def compose_body(self):
        from salontui.store.admin.commissions import show_percent
        from salontui.store.money import to_decimal_string

        row = self.row
        yield Field(_("Applies to"), CycleChoice(
            [(kind, kind_text(kind)) for kind in KIND_LABELS],
            value=row.applies_to if row else "service", id="applies-to"), key="applies_to")
        yield Field(_("Item code"), DeskInput(row.item_code if row else "", id="item-code",
                                              max_length=20),
                    key="item_code", aliases=("item",),
                    hint=_("Empty: all of the kind (a session: its package's code)"))
        roles = [(f"role:{r.value}", _("every {role}").format(role=role_text(r.value)))
                 for r in StaffRole]
        yield Field(_("For"), CycleChoice([(EVERYONE, _("everyone")), *roles],
                                          value=who_value(row), id="who"), key="who")
        percent = show_percent(row.rate_bp) if row and row.rate_bp is not None else ""
        amount = (to_decimal_string(row.fixed_amount, self.formatter.exponent)
                  if row and row.fixed_amount is not None else "")
        yield Field(_("Percent"), DeskInput(percent, id="percent", max_length=12),
                    key="percent", hint=_("Of the line's amount, e.g. 10 or 2.5"))
        yield Field(_("Or per unit"), DeskInput(amount, id="amount", max_length=20),
                    key="amount", hint=_("A fixed amount per unit or session"))

    def on_mount(self) -> None:
        super().on_mount()

        def read(session: Session) -> list[tuple[int, str]]:
            from salontui.store.staff import list_staff

            return [(s.id, s.name) for s in list_staff(session)]

        self.ask(read, self.show_staff, tag="staff")

    def show_staff(self, staff: list[tuple[int, str]]) -> None:
        who = self.query_one("#who", CycleChoice)
        current = who.value
        people = [(f"staff:{i}", name) for i, name in staff]
        if self.row is not None and self.row.staff_id is not None and not any(
                v == current for v, _n in people):  # someone no longer active
            people.append((current, who_text(self.row)))
        options = [o for o in who.options if not o[0].startswith("staff:")] + people
        who.set_options(options, current)

    def prepare(self) -> Callable[..., RuleRow]:
        applies_to = self.query_one("#applies-to", CycleChoice).value
        who = self.query_one("#who", CycleChoice).value
        role = who.removeprefix("role:") if who.startswith("role:") else None
        target = int(who.removeprefix("staff:")) if who.startswith("staff:") else None
        item_code, percent = self.value("item_code"), self.value("percent")
        amount = self.value("amount")
        staff_id, row = self.staff_id, self.row

        def save(session: Session, approved_by: int | None = None) -> RuleRow:
            from salontui.store.admin.commissions import add_rule, change_rule

            assert staff_id is not None
            fields: dict[str, Any] = {
                "applies_to": applies_to, "item_code": item_code, "role": role,
                "target_staff_id": target, "percent": percent, "amount": amount,
                "approved_by": approved_by}
            if row is None:
                return add_rule(session, staff_id=staff_id, **fields)
            return change_rule(session, staff_id=staff_id, rule_id=row.id, **fields)

        return save


class CommissionSection(SettingsSection):
    section_id = "commission"
    title = N_("Commission")
    add_name = N_("Add commission rule")
    edit_name = N_("Change commission rule")
    toggle_name = N_("End commission rule")
    empty_text = N_("No rules yet: {key} adds one (meanwhile a service's own commission % "
                    "applies)")
    KEYS = (Binding("h", "show_ended", _("Ended"), id="settings.commission.ended",
                    tooltip=_("Show or hide the rules that ended")),)

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.include_ended = False

    def columns(self) -> list[Col]:
        return [Col("kind", _("Applies to"), 17), Col("item", _("Item")),
                Col("who", _("For"), 14), Col("rate", _("Rate"), 13, justify="right"),
                Col("since", _("From"), 10)]

    def reader(self) -> Callable[[Session], list[RuleRow]]:
        include = self.include_ended

        def read(session: Session) -> list[RuleRow]:
            from salontui.store.admin.commissions import list_rules

            return list_rules(session, include_ended=include)

        return read

    def cells(self, row: RuleRow) -> list:
        from salontui.store.admin.commissions import show_percent

        fmt = self.desk.formatter
        item = row.item_code and f"{row.item_code} {row.item_name}"
        rate = (f"{show_percent(row.rate_bp)} %" if row.rate_bp is not None
                else fmt.money(row.fixed_amount))
        since = fmt.date(row.created_at)
        if row.ended_at is not None:
            return [Cell(kind_text(row.applies_to), "dim"),
                    Cell(item or _("all"), "dim"), Cell(who_text(row), "dim"),
                    Cell(rate, "dim"), Cell(_("ended {date}").format(
                        date=fmt.date(row.ended_at)), "dim")]
        return [kind_text(row.applies_to), item or Cell(_("all"), "dim"), who_text(row), rate,
                since]

    def status(self) -> str:
        text = super().status()
        if self.include_ended:
            return _("{rows} · with the ended rules").format(rows=text)
        return text

    def add_dialog(self) -> CommissionRuleDialog:
        return CommissionRuleDialog()

    def edit_dialog(self, row: RuleRow) -> CommissionRuleDialog | None:
        if row.ended_at is not None:
            self.bar(_("This rule has ended: add a new one instead."))
            return None
        return CommissionRuleDialog(row)

    def confirm_toggle(self, row: RuleRow, go: Callable[[], None]) -> None:
        """``x`` asks first: an ended rule pays nothing on what is sold from now on."""
        from salontui.screens.dialogs.confirm import ConfirmDialog

        question = _("End the rule on {kind} for {who}? What was sold before keeps its "
                     "commission.").format(kind=kind_text(row.applies_to), who=who_text(row))
        self.desk.push_screen(
            ConfirmDialog(question, title=_("End commission rule"), confirm_label=_("End"),
                          cancel_label=_("Keep")),
            callback=lambda yes: go() if yes else None)

    def toggle_job(self, row: RuleRow) -> Callable[..., RuleRow] | None:
        if row.ended_at is not None:
            self.bar(_("This rule has already ended."))
            return None
        staff_id, rule_id = self.desk.staff_id, row.id

        def end(session: Session, approved_by: int | None = None) -> RuleRow:
            from salontui.store.admin.commissions import end_rule

            assert staff_id is not None
            return end_rule(session, staff_id=staff_id, rule_id=rule_id,
                            approved_by=approved_by)

        return end

    def action_show_ended(self) -> None:
        self.include_ended = not self.include_ended
        self.load()

    def commands(self) -> list[Command]:
        return [Command("settings.commission.ended",
                        _("Show or hide the commission rules that ended"))]
