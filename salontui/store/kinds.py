"""The kinds, statuses, methods and roles the salon's data is made of, and their labels.

Each is a :class:`~enum.StrEnum` whose values are the very strings stored in the
database (a member compares equal to its string, formats as it and is written as
it), with the English label the desk shows for each, marked with ``N_()`` and
translated where it is shown (``_(INVOICE_KIND_LABELS[kind])``). Labels live
here once; a screen imports the mapping named for what it labels.

One value, one label, wherever it is said (the invoice list and the invoice
dialog, the checkout and the receipt): a receptionist never has to wonder whether two
words mean the same thing.

This module imports nothing but the standard library and ``salontui.i18n``: the
desk's widgets read it before the database is opened.
"""

from __future__ import annotations

from enum import StrEnum

from salontui.i18n import N_


class InvoiceKind(StrEnum):
    SALE = "sale"
    REFUND = "refund"
    REPAYMENT = "repayment"  # an invoice with nothing but debt repayments


INVOICE_KIND_LABELS = {
    InvoiceKind.SALE: N_("Sale"), InvoiceKind.REFUND: N_("Refund"),
    InvoiceKind.REPAYMENT: N_("Debt repayment"),
}


class LineKind(StrEnum):
    SERVICE = "service"
    PRODUCT = "product"
    PACKAGE = "package"  # a package bought
    REDEEM = "redeem"  # a session of a package used
    TOPUP = "topup"  # money put on a stored-value card
    REPAY = "repay"  # debt paid back


SALES_LINE_KINDS = (LineKind.SERVICE, LineKind.PRODUCT, LineKind.PACKAGE)
CUSTOMER_LINE_KINDS = (LineKind.REDEEM, LineKind.TOPUP, LineKind.REPAY)

LINE_KIND_LABELS = {
    LineKind.SERVICE: N_("service"), LineKind.PRODUCT: N_("product"),
    LineKind.PACKAGE: N_("package"), LineKind.REDEEM: N_("session"),
    LineKind.TOPUP: N_("top-up"), LineKind.REPAY: N_("repay"),
}


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"  # a bank card
    TRANSFER = "transfer"
    EWALLET = "ewallet"
    VALUE = "value"  # a stored-value card
    POINTS = "points"
    VOUCHER = "voucher"  # the customer's voucher balance (代金券)
    ACCOUNT = "account"  # on account: becomes debt
    FREE = "free"  # waived


# Methods that need a known customer (a walk-in has no card, points or account).
CUSTOMER_PAYMENT_METHODS = (PaymentMethod.VALUE, PaymentMethod.POINTS, PaymentMethod.VOUCHER,
                            PaymentMethod.ACCOUNT)

# The payment panel, the day close, the invoice and refund dialogs and the receipt.
PAYMENT_METHOD_LABELS = {
    PaymentMethod.CASH: N_("Cash"), PaymentMethod.CARD: N_("Bank card"),
    PaymentMethod.TRANSFER: N_("Transfer"), PaymentMethod.EWALLET: N_("E-wallet"),
    PaymentMethod.VALUE: N_("Stored value"), PaymentMethod.POINTS: N_("Points"),
    PaymentMethod.VOUCHER: N_("Voucher"),
    PaymentMethod.ACCOUNT: N_("On account"), PaymentMethod.FREE: N_("Waived"),
}


class MethodKind(StrEnum):
    """What a payment method is to the books (``payment_method.kind``): the salon's list of
    methods (store/admin/methods.py) maps each to one. Only cash may be more than the total
    (the change); stored value, points and on account are the customer's (one built-in
    method each); waived pays nothing real."""

    CASH = "cash"
    CARD = "card"  # a bank card, a transfer, an e-wallet: money the bank holds
    VALUE = "value"
    POINTS = "points"
    VOUCHER = "voucher"
    ACCOUNT = "account"
    WAIVED = "waived"


# The methods list in Settings and the day close's subtotals.
METHOD_KIND_LABELS = {
    MethodKind.CASH: N_("Cash"), MethodKind.CARD: N_("Card-like"),
    MethodKind.VALUE: N_("Stored value"), MethodKind.POINTS: N_("Points"),
    MethodKind.VOUCHER: N_("Voucher"),
    MethodKind.ACCOUNT: N_("On account"), MethodKind.WAIVED: N_("Waived"),
}

# What the built-in methods are to the books: a code the salon's list does not hold (a
# database written before the list existed) is taken to be this.
BUILT_IN_METHOD_KINDS: dict[str, str] = {
    PaymentMethod.CASH: MethodKind.CASH, PaymentMethod.CARD: MethodKind.CARD,
    PaymentMethod.TRANSFER: MethodKind.CARD, PaymentMethod.EWALLET: MethodKind.CARD,
    PaymentMethod.VALUE: MethodKind.VALUE, PaymentMethod.POINTS: MethodKind.POINTS,
    PaymentMethod.VOUCHER: MethodKind.VOUCHER, PaymentMethod.ACCOUNT: MethodKind.ACCOUNT,
    PaymentMethod.FREE: MethodKind.WAIVED,
}


def payment_method_label(code: str, name: str | None = None) -> str:
    """A payment method as shown: the salon's name for it (``name``, as typed in Settings);
    a built-in method still under the name it came with is said in the desk's language
    (``PAYMENT_METHOD_LABELS``), and a code with no name at all as its built-in label, or
    as stored."""
    from salontui.i18n import _

    default = PAYMENT_METHOD_LABELS.get(code)  # type: ignore[call-overload]
    if name and name != default:
        return name
    return _(default) if default else (name or code)


class LedgerAccount(StrEnum):
    POINTS = "points"
    VALUE = "value"  # stored value: the general card and named sub-cards
    DEBT = "debt"
    VOUCHER = "voucher"  # a money value given as vouchers (代金券), spent like a card


LEDGER_ACCOUNT_LABELS = {
    LedgerAccount.POINTS: N_("Points"), LedgerAccount.VALUE: N_("Stored value"),
    LedgerAccount.DEBT: N_("Debt"), LedgerAccount.VOUCHER: N_("Vouchers"),
}


class LedgerEntryKind(StrEnum):
    EARN = "earn"  # points earned by a sale
    UNEARN = "unearn"  # points of a refunded sale taken back
    SPEND = "spend"  # points paid with
    ADJUST = "adjust"  # a correction by hand, with a reason
    TOPUP = "topup"
    PAY = "pay"  # stored value paid with
    CHARGE = "charge"  # put on account
    REPAY = "repay"
    REFUND = "refund"
    CARE = "care"  # given by a care action
    MERGE = "merge"  # moved by a merge of customers, or by undoing one
    EXPIRE = "expire"  # points older than the scheme keeps them (store/points_expiry.py)
    REWARD = "reward"  # once, on reaching a loyalty tier (store/loyalty/tiers.py)
    BACKFILL = "backfill"  # held from before the desk: typed by hand or imported (Backfill)
    REVERSE = "reverse"  # a wrong back-fill undone


# The Points and Debt tabs and a card's history. "unearn": the points a sale earned, taken
# back in proportion when it is refunded (store/refunds.py); "merge": a balance moved out
# of a duplicate customer into the one kept, or back when the merge is undone
# (store/merge.py).
LEDGER_ENTRY_KIND_LABELS = {
    LedgerEntryKind.EARN: N_("Earned"), LedgerEntryKind.UNEARN: N_("Taken back (refund)"),
    LedgerEntryKind.SPEND: N_("Spent"),
    LedgerEntryKind.ADJUST: N_("Adjustment"), LedgerEntryKind.TOPUP: N_("Top-up"),
    LedgerEntryKind.PAY: N_("Paid with card"), LedgerEntryKind.CHARGE: N_("On account"),
    LedgerEntryKind.REPAY: N_("Repaid"), LedgerEntryKind.REFUND: N_("Refund"),
    LedgerEntryKind.CARE: N_("Care action"), LedgerEntryKind.MERGE: N_("Moved (merge)"),
    LedgerEntryKind.EXPIRE: N_("Expired"), LedgerEntryKind.REWARD: N_("Tier reward"),
    LedgerEntryKind.BACKFILL: N_("Back-filled"), LedgerEntryKind.REVERSE: N_("Back-fill reversed"),
}

# The Vouchers tab: a voucher spent at the checkout is no card paying.
VOUCHER_ENTRY_KIND_LABELS = {
    **LEDGER_ENTRY_KIND_LABELS, LedgerEntryKind.PAY: N_("Paid with vouchers"),
}


class PackageKind(StrEnum):
    COUNT = "count"  # a number of sessions
    TIME = "time"  # unlimited use until expiry
    GIFT = "gift"  # sessions given, price 0


PACKAGE_KIND_LABELS = {
    PackageKind.COUNT: N_("count card"), PackageKind.TIME: N_("time card"),
    PackageKind.GIFT: N_("gift"),
}


class PackageStatus(StrEnum):
    """Derived, never stored: see ``rules.package_status``."""

    IN_USE = "in_use"
    RESERVED = "reserved"  # frozen now
    EXPIRED = "expired"
    USED_UP = "used_up"
    CLOSED = "closed"  # closed early (customer_package.closed_on): no session can be used


PACKAGE_STATUS_LABELS = {
    PackageStatus.IN_USE: N_("in use"), PackageStatus.RESERVED: N_("reserved"),
    PackageStatus.EXPIRED: N_("expired"), PackageStatus.USED_UP: N_("used up"),
    PackageStatus.CLOSED: N_("closed"),
}


class PackageChange(StrEnum):
    """A row of a package's history."""

    SELL = "sell"
    BACKFILL = "backfill"  # a package bought before the salon used the desk
    REDEEM = "redeem"
    EXTEND = "extend"
    FREEZE = "freeze"
    RESUME = "resume"
    ADJUST_TOTAL = "adjust_total"
    ADJUST_USED = "adjust_used"
    REFUND = "refund"
    CLOSE = "close"  # closed early with a reason (关闭疗程); nothing is refunded
    REVERSE = "reverse"  # a wrong back-fill undone: no session left, closed


PACKAGE_CHANGE_LABELS = {
    PackageChange.SELL: N_("Sold"), PackageChange.BACKFILL: N_("Back-filled"),
    PackageChange.REDEEM: N_("Redeemed"), PackageChange.EXTEND: N_("Extended"),
    PackageChange.FREEZE: N_("Reserved"), PackageChange.RESUME: N_("Resumed"),
    PackageChange.ADJUST_TOTAL: N_("Adjusted total"),
    PackageChange.ADJUST_USED: N_("Adjusted used"), PackageChange.REFUND: N_("Refunded"),
    PackageChange.CLOSE: N_("Closed"), PackageChange.REVERSE: N_("Back-fill reversed"),
}


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    PAID = "paid"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


APPOINTMENT_STATUS_LABELS = {
    AppointmentStatus.BOOKED: N_("booked"), AppointmentStatus.CHECKED_IN: N_("checked in"),
    AppointmentStatus.PAID: N_("paid"), AppointmentStatus.CANCELLED: N_("cancelled"),
    AppointmentStatus.NO_SHOW: N_("no-show"),
}


class MemberState(StrEnum):
    NOT_ACTIVATED = "not_activated"
    ACTIVE = "active"
    EXCLUDED = "excluded"  # earns and spends nothing


# The customer's header card; an active member is the usual case and says nothing.
MEMBER_STATE_LABELS = {
    MemberState.NOT_ACTIVATED: N_("not activated"), MemberState.ACTIVE: "",
    MemberState.EXCLUDED: N_("excluded"),
}


class StaffRole(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    RECEPTIONIST = "receptionist"
    TECHNICIAN = "technician"


STAFF_ROLE_LABELS = {
    StaffRole.OWNER: N_("owner"), StaffRole.MANAGER: N_("manager"),
    StaffRole.RECEPTIONIST: N_("receptionist"), StaffRole.TECHNICIAN: N_("technician"),
}


class Permission(StrEnum):
    """An action the owner's table (``role_permission``) allows a role or not; an owner may
    do all of them. What is not here any signed-in staff member may do."""

    REFUND = "refund"
    DELETE_CUSTOMER = "delete_customer"
    MERGE_CUSTOMERS = "merge_customers"
    ADJUST_POINTS = "adjust_points"
    ADJUST_PACKAGES = "adjust_packages"
    ADJUST_BALANCES = "adjust_balances"  # stored value, vouchers, debt by hand; back-fills
    PRICE_DISCOUNT = "price_discount"  # a price changed, or a discount beyond the limit
    WAIVE = "waive"
    DAY_CLOSE = "day_close"
    APPLY_TICKETS = "apply_tickets"
    EXPORT = "export"
    SETTINGS = "settings"
    STAFF = "staff"


PERMISSION_LABELS = {
    Permission.REFUND: N_("Refund"), Permission.DELETE_CUSTOMER: N_("Delete a customer"),
    Permission.MERGE_CUSTOMERS: N_("Merge customers"),
    Permission.ADJUST_POINTS: N_("Adjust points"),
    Permission.ADJUST_PACKAGES: N_("Adjust packages"),
    Permission.ADJUST_BALANCES: N_("Adjust balances"),
    Permission.PRICE_DISCOUNT: N_("Change a price or discount beyond the limit"),
    Permission.WAIVE: N_("Waive"), Permission.DAY_CLOSE: N_("Day close"),
    Permission.APPLY_TICKETS: N_("Apply adjustment tickets"), Permission.EXPORT: N_("Export"),
    Permission.SETTINGS: N_("Settings"), Permission.STAFF: N_("Staff"),
}


class CareType(StrEnum):
    """The type of a care note (the care history)."""

    CARE = "care"
    TREATMENT = "treatment"
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"


CARE_TYPE_LABELS = {
    CareType.CARE: N_("Care"), CareType.TREATMENT: N_("Treatment"), CareType.CALL: N_("Call"),
    CareType.SMS: N_("SMS"), CareType.EMAIL: N_("Email"),
}


class ProgramScope(StrEnum):
    """What a promotion programme's discount is taken off."""

    ALL = "all"  # every sales line: services, products and packages
    SERVICES = "services"
    PRODUCTS = "products"


# The programmes list's "On" column and the give dialog.
PROGRAM_SCOPE_LABELS = {
    ProgramScope.ALL: N_("all sales"), ProgramScope.SERVICES: N_("services"),
    ProgramScope.PRODUCTS: N_("products"),
}


class BackfillKind(StrEnum):
    """What a back-fill (``backfill.kind``) brought in."""

    VALUE = "value"  # a stored-value balance (general card or a named card)
    PACKAGE = "package"  # a package bought before: count or time card
    GIFT = "gift"  # a gift package: sessions, price 0
    PRODUCT = "product"  # products paid for and not yet collected
    POINTS = "points"
    VOUCHER = "voucher"
    DEBT = "debt"
    SPEND = "spend"  # accumulated ranking spend (tiền tích lũy)


BACKFILL_KIND_LABELS = {
    BackfillKind.VALUE: N_("Stored value"), BackfillKind.PACKAGE: N_("Package"),
    BackfillKind.GIFT: N_("Gift package"), BackfillKind.PRODUCT: N_("Products to collect"),
    BackfillKind.POINTS: N_("Points"), BackfillKind.VOUCHER: N_("Vouchers"),
    BackfillKind.DEBT: N_("Debt"), BackfillKind.SPEND: N_("Ranking spend"),
}

# The reason every ledger entry of a back-fill typed at the desk carries; an import's
# entries say "import FILE" instead.
BACKFILL_REASON = "back-fill"


class HeldProductKind(StrEnum):
    """A row of the products a customer has paid for and not yet collected."""

    SALE = "sale"  # sold today, left at the salon
    BACKFILL = "backfill"  # paid before the desk (Backfill)
    HANDOVER = "handover"  # given to the customer
    REFUND = "refund"  # the sale refunded
    REVERSE = "reverse"  # a wrong back-fill undone
    MERGE = "merge"  # moved by a merge of customers, or by undoing one


HELD_PRODUCT_KIND_LABELS = {
    HeldProductKind.SALE: N_("Sold, left here"), HeldProductKind.BACKFILL: N_("Back-filled"),
    HeldProductKind.HANDOVER: N_("Handed over"), HeldProductKind.REFUND: N_("Refund"),
    HeldProductKind.REVERSE: N_("Back-fill reversed"), HeldProductKind.MERGE: N_("Moved (merge)"),
}
