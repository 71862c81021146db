"""ProgrammesSection: the salon's promotion programmes (Tết, refer a friend, a voucher…):
what each takes off and on what, when it runs, how many times one customer may be given
it, the prefix of its codes and its points price (a member may buy a code with that many
points: the customer's Promotions tab); the dialog that adds or edits one.

A programme is retired (``x``) rather than deleted: the promotions it gave stay and can
still be used; it can no longer be given. Editing it changes what it gives from then on
(the codes already given stay as they are).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from salontui.i18n import N_, _
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.settings.groups import active_cell
from salontui.screens.settings.section import SettingsSection
from salontui.store.kinds import PROGRAM_SCOPE_LABELS, ProgramScope
from salontui.store.money import to_decimal_string
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.promotions import ProgramRow


def scope_options() -> list[tuple[str, str]]:
    return [(str(scope), _(label)) for scope, label in PROGRAM_SCOPE_LABELS.items()]


def discount_cell(fmt: Formatter, row: ProgramRow) -> str:
    """"20 %", an amount, or "" for a programme that gives something described in words."""
    if row.discount_percent:
        return f"{row.discount_percent} %"
    return fmt.money(row.discount_amount) if row.discount_amount else ""


def state_cell(row: ProgramRow, today: date) -> Cell:
    """Retired, ended, not started yet, or nothing while it runs (the usual case)."""
    if not row.active:
        return active_cell(False)
    if row.valid_until is not None and row.valid_until < today:
        return Cell(_("ended"), "dim")
    if row.valid_from > today:
        return Cell(_("upcoming"))
    return Cell("")


class ProgramDialog(FormDialog):
    """Add a programme (``program`` None) or edit one; answers the ProgramRow saved."""

    def __init__(self, program: ProgramRow | None = None) -> None:
        super().__init__()
        self.program = program
        self.title_text = _("Edit programme") if program else _("New programme")

    def compose_body(self):
        p = self.program
        fmt = self.formatter
        start = p.valid_from if p else self.today()
        yield Field(_("Programme"), DeskInput(p.name if p else "", id="name", max_length=120),
                    key="name", required=True)
        yield Field(_("Description"), DeskInput(p.description if p else "", id="description",
                                                max_length=500), key="description")
        yield Field(_("From"), DeskInput(fmt.date(start), placeholder=fmt.date_hint(),
                                         id="valid-from", max_length=20), key="valid_from")
        yield Field(_("Until"), DeskInput(fmt.date(p.valid_until) if p else "",
                                          placeholder=_("no end date"), id="valid-until",
                                          max_length=20), key="valid_until")
        yield Field(_("Percent off"), DeskInput(str(p.discount_percent) if p and p.discount_percent
                                          else "", id="percent",
                                          max_length=5), key="discount_percent")
        yield Field(_("Amount off"),
                    DeskInput(to_decimal_string(p.discount_amount, fmt.exponent)
                              if p and p.discount_amount else "", id="amount", max_length=30),
                    key="discount_amount",
                    hint=_("a percentage or an amount, not both"))
        yield Field(_("On"), RadioChoice(scope_options(), value=p.scope if p
                                         else ProgramScope.ALL, id="scope"), key="scope")
        yield Field(_("Per customer"),
                    DeskInput(str(p.per_customer_limit) if p and p.per_customer_limit else "",
                              placeholder=_("no limit"), id="limit", max_length=5),
                    key="per_customer_limit")
        yield Field(_("Code prefix"), DeskInput(p.code_prefix if p else "", id="prefix",
                                                max_length=6),
                    key="code_prefix", hint=_("TET- gives codes like TET-KM000012"))
        yield Field(_("Points price"),
                    DeskInput(str(p.points_price) if p and p.points_price else "",
                              placeholder=_("not for points"), id="points-price",
                              max_length=9),
                    key="points_price", hint=_("a member may buy a code with this many points"))

    def today(self) -> date:
        from salontui.store import clock

        return clock.today()

    def prepare(self) -> Callable[[Session], ProgramRow]:
        fmt = self.formatter
        name, description = self.value("name"), self.value("description")
        valid_from = fmt.parse_date(self.value("valid_from"), field="valid_from",
                                    required=False)
        valid_until = fmt.parse_date(self.value("valid_until"), field="valid_until",
                                     required=False)
        percent = parse_count(self.value("discount_percent").removesuffix("%"),
                              field="discount_percent", label=_("The percentage"),
                              required=False) or 0
        typed_amount = self.value("discount_amount")
        amount = fmt.parse_money(typed_amount, field="discount_amount",
                                 allow_zero=True) if typed_amount else 0
        scope = self.query_one("#scope", RadioChoice).value
        limit = parse_count(self.value("per_customer_limit"), field="per_customer_limit",
                            label=_("The limit per customer"), required=False)
        prefix = self.value("code_prefix")
        points_price = parse_count(self.value("points_price"), field="points_price",
                                   label=_("The points price"), required=False)
        staff_id, program = self.staff_id, self.program
        fields = {"name": name, "description": description, "valid_from": valid_from,
                  "valid_until": valid_until, "discount_percent": percent,
                  "discount_amount": amount, "scope": scope, "per_customer_limit": limit,
                  "code_prefix": prefix, "points_price": points_price}

        def save(session: Session, approved_by: int | None = None) -> ProgramRow:
            from salontui.store.promotions import create_program, update_program

            assert staff_id is not None
            if program is None:
                return create_program(session, staff_id=staff_id, **fields, approved_by=approved_by)
            return update_program(session, staff_id=staff_id, program_id=program.id,
                                  **fields, approved_by=approved_by)

        return save


class ProgrammesSection(SettingsSection):
    section_id = "programmes"
    title = N_("Programmes")
    add_name = N_("Add promotion programme")
    edit_name = N_("Edit promotion programme")
    toggle_name = N_("Retire or restore promotion programme")
    empty_text = N_("No programmes yet: {key} adds one (Tết, refer a friend, a voucher…)")

    def columns(self) -> list[Col]:
        # At 80 columns a long amount may leave no room for the name: the prefix (seen in
        # the codes given anyway) goes first, then the limit, then the points price.
        return [Col("name", _("Programme"), min_width=18),
                Col("discount", _("Off"), 5, justify="right"),
                Col("scope", _("On"), 8),
                Col("dates", _("From–until"), 10),
                Col("limit", _("Limit"), 5, justify="right", drop=2),
                Col("prefix", _("Prefix"), 6, drop=3),
                Col("points", _("Points"), 6, justify="right", drop=1),
                Col("given", _("Given"), 5, justify="right"),
                Col("state", _("State"), 7)]

    def reader(self) -> Callable[[Session], list[ProgramRow]]:
        def read(session: Session) -> list[ProgramRow]:
            from salontui.store.promotions import list_programs

            return list_programs(session, active_only=False)

        return read

    def cells(self, row: ProgramRow) -> list:
        from salontui.store import clock
        from salontui.widgets import fmt as cached

        fmt = self.desk.formatter
        scope = PROGRAM_SCOPE_LABELS.get(row.scope)  # type: ignore[call-overload]
        dates = f"{fmt.date(row.valid_from)}–{fmt.date(row.valid_until)}"
        return [row.name, discount_cell(fmt, row), _(scope) if scope else row.scope, dates,
                str(row.per_customer_limit) if row.per_customer_limit else "",
                row.code_prefix,
                cached.points(fmt, row.points_price) if row.points_price else "",
                cached.points(fmt, row.given),
                state_cell(row, clock.today())]

    def add_dialog(self) -> ProgramDialog:
        return ProgramDialog()

    def edit_dialog(self, row: ProgramRow) -> ProgramDialog:
        return ProgramDialog(row)

    def toggle_job(self, row: ProgramRow) -> Callable[[Session], ProgramRow]:
        staff_id, program_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> ProgramRow:
            from salontui.store.promotions import set_program_active

            assert staff_id is not None
            return set_program_active(session, staff_id=staff_id, program_id=program_id,
                                      active=active, approved_by=approved_by)

        return toggle
