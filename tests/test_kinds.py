"""store/kinds.py: every kind, status, method and role is defined once, with the strings
stored today, and has a label in every catalogue."""

from __future__ import annotations

from enum import StrEnum

import pytest
from babel.messages.pofile import read_po

from salontui.i18n import LOCALE_DIR
from salontui.store import kinds

CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/salontui.po"))

# Each enum and the mapping that labels it: one label per value, wherever it is said.
LABELS = {
    kinds.InvoiceKind: (kinds.INVOICE_KIND_LABELS,),
    kinds.LineKind: (kinds.LINE_KIND_LABELS,),
    kinds.PaymentMethod: (kinds.PAYMENT_METHOD_LABELS,),
    kinds.MethodKind: (kinds.METHOD_KIND_LABELS,),
    kinds.LedgerAccount: (kinds.LEDGER_ACCOUNT_LABELS,),
    kinds.LedgerEntryKind: (kinds.LEDGER_ENTRY_KIND_LABELS,),
    kinds.PackageKind: (kinds.PACKAGE_KIND_LABELS,),
    kinds.PackageStatus: (kinds.PACKAGE_STATUS_LABELS,),
    kinds.PackageChange: (kinds.PACKAGE_CHANGE_LABELS,),
    kinds.AppointmentStatus: (kinds.APPOINTMENT_STATUS_LABELS,),
    kinds.MemberState: (kinds.MEMBER_STATE_LABELS,),
    kinds.StaffRole: (kinds.STAFF_ROLE_LABELS,),
    kinds.CareType: (kinds.CARE_TYPE_LABELS,),
    kinds.ProgramScope: (kinds.PROGRAM_SCOPE_LABELS,),
    kinds.BackfillKind: (kinds.BACKFILL_KIND_LABELS,),
    kinds.HeldProductKind: (kinds.HELD_PRODUCT_KIND_LABELS,),
    kinds.Permission: (kinds.PERMISSION_LABELS,),
}
# Said by leaving it out (the header card names only an unusual state).
SILENT = {kinds.MemberState.ACTIVE}

# The strings the database holds today: changing one would need a migration.
STORED = {
    kinds.InvoiceKind: ["sale", "refund", "repayment"],
    kinds.LineKind: ["service", "product", "package", "redeem", "topup", "repay"],
    kinds.PaymentMethod: ["cash", "card", "transfer", "ewallet", "value", "points", "voucher",
                          "account", "free"],
    kinds.MethodKind: ["cash", "card", "value", "points", "voucher", "account", "waived"],
    kinds.LedgerAccount: ["points", "value", "debt", "voucher"],
    kinds.LedgerEntryKind: ["earn", "unearn", "spend", "adjust", "topup", "pay", "charge",
                            "repay", "refund", "care", "merge", "expire", "reward",
                            "backfill", "reverse"],
    kinds.PackageKind: ["count", "time", "gift"],
    kinds.PackageStatus: ["in_use", "reserved", "expired", "used_up", "closed"],
    kinds.PackageChange: ["sell", "backfill", "redeem", "extend", "freeze", "resume",
                          "adjust_total", "adjust_used", "refund", "close", "reverse"],
    kinds.AppointmentStatus: ["booked", "checked_in", "paid", "cancelled", "no_show"],
    kinds.MemberState: ["not_activated", "active", "excluded"],
    kinds.StaffRole: ["owner", "manager", "receptionist", "technician"],
    kinds.CareType: ["care", "treatment", "call", "sms", "email"],
    kinds.ProgramScope: ["all", "services", "products"],
    kinds.BackfillKind: ["value", "package", "gift", "product", "points", "voucher", "debt",
                         "spend"],
    kinds.HeldProductKind: ["sale", "backfill", "handover", "refund", "reverse", "merge"],
    kinds.Permission: ["refund", "delete_customer", "merge_customers", "adjust_points",
                       "adjust_packages", "adjust_balances", "price_discount", "waive",
                       "day_close", "apply_tickets", "export", "settings", "staff"],
}


def test_every_enum_of_the_module_is_checked_here():
    defined = {v for v in vars(kinds).values()
               if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum}
    assert defined == set(LABELS) == set(STORED)


@pytest.mark.parametrize("enum", list(STORED), ids=lambda e: e.__name__)
def test_values_are_the_strings_stored_today(enum):
    assert [m.value for m in enum] == STORED[enum]
    for member in enum:
        assert member == member.value and str(member) == member.value
        assert f"{member}" == member.value


@pytest.mark.parametrize("enum", list(LABELS), ids=lambda e: e.__name__)
def test_every_member_has_a_label_and_nothing_else_does(enum):
    """Every member of every enum, the ledger's "unearn" and "merge" too: none is shown as
    the string it is stored as."""
    for labels in LABELS[enum]:
        missing = set(enum) - set(labels)
        assert not missing, f"{enum.__name__}: no label for {sorted(missing)}"
        assert set(labels) <= set(enum)
        for member, text in labels.items():
            assert text or member in SILENT, f"{member!r} has an empty label"
        # A stored string finds its label as well as the member does.
        for member in labels:
            assert labels[member.value] == labels[member]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_label_is_translated(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    texts = {text for mappings in LABELS.values() for labels in mappings
             for text in labels.values() if text}
    missing = sorted(t for t in texts
                     if not (catalogue.get(t) and catalogue.get(t).string))
    assert not missing, f"untranslated labels: {missing}"


def test_the_store_checks_against_the_same_values():
    from salontui.store import (
        care,
        cart,
        catalog,
        customers,
        ledger,
        package_reads,
        packages,
        rules,
        staff,
    )
    from salontui.store.day import appointments
    from salontui.store.sales import cart_rules

    assert tuple(kinds.LineKind) == cart.LINE_KINDS
    from salontui.store.admin import methods

    assert set(methods.BUILT_IN_KINDS) == set(kinds.PaymentMethod)
    assert set(methods.BUILT_IN_KINDS.values()) == set(kinds.MethodKind)
    assert set(cart_rules.CUSTOMER_METHODS) == {
        code for code, kind in methods.BUILT_IN_KINDS.items() if kind == code} - {"cash", "card"}
    assert set(cart.SALES_KINDS) | set(cart_rules.CUSTOMER_LINE_KINDS) == set(kinds.LineKind)
    assert tuple(kinds.LedgerAccount) == ledger.ACCOUNTS
    assert packages.PACKAGE_KINDS == catalog.PACKAGE_KINDS == tuple(kinds.PackageKind)
    assert tuple(kinds.PackageStatus) == package_reads.STATUSES
    assert (rules.IN_USE, rules.RESERVED, rules.EXPIRED, rules.USED_UP,
            rules.CLOSED) == package_reads.STATUSES
    assert tuple(kinds.PackageChange) == packages.EVENT_CHANGES
    assert tuple(kinds.AppointmentStatus) == appointments.STATUSES
    assert tuple(kinds.MemberState) == customers.MEMBER_STATES
    assert tuple(kinds.StaffRole) == staff.ROLES
    assert tuple(kinds.CareType) == care.CARE_TYPES
