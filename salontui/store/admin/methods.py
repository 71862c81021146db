"""The salon's payment methods: cash, bank card, transfer, WeChat, MoMo… each mapped to a
kind the books understand (:class:`~salontui.store.kinds.MethodKind`).

A payment row stores a method's ``code``, never its name or kind, so renaming a method,
retiring it or moving it in the list never changes an invoice: an old invoice reads its
payment under the method's current name. What a payment *does* goes by the kind:

* only a cash method may be more than the total (the change);
* stored value, points, vouchers and on account are the customer's books: one built-in
  method each (codes ``value``, ``points``, ``voucher``, ``account``), never added, never
  changed to or from;
* waived pays nothing real (no points earned on it, not spend); nor do points and vouchers.

A method the salon adds is cash, card-like or waived. Its kind may change between those
while no payment has used it (after that, its invoices would change meaning). At least
one cash method stays active: the desk gives change in cash.

Each active method may have a key: Alt+letter at the checkout (and the plain letter
inside its payment panel). A retired method gives its key up. The letters the checkout
already binds to something else with Alt are refused, and so are b and f: terminals
send Alt+B and Alt+F as word moves, so those would never arrive. (Migration 0008 gave the
voucher method b where no method had it: inside the payment panel the plain letter reaches
it. A method keeps the key it has when it is edited.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from salontui.i18n import N_, _
from salontui.store import audit
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import (
    BUILT_IN_METHOD_KINDS,
    METHOD_KIND_LABELS,
    MethodKind,
    Permission,
    payment_method_label,
)
from salontui.store.models import PaymentMethodRow, stored_id
from salontui.store.text import clean_line, fold, quote

MAX_NAME = 60
MAX_CODE = 12
# The kinds a method the salon adds (or changes) may have.
OPEN_KINDS = (MethodKind.CASH, MethodKind.CARD, MethodKind.WAIVED)
BUILT_IN_KINDS = BUILT_IN_METHOD_KINDS  # (kinds.py: one table for the store)
# The Alt+letters the checkout keeps for itself (screens/checkout/screen.py), with what
# each does: a method cannot take one. A test holds this and the checkout's keys together.
CHECKOUT_ALT_KEYS = {
    "n": N_("Next card"), "u": N_("Top up card"), "d": N_("Repay debt"),
    "o": N_("Apply promotion"), "i": N_("Set invoice discount"),
    "l": N_("Toggle not yet picked up"), "x": N_("Remove line"), "h": N_("Hold checkout"),
    "r": N_("Resume held checkout"), "q": N_("Cancel checkout"), "y": N_("Day close"),
}
# Alt+B and Alt+F arrive as ESC b / ESC f, which Textual reads as word moves.
UNREACHABLE_KEYS = ("b", "f")
# Names the checkout gives its other fields (a store message names its field): a method's
# code is never one of them, so a message is always shown where it belongs.
RESERVED_CODES = frozenset({
    "payments", "lines", "customer", "discount", "promotion", "appointment", "note",
    "draft", "idempotency_key", "staff", "add", "prompt", "total", "card",
})
_CODE = re.compile(r"[a-z][a-z0-9_]*")
DIRECTIONS = ("up", "down")


@dataclass(frozen=True)
class MethodRow:
    """A payment method as the desk uses it. ``used``: whether any payment stores its code
    (read only when asked: it decides whether the kind may still change)."""

    id: int
    code: str
    name: str
    kind: str
    hotkey: str | None
    position: int
    active: bool
    used: bool | None = None

    @property
    def label(self) -> str:
        """The name shown: the salon's, or a built-in's own name in the desk's language."""
        return payment_method_label(self.code, self.name)

    @property
    def built_in(self) -> bool:
        return self.code in BUILT_IN_KINDS

    @property
    def open_kind(self) -> bool:
        """Whether its kind is one the salon may choose (cash, card-like, waived)."""
        return self.kind in OPEN_KINDS


def _row(method: PaymentMethodRow, used: bool | None = None) -> MethodRow:
    return MethodRow(id=stored_id(method), code=method.code, name=method.name,
                     kind=method.kind, hotkey=method.hotkey, position=method.position,
                     active=method.active, used=used)


def _all(session: Session) -> list[PaymentMethodRow]:
    return list(session.exec(select(PaymentMethodRow).order_by(
        col(PaymentMethodRow.position), col(PaymentMethodRow.id))))


def _load(session: Session, method_id: int) -> PaymentMethodRow:
    method = session.exec(for_update(select(PaymentMethodRow).where(
        PaymentMethodRow.id == method_id), session)).first()
    if method is None:
        raise NotFound(_("No payment method #{id}.").format(id=method_id), field="method")
    return method


def _used(session: Session, code: str) -> bool:
    """Whether any payment (of an invoice or a refund) stores ``code``."""
    return session.execute(text("SELECT 1 FROM payment WHERE method = :c LIMIT 1"),
                           {"c": code}).first() is not None


# -- the rules of each field ------------------------------------------------------------


def _clean_name(session: Session, name: str, *, method_id: int | None = None) -> str:
    clean = clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                       too_long=_("Name is longer than {limit} characters."))
    folded = fold(clean)
    for other in _all(session):
        if other.id == method_id:
            continue
        # A built-in is also known by the name it is shown under ("Tiền mặt" is Cash).
        shown = payment_method_label(other.code, other.name)
        if folded in (fold(other.name), fold(shown)):
            raise ValidationError(_("There is already a payment method called '{name}'.").format(
                name=quote(shown)), field="name")
    return clean


def _clean_kind(kind: str) -> MethodKind:
    if kind not in tuple(MethodKind):
        raise ValidationError(_("Unknown kind of payment method '{kind}'.").format(
            kind=quote(kind)), field="kind")
    if kind not in OPEN_KINDS:
        raise ValidationError(_("Stored value, points, vouchers and on account are the "
                                "salon's own books: there is one method of each, built in. "
                                "A method you add is cash, card-like or waived."),
                              field="kind")
    return MethodKind(kind)


def _clean_hotkey(session: Session, hotkey: str | None, *,
                  method_id: int | None = None) -> str | None:
    """One letter a–z, not the key of another active method nor one the checkout keeps;
    empty: no key."""
    letter = (hotkey or "").strip().lower()
    if not letter:
        return None
    if len(letter) != 1 or not ("a" <= letter <= "z"):
        raise ValidationError(_("The key is one letter, a to z (Alt+letter at the "
                                "checkout)."), field="hotkey")
    kept = method_id is not None and any(m.id == method_id and m.hotkey == letter
                                         for m in _all(session))
    if letter in UNREACHABLE_KEYS and not kept:
        raise ValidationError(_("Alt+{key} does not reach the desk on most terminals (they "
                                "send it as a word move): choose another letter.").format(
            key=letter.upper()), field="hotkey")
    if letter in CHECKOUT_ALT_KEYS:
        raise ValidationError(_("Alt+{key} is the checkout's key for {action}: choose "
                                "another letter.").format(
            key=letter.upper(), action=_(CHECKOUT_ALT_KEYS[letter])), field="hotkey")
    for other in _all(session):
        if other.id != method_id and other.active and other.hotkey == letter:
            raise ValidationError(_("Alt+{key} is already the key of '{name}'.").format(
                key=letter.upper(), name=quote(payment_method_label(other.code, other.name))),
                field="hotkey")
    return letter


def _code_taken(session: Session, code: str) -> bool:
    return session.exec(select(PaymentMethodRow.id).where(
        PaymentMethodRow.code == code)).first() is not None


def _clean_code(session: Session, code: str) -> str:
    clean = code.strip().lower()
    if not clean or len(clean) > MAX_CODE or not _CODE.fullmatch(clean):
        raise ValidationError(_("A method's code is 1 to {limit} letters a–z, digits or _, "
                                "beginning with a letter.").format(limit=MAX_CODE),
                              field="code")
    if clean in RESERVED_CODES:
        raise ValidationError(_("The code '{code}' is the name of another field of the "
                                "checkout: choose another.").format(code=quote(clean)),
                              field="code")
    if _code_taken(session, clean):
        raise ValidationError(_("There is already a payment method with the code "
                                "'{code}'.").format(code=quote(clean)), field="code")
    return clean


def derive_code(session: Session, name: str) -> str:
    """The code of a new method, from its name: folded to ASCII letters and digits, at most
    12, with a number after it when that is taken ("E-wallet" → "ewallet2")."""
    base = re.sub(r"[^a-z0-9]", "", fold(name).encode("ascii", "ignore").decode())
    base = base.lstrip("0123456789")[:MAX_CODE] or "method"
    candidate, n = base, 1
    while candidate in RESERVED_CODES or _code_taken(session, candidate):
        n += 1
        candidate = base[:MAX_CODE - len(str(n))] + str(n)
    return candidate


def _active_cash(session: Session, *, besides: int) -> int:
    return int(session.execute(
        select(func.count()).select_from(PaymentMethodRow).where(
            PaymentMethodRow.kind == MethodKind.CASH, PaymentMethodRow.active,
            PaymentMethodRow.id != besides)).scalar_one())


def _keep_one_cash(session: Session, method: PaymentMethodRow, *, field: str) -> None:
    """Refuse taking the last active cash method away (retired, or made another kind)."""
    if method.kind == MethodKind.CASH and method.active and not _active_cash(
            session, besides=stored_id(method)):
        raise RuleViolation(_("'{name}' is the last cash method: the desk needs one to give "
                              "change. Add another cash method first.").format(
            name=quote(payment_method_label(method.code, method.name))), field=field)


# -- reading ----------------------------------------------------------------------------


@boundary
def list_methods(session: Session, *, active_only: bool = False,
                 with_use: bool = False) -> list[MethodRow]:
    """The methods in the salon's order (the checkout's payment panel, the Settings list);
    ``with_use``: each row says whether a payment uses it (a scan of the payments: for the
    Settings list, not for every refresh)."""
    methods = [m for m in _all(session) if m.active or not active_only]
    if not with_use:
        return [_row(m) for m in methods]
    used = {r[0] for r in session.execute(text("SELECT DISTINCT method FROM payment"))}
    return [_row(m, m.code in used) for m in methods]


def methods_by_code(session: Session) -> dict[str, MethodRow]:
    """Every method (retired ones too: old invoices name them), by code."""
    return {m.code: _row(m) for m in _all(session)}


def method_labels(session: Session) -> dict[str, str]:
    """The name each method is shown under now, by code (retired ones too): what a receipt,
    the invoice dialog, a refund and the day close call a payment."""
    return {m.code: payment_method_label(m.code, m.name) for m in _all(session)}


def method_kinds(session: Session) -> dict[str, str]:
    """The kind of each method by code; a code the list does not hold counts as the
    built-in it is (see :func:`kind_of`)."""
    return {m.code: m.kind for m in _all(session)}


def kind_of(kinds: dict[str, str], code: str) -> str:
    """The kind of ``code`` in ``kinds`` (:func:`method_kinds`), else its built-in's; an
    unknown code is card-like (money, but never change)."""
    return kinds.get(code) or BUILT_IN_KINDS.get(code, MethodKind.CARD)


def label_of(labels: dict[str, str], code: str) -> str:
    """The name of ``code`` in ``labels`` (:func:`method_labels`), else its built-in's."""
    return labels.get(code) or payment_method_label(code)


def kind_label(kind: str) -> str:
    """A kind as shown ("Card-like"), translated."""
    label = METHOD_KIND_LABELS.get(kind)  # type: ignore[call-overload]
    return _(label) if label else kind


# -- writing ----------------------------------------------------------------------------


@boundary
def create_method(session: Session, *, staff_id: int, name: str, kind: str,
                  hotkey: str | None = None, code: str | None = None,
                  approved_by: int | None = None) -> MethodRow:
    """Add a method at the end of the list. ``code`` (what payments will store) is made
    from the name unless given."""
    clean_name = _clean_name(session, name)
    clean_kind = _clean_kind(kind)
    letter = _clean_hotkey(session, hotkey)
    clean_code = _clean_code(session, code) if code else derive_code(session, clean_name)
    last = session.execute(select(func.max(PaymentMethodRow.position))).scalar_one()
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    method = PaymentMethodRow(code=clean_code, name=clean_name, kind=str(clean_kind),
                              hotkey=letter, position=(last or 0) + 1, active=True)
    session.add(method)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_method", entity="payment_method",
                 entity_id=method.id, after=audit.snapshot(method), approved_by=approver)
    return _row(method, False)


@boundary
def update_method(session: Session, *, staff_id: int, method_id: int, name: str,
                  hotkey: str | None, kind: str | None = None,
                  approved_by: int | None = None) -> MethodRow:
    """Rename a method, give it another key (empty: none) or, while no payment has used it,
    another kind among cash, card-like and waived (``kind`` None: as it is). Invoices keep
    the code and read the new name."""
    method = _load(session, method_id)
    before = audit.snapshot(method)
    clean_name = _clean_name(session, name, method_id=method_id)
    letter = _clean_hotkey(session, hotkey, method_id=method_id)
    if letter is not None and not method.active:
        raise ValidationError(_("A retired method has no key: bring it back first."),
                              field="hotkey")
    if kind is not None and kind != method.kind:
        if method.kind not in OPEN_KINDS:
            raise RuleViolation(_("'{name}' is the salon's own {kind}: its kind does not "
                                  "change.").format(name=quote(payment_method_label(
                                      method.code, method.name)), kind=kind_label(method.kind)),
                                field="kind")
        new_kind = _clean_kind(kind)
        if _used(session, method.code):
            raise RuleViolation(_("Payments were taken by '{name}': its kind stays {kind}, so "
                                  "their invoices keep their meaning. Add a new method "
                                  "instead.").format(
                name=quote(payment_method_label(method.code, method.name)),
                kind=kind_label(method.kind)), field="kind")
        _keep_one_cash(session, method, field="kind")
    else:
        new_kind = None
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    if new_kind is not None:
        method.kind = str(new_kind)
    method.name = clean_name
    method.hotkey = letter
    session.add(method)
    audit.record(session, staff_id=staff_id, action="update_method", entity="payment_method",
                 entity_id=method.id, before=before, after=audit.snapshot(method),
                 approved_by=approver)
    return _row(method)


@boundary
def move_method(session: Session, *, staff_id: int, method_id: int,
                direction: str, approved_by: int | None = None) -> MethodRow:
    """Move a method one place up or down the list (the payment panel's order). At either
    end nothing moves and nothing is written."""
    if direction not in DIRECTIONS:
        raise ValidationError(_("A method moves up or down."), field="direction")
    _load(session, method_id)
    methods = list(session.exec(for_update(select(PaymentMethodRow).order_by(
        col(PaymentMethodRow.position), col(PaymentMethodRow.id)), session)))
    index = next(i for i, m in enumerate(methods) if m.id == method_id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(methods):
        return _row(methods[index])
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {m.code: m.position for m in methods}
    methods[index], methods[other] = methods[other], methods[index]
    for position, method in enumerate(methods, start=1):  # 1…n again, whatever they were
        if method.position != position:
            method.position = position
            session.add(method)
    moved = methods[other]
    audit.record(session, staff_id=staff_id, action="move_method", entity="payment_method",
                 entity_id=moved.id, before={"positions": before},
                 after={"positions": {m.code: m.position for m in methods}}, approved_by=approver)
    return _row(moved)


@boundary
def set_method_active(session: Session, *, staff_id: int, method_id: int,
                      active: bool, approved_by: int | None = None) -> MethodRow:
    """Retire a method (the checkout no longer offers it; its invoices keep it, under its
    name) and free its key, or bring it back (without a key: give it one by editing it).
    The last active cash method stays."""
    method = _load(session, method_id)
    before = {"active": method.active, "hotkey": method.hotkey}
    if not active:
        _keep_one_cash(session, method, field="method")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    if not active:
        method.hotkey = None
    method.active = active
    session.add(method)
    audit.record(session, staff_id=staff_id, action="set_method_active",
                 entity="payment_method", entity_id=method.id, before=before,
                 after={"active": active, "hotkey": method.hotkey}, approved_by=approver)
    return _row(method)

