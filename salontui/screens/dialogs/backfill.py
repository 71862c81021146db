"""Back-fill (补录, B on the customer): what the customer still holds from before the desk,
typed without charging anything today.

``B`` opens :class:`BackfillChooser` (stored value, package, gift package, products to
collect, points, vouchers, debt, ranking spend, and "Check the back-fill"); each kind
opens one form dialog, all built on :class:`BackfillDialog`: the customer, the plain
sentence "Back-fill: no money is taken today", the kind's fields and a note. What the
dialog typed becomes a :class:`~salontui.store.books.backfill.BackfillIn` and the store's
one entry point (``apply_backfill``) checks and writes it; a refusal comes back at its
field. The package dialog shows, as it is typed, the sessions left and what each is worth
(``package_preview``: the store's own rule, 5980 over 10 sessions with 2 used leaves 8
at 598), and takes the plan's price, sessions and validity as its defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.dialogs.customer_form import CycleChoice
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError, ValidationError
from salontui.store.kinds import BACKFILL_KIND_LABELS, BackfillKind
from salontui.store.money import parse_amount, to_decimal_string
from salontui.store.names import card_label
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.books.backfill import BackfillIn
    from salontui.store.catalog import CatalogRow
    from salontui.store.sales.card_topups import TopUpChoice

CHECK = "check"  # the chooser's last line: the check-the-back-fill view
LOADING = ""  # a choice's value until its list is read
MAX_MONEY_TEXT = 30


def chooser_options() -> list[tuple[str, str]]:
    """(value, label) of the chooser, in the order the reference's step 2 asks them."""
    kinds = [(str(kind), stored_label(BACKFILL_KIND_LABELS, kind)) for kind in BackfillKind]
    return [*kinds, (CHECK, _("Check the back-fill"))]


class BackfillChooser(ModalScreen):
    """Which kind to back-fill (or the check view); answers its value, or None."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="dialog.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Back-fill")
            yield Static(_("What the customer holds from before: no money is taken today."),
                         classes="intro")
            yield OptionList(*(Option(label, id=value) for value, label in chooser_options()),
                             id="backfill-kinds", compact=True)
            yield Static(_("Up/Down to choose, Enter to open, Esc to cancel"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.styles.max_height = len(chooser_options())
        listing.highlighted = 0
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class BackfillDialog(FormDialog):
    """One kind's form; answers the back-fill row's id. A subclass says its ``kind``, its
    fields (``compose_fields``) and reads them into a BackfillIn (``typed``)."""

    kind: ClassVar[str] = ""
    confirm_label = _("Back-fill")

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # a CustomerSummary (id, code, name)
        self.title_text = _("Back-fill: {what}").format(
            what=stored_label(BACKFILL_KIND_LABELS, self.kind))

    def compose_body(self) -> ComposeResult:
        c = self.customer
        yield Static(Content.assemble(f"{c.code} {c.name}\n",
                                      (_("Back-fill: no money is taken today."), "bold")),
                     classes="intro", id="backfill-intro")
        yield from self.compose_fields()
        yield Field(_("Note"), DeskInput(id="note", max_length=250), key="note")

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def typed(self) -> BackfillIn:
        raise NotImplementedError

    def money(self, key: str, *, allow_zero: bool = False) -> int:
        return self.formatter.parse_money(self.value(key), field=key, allow_zero=allow_zero)

    def prepare(self):
        item = self.typed()
        item.note = self.value("note")
        staff_id, customer_id = self.staff_id, self.customer.id

        def save(session: Session, approved_by: int | None = None) -> int:
            from salontui.store.books.backfill import apply_backfill

            assert staff_id is not None
            return apply_backfill(session, staff_id=staff_id, customer_id=customer_id,
                                  item=item, approved_by=approved_by)

        return save

    def result(self, value: int) -> object:
        self.desk.notify(_("Back-filled. No money was taken."), timeout=3)
        return value


def money_input(key: str, **kwargs) -> DeskInput:
    return DeskInput(id=key, max_length=MAX_MONEY_TEXT, **kwargs)


def backfill_in(kind: str, **fields) -> BackfillIn:
    from salontui.store.books.backfill import BackfillIn

    return BackfillIn(kind=kind, **fields)


class ValueBackfillDialog(BackfillDialog):
    """A stored-value balance: on the General card or a card type (or a card the customer
    has), the balance left and what was paid for it originally."""

    kind = BackfillKind.VALUE

    def compose_fields(self) -> ComposeResult:
        yield Field(_("Card"), CycleChoice([(LOADING, card_label("General"))], id="card"),
                    key="card_name", aliases=("card",))
        yield Field(_("Balance left"), money_input("amount", placeholder=_("on the card now")),
                    key="amount", required=True)
        yield Field(_("Paid"), money_input("paid", placeholder=_("paid for it originally")),
                    key="paid", required=True)

    def on_mount(self) -> None:
        super().on_mount()
        customer_id = self.customer.id

        def read(session: Session) -> list[TopUpChoice]:
            from salontui.store.sales.card_topups import topup_choices

            return topup_choices(session, customer_id=customer_id)

        self.ask(read, self.show_cards, failed=self.show_error)

    def show_cards(self, choices: list[TopUpChoice]) -> None:
        options: list[tuple[str, str]] = []
        for choice in choices:
            value = "" if choice.key == "general" else (choice.card_name or choice.name)
            if value not in dict(options):
                options.append((value, card_label(choice.card_name or choice.name)))
        self.query_one("#card", CycleChoice).set_options(options)

    def typed(self) -> BackfillIn:
        card = self.query_one("#card", CycleChoice).value
        return backfill_in(self.kind, card_name=card, amount=self.money("amount"),
                           paid=self.money("paid", allow_zero=True))


class AmountBackfillDialog(BackfillDialog):
    """One amount: points, vouchers, debt or ranking spend (a subclass each)."""

    label = ""
    hint = ""

    def compose_fields(self) -> ComposeResult:
        yield Field(self.label, money_input("amount", placeholder=self.hint), key="amount",
                    required=True)

    def typed(self) -> BackfillIn:
        if self.kind == BackfillKind.POINTS:
            amount = parse_amount(self.value("amount"), exponent=0, field="amount")
        else:
            amount = self.money("amount")
        return backfill_in(self.kind, amount=amount)


class PointsBackfillDialog(AmountBackfillDialog):
    kind = BackfillKind.POINTS
    label = _("Points")
    hint = _("the points held")


class VoucherBackfillDialog(AmountBackfillDialog):
    kind = BackfillKind.VOUCHER
    label = _("Vouchers")
    hint = _("the vouchers' value held")


class DebtBackfillDialog(AmountBackfillDialog):
    kind = BackfillKind.DEBT
    label = _("Debt")
    hint = _("what the customer still owes")


class SpendBackfillDialog(AmountBackfillDialog):
    kind = BackfillKind.SPEND
    label = _("Spend")
    hint = _("accumulated spend for the tiers")


class ProductBackfillDialog(BackfillDialog):
    """Products paid for before and not yet collected: product, quantity, amount paid."""

    kind = BackfillKind.PRODUCT

    DEFAULT_CSS = """
    ProductBackfillDialog #products { max-height: 6; }
    """

    def __init__(self, customer) -> None:
        super().__init__(customer)
        self.products: list[CatalogRow] = []

    def compose_fields(self) -> ComposeResult:
        yield Field(_("Product"), OptionList(id="products", compact=True), key="item_id",
                    aliases=("item", "product"), required=True)
        yield Field(_("Quantity"), DeskInput("1", id="quantity", max_length=10),
                    key="quantity", required=True)
        yield Field(_("Paid"), money_input("paid", placeholder=_("paid for them")),
                    key="paid", required=True)

    def on_mount(self) -> None:
        super().on_mount()

        def read(session: Session) -> list[CatalogRow]:
            from salontui.store.catalog import list_items

            return list_items(session, kind="product")

        self.ask(read, self.show_products, failed=self.show_error)

    def show_products(self, products: list[CatalogRow]) -> None:
        fmt = self.formatter
        self.products = list(products)
        listing = self.query_one("#products", OptionList)
        listing.clear_options()
        for product in self.products:
            listing.add_option(Option(Content(f"{product.name}  ({fmt.money(product.price)})"),
                                      id=str(product.id)))
        if self.products:
            listing.highlighted = 0
        else:
            self.show_error(_("The catalogue has no products."), field="item_id")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#quantity", DeskInput).focus()

    def typed(self) -> BackfillIn:
        index = self.query_one("#products", OptionList).highlighted
        if index is None or not self.products:
            raise ValidationError(_("Choose a product of the catalogue."), field="item_id")
        quantity = parse_count(self.value("quantity"), field="quantity", label=_("Quantity"),
                               allow_zero=False)
        return backfill_in(self.kind, item_id=self.products[index].id, quantity=quantity,
                           paid=self.money("paid", allow_zero=True))


class PackageBackfillDialog(BackfillDialog):
    """A package bought before: plan, price paid, sessions and those used (a time card:
    its validity end), purchase date; the sessions left and their value shown as typed."""

    kind = BackfillKind.PACKAGE

    def __init__(self, customer) -> None:
        super().__init__(customer)
        self.plans: dict[str, CatalogRow] = {}

    def compose_fields(self) -> ComposeResult:
        fmt = self.desk.formatter
        yield Field(_("Plan"), CycleChoice([(LOADING, _("Loading…"))], id="plan"),
                    key="plan_id", aliases=("plan", "name", "package_kind"), required=True)
        if self.kind != BackfillKind.GIFT:
            yield Field(_("Price paid"), money_input("paid"), key="paid",
                        aliases=("price",), required=True)
        yield Field(_("Sessions"), DeskInput(id="sessions", max_length=10),
                    key="sessions_total", aliases=("total_uses",), required=True)
        yield Field(_("Used"), DeskInput("0", id="used", max_length=10),
                    key="sessions_used", aliases=("used",))
        yield Field(_("Bought"), DeskInput(placeholder=fmt.date_hint(), id="bought",
                                           max_length=20), key="purchased_on")
        yield Field(_("Expires"), DeskInput(placeholder=_("the plan's validity"), id="expires",
                                            max_length=20), key="expires_on")

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static("", id="preview", classes="preview")

    def on_mount(self) -> None:
        super().on_mount()

        def read(session: Session) -> list[CatalogRow]:
            from salontui.store.catalog import list_items

            return list_items(session, kind="package", include_inactive=True)

        self.ask(read, self.show_plans, failed=self.show_error)

    def wanted(self, plan: CatalogRow) -> bool:
        return plan.package_kind != "gift"

    def show_plans(self, plans: list[CatalogRow]) -> None:
        self.plans = {str(p.id): p for p in plans if self.wanted(p)}
        options = [(key, p.name if p.active else _("{name} (retired)").format(name=p.name))
                   for key, p in self.plans.items()]
        choice = self.query_one("#plan", CycleChoice)
        if not options:
            choice.set_options([(LOADING, _("No package plans"))])
            self.show_error(_("The catalogue has no package plans: add one in Settings."),
                            field="plan_id")
            return
        choice.set_options(options)
        self.plan_chosen()

    def on_radio_choice_changed(self, event) -> None:
        if event.choice.id == "plan" and self.plans:
            self.plan_chosen()

    def plan_chosen(self) -> None:
        """The plan's price and sessions as the defaults (a time card has no sessions)."""
        plan = self.plans.get(self.query_one("#plan", CycleChoice).value)
        if plan is None:
            return
        if self.kind != BackfillKind.GIFT:
            self.query_one("#paid", DeskInput).value = to_decimal_string(
                plan.price, self.formatter.exponent)
        sessions = self.query_one("#sessions", DeskInput)
        time_card = plan.package_kind == "time"
        sessions.value = "" if time_card else str(plan.sessions or "")
        sessions.disabled = time_card
        self.update_preview()

    def on_input_changed(self, event) -> None:
        if event.input.id in ("paid", "sessions", "used"):
            self.update_preview()

    def plan(self) -> CatalogRow | None:
        return self.plans.get(self.query_one("#plan", CycleChoice).value)

    def price(self) -> int:
        return 0 if self.kind == BackfillKind.GIFT else self.money("paid", allow_zero=True)

    def update_preview(self) -> None:
        from salontui.store.books.backfill import package_preview

        preview = self.query_one("#preview", Static)
        plan = self.plan()
        if plan is None:
            preview.update("")
            return
        kind = "gift" if self.kind == BackfillKind.GIFT else (plan.package_kind or "count")
        try:
            price = self.price()
            total = parse_count(self.value("sessions_total"), field="sessions_total",
                                label=_("Sessions"), required=False) or 0
            used = parse_count(self.value("sessions_used") or "0", field="sessions_used",
                               label=_("Used"))
        except SalonError:
            preview.update("")
            return
        found = package_preview(kind=kind, price=price, total=total, used=used)
        fmt = self.formatter
        if found is None:
            text = _("Used cannot be more than the sessions.") if used > total > 0 else ""
        elif found.sessions_left is None:
            text = _("A time card: used any number of times until it expires.")
        elif kind == "gift":
            text = ngettext("{n} session left (gift)", "{n} sessions left (gift)",
                            found.sessions_left).format(n=found.sessions_left)
        else:
            text = ngettext("{n} session left at {each} a session ({value} left)",
                            "{n} sessions left at {each} a session ({value} left)",
                            found.sessions_left).format(
                n=found.sessions_left, each=fmt.money(found.per_session or 0),
                value=fmt.money(found.value_left))
        preview.update(Content(text))

    def typed(self) -> BackfillIn:
        plan = self.plan()
        if plan is None:
            raise ValidationError(_("Choose the package plan."), field="plan_id")
        fmt = self.formatter
        price = self.price()
        total = parse_count(self.value("sessions_total"), field="sessions_total",
                            label=_("Sessions"), required=plan.package_kind != "time",
                            allow_zero=False)
        used = parse_count(self.value("sessions_used") or "0", field="sessions_used",
                           label=_("Used"))
        bought = fmt.parse_date(self.value("purchased_on"), field="purchased_on",
                                required=False)
        expires = fmt.parse_date(self.value("expires_on"), field="expires_on",
                                 required=False)
        return backfill_in(self.kind, plan_id=plan.id, paid=price, sessions_total=total,
                           sessions_used=used, purchased_on=bought, expires_on=expires)


class GiftBackfillDialog(PackageBackfillDialog):
    """A gift package: sessions and those used, price 0."""

    kind = BackfillKind.GIFT

    def wanted(self, plan: CatalogRow) -> bool:
        """Any plan with sessions may be given as a gift (a time card has none)."""
        return plan.package_kind != "time"


DIALOGS: dict[str, type[BackfillDialog]] = {
    BackfillKind.VALUE: ValueBackfillDialog, BackfillKind.PACKAGE: PackageBackfillDialog,
    BackfillKind.GIFT: GiftBackfillDialog, BackfillKind.PRODUCT: ProductBackfillDialog,
    BackfillKind.POINTS: PointsBackfillDialog, BackfillKind.VOUCHER: VoucherBackfillDialog,
    BackfillKind.DEBT: DebtBackfillDialog, BackfillKind.SPEND: SpendBackfillDialog,
}
