"""ItemDialog: add a catalogue item (a service, a product or a package plan) or edit one.

The kind comes first and decides the form: a service has a duration and a commission, a
product a cost price and two flags (kept in stock, may be left at the salon), a package
plan its kind (count, time, gift), sessions, validity and the codes of the services a
session covers. Only the fields of the kind chosen are shown, so a form never holds a
value the store would refuse for that kind. Once created, an item's kind is fixed (the
invoices that sold it say what it was): the edit form shows it, and says so.

Amounts are typed and read with the desk's formatter (``parse_money``); a price change is
for what is sold next (the store's rule; invoices keep their own copy).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Label

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import ValidationError
from salontui.store.kinds import PACKAGE_KIND_LABELS, PackageKind
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.catalog import CatalogRow

MAX_NAME = 120  # store/catalog.py's limits (imported there with the store: kept in step)
MAX_CODE = 20
MAX_CATEGORY = 60
AMOUNT_CHARS = 20
NUMBER_CHARS = 7
SERVICES_CHARS = 250

# The fields each kind shows (besides kind, code, name, category).
KIND_FIELDS = {
    "service": ("price", "duration_minutes", "commission_percent"),
    "product": ("price", "cost_price", "track_stock", "can_leave"),
    "package": ("package_kind", "price", "sessions", "validity_days", "services"),
}
_SPLIT = re.compile(r"[\s,;]+")


def kind_options() -> list[tuple[str, str]]:
    return [("service", _("Service")), ("product", _("Product")),
            ("package", _("Package plan"))]


def kind_name(kind: str) -> str:
    return dict(kind_options()).get(kind, kind)


def yes_no(value: bool, id: str) -> RadioChoice:
    return RadioChoice([("no", _("No")), ("yes", _("Yes"))], value="yes" if value else "no",
                       id=id)


class ItemDialog(FormDialog):
    """Add an item (``item`` None) or edit one; answers the CatalogRow saved."""

    def __init__(self, item: CatalogRow | None = None) -> None:
        super().__init__()
        self.item = item
        self.kind = item.kind if item else "service"
        self.title_text = _("Edit catalogue item") if item else _("New catalogue item")

    # -- layout -------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        item = self.item
        money = self.formatter
        if item is None:
            yield Field(_("Kind"), RadioChoice(kind_options(), value=self.kind, id="kind"),
                        key="kind")
        else:
            yield Field(_("Kind"), Label(Content(kind_name(item.kind)), id="kind"), key="kind",
                        hint=_("The kind cannot change once an item is created."))
        yield Field(_("Code"), DeskInput(item.code if item else "", id="code",
                                         placeholder=_("empty: the next DV number"),
                                         max_length=MAX_CODE), key="code")
        yield Field(_("Item"), DeskInput(item.name if item else "", id="name",
                                         max_length=MAX_NAME), key="name", required=True)
        yield Field(_("Category"), DeskInput(item.category if item else "", id="category",
                                             placeholder=_("e.g. Hair, Nails, Retail"),
                                             max_length=MAX_CATEGORY), key="category")
        plan_kind = got(item, "package_kind") or PackageKind.COUNT
        yield Field(_("Plan kind"), RadioChoice(
            [(k.value, stored_label(PACKAGE_KIND_LABELS, k)) for k in PackageKind],
            value=plan_kind, id="package-kind"), key="package_kind")
        yield Field(_("Price"), DeskInput(_amount_text(got(item, "price"), money.exponent),
                                          id="price", max_length=AMOUNT_CHARS),
                    key="price", required=True)
        yield Field(_("Minutes"), DeskInput(_count_text(got(item, "duration_minutes")),
                                            id="duration", max_length=NUMBER_CHARS,
                                            placeholder=_("how long it takes, e.g. 45")),
                    key="duration_minutes")
        yield Field(_("Commission %"), DeskInput(_count_text(got(item, "commission_percent")),
                                                 id="commission", max_length=NUMBER_CHARS,
                                                 placeholder=_("the technician's share, 0-100")),
                    key="commission_percent")
        yield Field(_("Cost price"), DeskInput(_amount_text(got(item, "cost_price"),
                                                            money.exponent),
                                               id="cost", max_length=AMOUNT_CHARS),
                    key="cost_price")
        yield Field(_("Keep stock"), yes_no(bool(got(item, "track_stock")), "track-stock"),
                    key="track_stock")
        yield Field(_("May be left"), yes_no(bool(got(item, "can_leave")), "can-leave"),
                    key="can_leave",
                    hint=_("Yes: paid for, then left here until collected."))
        yield Field(_("Sessions"), DeskInput(_count_text(got(item, "sessions")), id="sessions",
                                             max_length=NUMBER_CHARS), key="sessions")
        yield Field(_("Valid (days)"), DeskInput(_count_text(got(item, "validity_days")),
                                                 id="validity", max_length=NUMBER_CHARS,
                                                 placeholder=_("from activation, e.g. 365")),
                    key="validity_days")
        services = " ".join(item.service_codes) if item else ""
        yield Field(_("Services"), DeskInput(services, id="services", max_length=SERVICES_CHARS,
                                             placeholder=_("codes, e.g. DV0001 DV0002")),
                    key="services",
                    hint=_("The services a session covers (active ones), by code."))

    def on_mount(self) -> None:
        self.show_fields()
        super().on_mount()

    def focus_first(self) -> None:
        """Adding: the kind first. Editing (the kind is fixed): the code."""
        if self.item is None:
            super().focus_first()
        else:
            self.query_one("#code", DeskInput).focus()

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        if event.choice.id == "kind":
            self.kind = event.value
        if event.choice.id in ("kind", "package-kind"):
            self.show_fields()

    def plan_kind(self) -> str:
        return self.query_one("#package-kind", RadioChoice).value

    def show_fields(self) -> None:
        """Show the fields of the kind chosen (and, for a plan, of its kind)."""
        shown = set(KIND_FIELDS.get(self.kind, ()))
        if self.kind == "package":
            plan = self.plan_kind()
            if plan == PackageKind.TIME:
                shown.discard("sessions")
            if plan == PackageKind.GIFT:
                shown.discard("price")  # a gift is free
        for keys in KIND_FIELDS.values():
            for key in keys:
                field = self.field(key)
                if field.display != (key in shown):
                    field.display = key in shown

    # -- saving -------------------------------------------------------------------------
    def prepare(self) -> Callable[[Session], CatalogRow]:
        kind, fmt = self.kind, self.formatter
        fields: dict = {"code": self.value("code"), "name": self.value("name"),
                        "category": self.value("category")}
        if not fields["name"]:  # said first, as the form reads top to bottom
            raise ValidationError(_("Name is required."), field="name")
        plan = self.plan_kind() if kind == "package" else None
        if plan == PackageKind.GIFT:
            fields["price"] = 0
        else:
            fields["price"] = fmt.parse_money(self.value("price"), field="price",
                                              allow_zero=True)
        codes: list[str] = []
        if kind == "service":
            fields["duration_minutes"] = parse_count(
                self.value("duration_minutes"), field="duration_minutes",
                label=_("The duration"), allow_zero=False, required=False)
            fields["commission_percent"] = parse_count(
                self.value("commission_percent"), field="commission_percent",
                label=_("The commission"), required=False)
        elif kind == "product":
            cost = self.value("cost_price")
            fields["cost_price"] = (fmt.parse_money(cost, field="cost_price", allow_zero=True)
                                    if cost else None)
            fields["track_stock"] = self.value("track_stock") == "yes"
            fields["can_leave"] = self.value("can_leave") == "yes"
        else:
            fields["package_kind"] = plan
            fields["sessions"] = (None if plan == PackageKind.TIME else parse_count(
                self.value("sessions"), field="sessions", label=_("The number of sessions"),
                allow_zero=False))
            fields["validity_days"] = parse_count(
                self.value("validity_days"), field="validity_days", label=_("The validity"),
                allow_zero=False)
            codes = [c for c in _SPLIT.split(self.value("services")) if c]
        staff_id, item = self.staff_id, self.item

        def save(session: Session, approved_by: int | None = None) -> CatalogRow:
            from salontui.store.catalog import create_item, service_ids_for, update_item

            assert staff_id is not None
            if kind == "package":
                fields["service_ids"] = service_ids_for(session, services=codes)
            if item is None:
                return create_item(session, staff_id=staff_id, kind=kind, **fields,
                                   approved_by=approved_by)
            return update_item(session, staff_id=staff_id, item_id=item.id, **fields,
                               approved_by=approved_by)

        return save


def _amount_text(minor: int | None, exponent: int) -> str:
    """An amount as it is typed back (1500000, 59.80): what the money parser reads again."""
    from salontui.store.money import to_decimal_string

    return "" if minor is None else to_decimal_string(minor, exponent)


def got(item: CatalogRow | None, name: str):
    """A field of the item edited (None when adding)."""
    return getattr(item, name) if item is not None else None


def _count_text(value: int | None) -> str:
    return "" if value is None else str(value)
