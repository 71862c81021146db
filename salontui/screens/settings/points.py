"""PointsSection: the points scheme (how much earns a point, what a point pays, which kinds
of line earn, the rounding, how long points are kept) as rows of (setting, value); ``e``
(or Enter on a row) opens the form, ``E`` takes the points older than the scheme keeps
them off every balance now, after saying how many.

A sale keeps the rule it earned under, so what is changed here changes no invoice already
made; the status line says so when no kind of line earns (then no sale earns a point).
Once saved, the desk takes the new value of a point at once (the checkout's points field).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding
from textual.containers import VerticalScroll

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.settings.section import SettingsSection
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.screens.commands import Command
    from salontui.store.admin.points_scheme import PointsScheme
    from salontui.store.points_expiry import ExpiryResult
    from salontui.store.settings import Settings

AMOUNT_CHARS = 30  # store/bounds.py MAX_NUMBER_TEXT
KINDS = ("services", "products", "packages", "topups")
# The rows, in the form's order: each is the key of its field in the form.
ROWS = ("points_per_amount", "point_value", *KINDS, "rounding", "expiry_days")
LABELS = {
    "points_per_amount": N_("One point per"), "point_value": N_("A point pays"),
    "services": N_("Services"), "products": N_("Products"), "packages": N_("Packages"),
    "topups": N_("Top-ups"), "rounding": N_("Rounding"), "expiry_days": N_("Points expire"),
}


@dataclass(frozen=True)
class SchemeRow:
    """One row of the section: a setting (``id``, its field's key) of the scheme."""

    id: str
    scheme: PointsScheme


def earn_text(earns: bool) -> str:
    return _("earn points") if earns else _("earn nothing")


def rounding_text(rounding: str) -> str:
    return _("to the nearest point") if rounding == "nearest" else _("down (whole points)")


def scheme_value(key: str, scheme: PointsScheme, money: Callable[[int], str]) -> Cell:
    if key == "points_per_amount":
        return Cell(_("{amount} paid with money").format(amount=money(scheme.points_per_amount)))
    if key == "point_value":
        return Cell(_("{amount} when paying with points").format(
            amount=money(scheme.point_value)))
    if key in KINDS:
        earns = getattr(scheme, key)
        text = earn_text(earns)
        if key == "topups" and earns:
            text = _("earn points (money paid from a card then earns nothing)")
        return Cell(text) if earns else Cell(text, "dim")
    if key == "rounding":
        return Cell(rounding_text(scheme.rounding))
    if scheme.expiry_days is None:
        return Cell(_("never"), "dim")
    return Cell(ngettext("after {n} day", "after {n} days", scheme.expiry_days).format(
        n=scheme.expiry_days))


def _amount_text(minor: int, exponent: int) -> str:
    """An amount as it is typed back (10000, 1.50): what the money parser reads again."""
    from salontui.store.money import to_decimal_string

    return to_decimal_string(minor, exponent)


def _yes_no(earns: bool, key: str) -> RadioChoice:
    return RadioChoice([("yes", _("earn")), ("no", _("do not earn"))],
                       value="yes" if earns else "no", id=f"earn-{key}")


class PointsDialog(FormDialog):
    """The whole scheme at once; answers the PointsScheme saved (and the desk takes the
    new settings at once: :meth:`result`)."""

    DEFAULT_CSS = """
    PointsDialog #points-form { height: auto; max-height: 75vh; }
    """

    title_text = _("The points scheme")

    def __init__(self, scheme: PointsScheme, focus: str | None = None) -> None:
        super().__init__()
        self.scheme = scheme
        self.focus_key = focus or "points_per_amount"

    def compose_body(self):
        s = self.scheme
        with VerticalScroll(id="points-form"):
            yield Field(_("One point per"), DeskInput(
                _amount_text(s.points_per_amount, s.currency_exponent), id="per-amount",
                max_length=AMOUNT_CHARS), key="points_per_amount", required=True,
                        hint=_("{currency} of sales paid with money").format(
                            currency=s.currency))
            yield Field(_("A point pays"), DeskInput(
                _amount_text(s.point_value, s.currency_exponent), id="point-value",
                max_length=AMOUNT_CHARS), key="point_value", required=True,
                        hint=_("{currency} when a customer pays with points").format(
                            currency=s.currency))
            for key in KINDS:
                yield Field(_(LABELS[key]), _yes_no(getattr(s, key), key), key=key,
                            hint=_("Then money paid from a card earns nothing (it earned "
                                   "when it was put on the card)") if key == "topups" else "")
            yield Field(_("Rounding"), RadioChoice(
                [("down", rounding_text("down")), ("nearest", rounding_text("nearest"))],
                value=s.rounding, id="rounding"), key="rounding")
            yield Field(_("Expire after"), DeskInput(
                "" if s.expiry_days is None else str(s.expiry_days), id="expiry-days",
                max_length=12, placeholder=_("never")), key="expiry_days",
                        hint=_("Days, 1 to 3650; empty: points never expire"))

    def focus_first(self) -> None:
        field = self.field_for(self.focus_key)
        if field is not None and field.control.focusable:
            field.control.focus()
        else:
            super().focus_first()

    def prepare(self) -> Callable[[Session], tuple[PointsScheme, Settings]]:
        fmt = self.formatter
        per_amount = fmt.parse_money(self.value("points_per_amount"),
                                     field="points_per_amount")
        point_value = fmt.parse_money(self.value("point_value"), field="point_value")
        kinds = {key: self.value(key) == "yes" for key in KINDS}
        rounding = self.value("rounding")
        days = parse_count(self.value("expiry_days"), field="expiry_days",
                           label=_("The days points are kept"), required=False)
        staff_id = self.staff_id

        def save(session: Session, approved_by: int | None = None) -> tuple[PointsScheme, Settings]:
            from salontui.store.admin.points_scheme import update_points_scheme
            from salontui.store.settings import get_settings

            assert staff_id is not None
            scheme = update_points_scheme(session, staff_id=staff_id,
                                          points_per_amount=per_amount,
                                          point_value=point_value, rounding=rounding,
                                          expiry_days=days, **kinds, approved_by=approved_by)
            return scheme, get_settings(session)

        return save

    def result(self, value: tuple[PointsScheme, Settings]) -> PointsScheme:
        """The desk takes the new settings now (the value of a point at the checkout)."""
        scheme, settings = value
        self.desk.apply_settings(settings)
        return scheme


class PointsSection(SettingsSection):
    section_id = "points"
    title = N_("Points scheme")
    short_title = N_("Points")
    edit_name = N_("Edit the points scheme")
    KEYS: ClassVar[tuple[Binding, ...]] = (
        Binding("E", "expire", _("Expire points"), id="settings.points.expire",
                tooltip=_("Take the points older than the scheme keeps them off every "
                          "balance now")),
    )

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.note = ""  # what the last expiry said

    def columns(self) -> list[Col]:
        return [Col("setting", _("Setting"), 16),
                Col("value", _("Value"), None, min_width=20, prose=True)]

    def reader(self) -> Callable[[Session], list[SchemeRow]]:
        def read(session: Session) -> list[SchemeRow]:
            from salontui.store.admin.points_scheme import get_points_scheme

            scheme = get_points_scheme(session)
            return [SchemeRow(key, scheme) for key in ROWS]

        return read

    def cells(self, row: SchemeRow) -> list:
        return [_(LABELS[row.id]), scheme_value(row.id, row.scheme, self.desk.formatter.money)]

    def row_key(self, row: SchemeRow) -> str:
        return row.id

    @property
    def scheme(self) -> PointsScheme | None:
        return self.rows[0].scheme if self.rows else None

    def status(self) -> str:
        """What the keys do, after what the last expiry said (kept when another desk's
        write reads the rows again), or that nothing earns."""
        edit = _("{key} edits the points scheme").format(
            key=key_of(self.settings_screen, "settings.edit"))
        scheme = self.scheme
        if scheme is not None and scheme.earns_nothing:
            edit = "▲ " + _("No kind of line earns: no sale earns a point.") + " · " + edit
        elif scheme is not None and scheme.expiry_days is not None:
            edit += " · " + _("{key} expires points now").format(
                key=key_of(self.settings_screen, "settings.points.expire"))
        return f"{self.note} · {edit}" if self.note else edit

    def say(self, text: str) -> None:
        """Show ``text`` before the keys in the status line until the next expiry."""
        self.note = text
        self.bar(self.status(), message=False)

    def edit_dialog(self, row: SchemeRow) -> PointsDialog:
        return PointsDialog(row.scheme, focus=row.id)

    def allows(self, action: str) -> bool:
        """``E`` only when points expire at all."""
        scheme = self.scheme
        return scheme is not None and scheme.expiry_days is not None

    # -- expiry ---------------------------------------------------------------------------
    def action_expire(self) -> None:
        def count(session: Session) -> tuple[ExpiryResult, date]:
            from salontui.store import clock
            from salontui.store.points_expiry import first_kept_day, points_to_expire

            today = clock.today()
            due = points_to_expire(session, today=today)
            return due, first_kept_day(today, due.days or 1)

        self.ask(count, self.confirm_expire, failed=self.show_error, tag="expire")

    def confirm_expire(self, answer: tuple[ExpiryResult, date]) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog
        from salontui.widgets import fmt as cached

        due, kept_from = answer
        fmt = self.desk.formatter
        if due.days is None:
            self.say(_("Points never expire: set the days in the scheme first."))
            return
        if not due.points:
            self.say(_("No points were earned before {date} and not spent: nothing to "
                       "expire.").format(date=fmt.date(kept_from)))
            return
        question = ngettext(
            "Take the points earned before {date} off {n} customer's balance ({points} in "
            "all; the oldest points are spent first)? This cannot be undone.",
            "Take the points earned before {date} off {n} customers' balances ({points} in "
            "all; the oldest points are spent first)? This cannot be undone.",
            due.customers).format(date=fmt.date(kept_from),
                                  n=cached.points(fmt, due.customers),
                                  points=cached.points(fmt, due.points))
        self.desk.push_screen(
            ConfirmDialog(question, title=_("Expire points"), confirm_label=_("Expire"),
                          cancel_label=_("Keep them")),
            callback=lambda yes: self.expire() if yes else None)

    def expire(self) -> None:
        staff_id = self.desk.staff_id

        def expire(session: Session, approved_by: int | None = None) -> ExpiryResult:
            from salontui.store import clock
            from salontui.store.points_expiry import expire_points

            assert staff_id is not None
            return expire_points(session, staff_id=staff_id, today=clock.today(),
                                 approved_by=approved_by)

        self.ask(expire, self.expired, write=True, failed=self.show_error, tag="expire")

    def expired(self, done: ExpiryResult) -> None:
        from salontui.widgets import fmt as cached

        fmt = self.desk.formatter
        message = ngettext("The old points of {n} customer expired ({points} in all).",
                           "The old points of {n} customers expired ({points} in all).",
                           done.customers).format(n=cached.points(fmt, done.customers),
                                                  points=cached.points(fmt, done.points))
        self.desk.notify(message)
        self.say(message)
        self.table().focus()

    def commands(self) -> list[Command]:
        from salontui.screens.commands import Command

        return [Command("settings.points.expire", _("Expire points"),
                        help=_("Take the points older than the scheme keeps them off every "
                               "balance"))]
