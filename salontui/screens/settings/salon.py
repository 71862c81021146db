"""SalonSection: the salon's own settings (name and address for the receipts, phone,
currency, locale, time zone, opening hours, the appointment slot, the days an expiry is
reminded ahead, new members) shown as
rows of (setting, value), one per weekday for the hours; ``e`` (or Enter on a row) opens
the form on that row's field.

The form is long (nineteen fields), so its fields scroll inside the dialog: at 80×24
every one is reached with Tab, and the one a message names is scrolled to. Once saved, the
desk formats money, dates and phones with the new settings at once (the app's formatter
and the store's date locale and salon day), as it does after reading them at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual.containers import VerticalScroll

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.day_close import WEEKDAYS
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.settings.section import SettingsSection
from salontui.store.errors import SalonError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.salon import SalonView
    from salontui.store.settings import Settings

# The desk's locales, each named in its own language (a person looks for their own).
LOCALE_NAMES = {"en": "English", "vi_VN": "Tiếng Việt", "zh_CN": "中文"}
CURRENCIES = "VND, CNY, USD, EUR, THB, JPY, KRW"  # store/settings.py CURRENCY_EXPONENTS
SLOTS = "5, 10, 15, 20, 30, 45, 60, 90, 120"  # store/admin/salon.py SLOT_MINUTES
REMINDER_DAYS = "1–365"  # store/admin/salon.py MIN_REMINDER_DAYS, MAX_REMINDER_DAYS
HOURS = tuple(f"hours_{day}" for day in range(7))
# The rows, in the form's order: each is the key of its field in the form.
ROWS = ("name", "address", "phone", "receipt_header", "receipt_footer", "currency", "locale",
        "phone_region", "utc_offset_minutes", *HOURS, "slot_minutes", "reminder_days",
        "new_member_active", "lock_minutes")
LABELS = {
    "name": N_("Salon name"), "address": N_("Address"), "phone": N_("Phone"),
    "receipt_header": N_("Receipt header"), "receipt_footer": N_("Receipt footer"),
    "currency": N_("Currency"), "locale": N_("Locale"), "phone_region": N_("Phone region"),
    "utc_offset_minutes": N_("UTC offset"), "slot_minutes": N_("Appointment slot"),
    "reminder_days": N_("Expiry reminders"), "new_member_active": N_("New customers"),
    "lock_minutes": N_("Idle lock"),
}


@dataclass(frozen=True)
class SettingRow:
    """One row of the section: a setting (``id``, its field's key) of the salon's view."""

    id: str
    view: SalonView


def setting_label(key: str) -> str:
    if key in HOURS:
        return _("Opening hours: {weekday}").format(weekday=_(WEEKDAYS[HOURS.index(key)]))
    return _(LABELS[key])


def reminder_days_text(days: int) -> str:
    return ngettext("{n} day before a package expires", "{n} days before a package expires",
                    days).format(n=days)


def member_text(active: bool) -> str:
    return _("active members at once") if active else _("not activated at first")


def setting_value(key: str, view: SalonView) -> Cell:
    from salontui.store.admin.salon import format_offset

    s = view.settings
    if key in HOURS:
        hours = view.hours[HOURS.index(key)]
        return Cell(hours.replace("-", "–")) if hours else Cell(_("day off"), "dim")
    if key == "currency":
        if view.currency_locked:
            return Cell(_("{currency} (fixed: money is recorded in it)").format(
                currency=s.currency))
        return Cell(s.currency)
    if key == "locale":
        return Cell(f"{LOCALE_NAMES.get(s.locale, s.locale)} ({s.locale})")
    if key == "utc_offset_minutes":
        return Cell(format_offset(s.utc_offset_minutes))
    if key == "slot_minutes":
        return Cell(_("{n} minutes").format(n=s.slot_minutes))
    if key == "reminder_days":
        return Cell(reminder_days_text(s.reminder_days))
    if key == "new_member_active":
        return Cell(member_text(s.new_member_active))
    if key == "lock_minutes":
        if not s.lock_minutes:
            return Cell(_("never"), "dim")
        return Cell(_("after {n} minutes without a key").format(n=s.lock_minutes))
    value = str(getattr(s, key))
    return Cell(value) if value else Cell("—", "dim")


REVEAL_CHECKS, REVEAL_EVERY = 8, 0.1  # a refused field is kept in view for 0.8 s


class SalonDialog(FormDialog):
    """The salon's settings, every field at once; answers the Settings saved (and the desk
    takes them at once: :meth:`result`)."""

    DEFAULT_CSS = """
    SalonDialog #salon-form { height: auto; }
    """
    # The dialog's lines outside its fields: borders, the message line, the buttons.
    AROUND_FORM: ClassVar[int] = 6

    title_text = _("The salon's settings")
    FIELD_FOCUS: ClassVar[str] = "name"

    def __init__(self, view: SalonView, focus: str | None = None) -> None:
        super().__init__()
        self.view = view
        self.focus_key = focus or self.FIELD_FOCUS

    def compose_body(self):
        from salontui.store.admin.salon import format_offset

        s, view = self.view.settings, self.view
        with VerticalScroll(id="salon-form"):
            yield Field(_("Salon name"), DeskInput(s.name, id="name", max_length=120), key="name",
                        required=True)
            yield Field(_("Address"), DeskInput(s.address, id="address"), key="address")
            yield Field(_("Phone"), DeskInput(s.phone, id="phone", max_length=32), key="phone")
            yield Field(_("Receipt header"), DeskInput(s.receipt_header, id="receipt-header"),
                        key="receipt_header", hint=_("Printed under the address"))
            yield Field(_("Receipt footer"), DeskInput(s.receipt_footer, id="receipt-footer"),
                        key="receipt_footer")
            currency = DeskInput(s.currency, id="currency", max_length=3,
                                 disabled=view.currency_locked)
            yield Field(_("Currency"), currency, key="currency",
                        hint=_("Fixed: money is already recorded in it")
                        if view.currency_locked else CURRENCIES)
            yield Field(_("Locale"), RadioChoice(list(LOCALE_NAMES.items()), value=s.locale,
                                                 id="locale"), key="locale",
                        hint=_("How money and dates are written"))
            yield Field(_("Phone region"), DeskInput(s.phone_region, id="phone-region",
                                                     max_length=2),
                        key="phone_region", hint=_("The country of phones typed without +"))
            yield Field(_("UTC offset"), DeskInput(format_offset(s.utc_offset_minutes),
                                                   id="utc-offset", max_length=12),
                        key="utc_offset_minutes", hint=_("e.g. +07:00; where the day begins"))
            for day, key in enumerate(HOURS):
                yield Field(_(WEEKDAYS[day]), DeskInput(view.hours[day], id=f"hours-{day}",
                                                        max_length=20,
                                                        placeholder=_("day off")),
                            key=key, aliases=("opening_hours",) if day == 0 else (),
                            hint=_("Opening hours, e.g. 09:00-20:00; empty on a day off")
                            if day == 0 else "")
            yield Field(_("Slot (minutes)"), DeskInput(str(s.slot_minutes), id="slot",
                                                       max_length=4),
                        key="slot_minutes", hint=SLOTS)
            yield Field(_("Expiry reminders"), DeskInput(str(s.reminder_days),
                                                         id="reminder-days", max_length=4),
                        key="reminder_days",
                        hint=_("Days before a package expires ({range})").format(
                            range=REMINDER_DAYS))
            yield Field(_("New customers"), RadioChoice(
                [("yes", member_text(True)), ("no", member_text(False))],
                value="yes" if s.new_member_active else "no", id="new-member"),
                        key="new_member_active")
            yield Field(_("Idle lock"), DeskInput(str(s.lock_minutes), id="lock-minutes",
                                                  max_length=4),
                        key="lock_minutes",
                        hint=_("Minutes without a key before the desk asks the PIN again "
                               "(0: never, up to 240)"))

    def on_mount(self) -> None:
        super().on_mount()
        self.fit_form(self.app.size.height)

    def on_resize(self, event) -> None:
        self.fit_form(event.size.height)

    def fit_form(self, height: int) -> None:
        """The fields scroll in what the terminal leaves once the buttons are on it (a
        percentage of an auto-sized dialog would hide the buttons at 80×24, a fixed
        height would leave a tall terminal's dialog half empty)."""
        self.query_one("#salon-form", VerticalScroll).styles.max_height = max(
            4, height - self.AROUND_FORM)

    def show_error(self, error, field: str | None = None) -> None:
        """The message at its field, and that field with its message scrolled into view
        once laid out (the message line just shown moves what comes after it). The focus
        moves without a scroll of its own: focusing scrolls later, to where the field was
        before the message, and that could land after this scroll and undo it."""
        target = self.field_for(error.field if isinstance(error, SalonError) else field)
        if target is None:
            super().show_error(error, field)
            return
        target.show_error(str(error))
        self.set_focus(target.control, scroll_visible=False)
        self.call_after_refresh(self.reveal, target, REVEAL_CHECKS)

    def reveal(self, target: Field, checks: int) -> None:
        """Scroll ``target`` into view if it is not, and look again a little later while
        ``checks`` last and the field keeps the focus: the form's height follows its
        messages and the dialog follows the form, over more than one frame on a slow or
        loaded PC, and a scroll made against a layout still settling can leave the field
        just out of sight."""
        if self.focused is not target.control:  # moved on (Tab): the form follows that
            return
        form = self.query_one("#salon-form", VerticalScroll)
        if not form.region.contains_region(target.control.region):
            form.scroll_to_widget(target, animate=False, immediate=True)
        if checks > 1 and self.is_attached:
            self.set_timer(REVEAL_EVERY, lambda: self.reveal(target, checks - 1))

    def focus_first(self) -> None:
        field = self.field_for(self.focus_key)
        if field is not None and field.control.focusable:
            field.control.focus()
        else:
            super().focus_first()

    def prepare(self) -> Callable[[Session], Settings]:
        from salontui.store.admin.salon import parse_offset

        offset = parse_offset(self.value("utc_offset_minutes"))
        slot = parse_count(self.value("slot_minutes"), field="slot_minutes",
                           label=_("The slot"), allow_zero=False)
        reminder_days = parse_count(self.value("reminder_days"), field="reminder_days",
                                    label=_("The reminder days"), allow_zero=False)
        fields = {key: self.value(key) for key in (
            "name", "address", "phone", "receipt_header", "receipt_footer", "currency",
            "locale", "phone_region")}
        hours = [self.value(key) for key in HOURS]
        active = self.value("new_member_active") == "yes"
        lock = parse_count(self.value("lock_minutes"), field="lock_minutes",
                           label=_("The idle lock"))
        staff_id = self.staff_id

        def save(session: Session, approved_by: int | None = None) -> Settings:
            from salontui.store.admin.salon import update_salon

            assert staff_id is not None
            return update_salon(session, staff_id=staff_id, utc_offset_minutes=offset,
                                opening_hours=hours, slot_minutes=slot,
                                reminder_days=reminder_days, new_member_active=active,
                                lock_minutes=lock, **fields, approved_by=approved_by)

        return save

    def result(self, value: Settings) -> Settings:
        """The desk takes the new settings now: its formatter (currency, locale, phone
        region, time zone), the store's date locale and the salon's day."""
        from salontui.store import clock

        self.desk.apply_settings(value)
        clock.use_salon_offset(value.utc_offset_minutes)
        return value


class SalonSection(SettingsSection):
    section_id = "salon"
    title = N_("Salon")
    edit_name = N_("Edit the salon's settings")

    def columns(self) -> list[Col]:
        return [Col("setting", _("Setting"), 24), Col("value", _("Value"), None, min_width=20,
                                                       prose=True)]

    def reader(self) -> Callable[[Session], list[SettingRow]]:
        def read(session: Session) -> list[SettingRow]:
            from salontui.store.admin.salon import salon_view

            view = salon_view(session)
            return [SettingRow(key, view) for key in ROWS]

        return read

    def cells(self, row: SettingRow) -> list:
        return [setting_label(row.id), setting_value(row.id, row.view)]

    def row_key(self, row: SettingRow) -> str:
        return row.id

    def status(self) -> str:
        return _("{key} edits the salon's settings").format(
            key=key_of(self.settings_screen, "settings.edit"))

    def edit_dialog(self, row: SettingRow) -> SalonDialog:
        return SalonDialog(row.view, focus=row.id)
