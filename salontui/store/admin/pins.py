"""Staff PINs: what signs a staff member in at the desk and lets a manager approve an
action a role may not do alone.

A PIN is never stored: ``staff.pin_hash`` holds ``scrypt$n$r$p$salt$hash`` (the standard
library's scrypt, a 16-byte random salt per PIN, ``n`` = 2**16 and 64 MiB: at least 0.1 s
a check on a counter PC by design (2**15 measured 80 ms on a two-core server), so that the
four to eight digits of a stolen database cannot be tried quickly). The parameters travel
with each hash, so raising them later leaves the PINs set before still readable.
A check compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import Permission, StaffRole
from salontui.store.models import Staff
from salontui.store.staff import StaffMember, require_staff

SCHEME = "scrypt"
N, R, P = 2**16, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
MAX_MEMORY = 160 * 1024 * 1024  # scrypt with n = 2**16, r = 8 needs 64 MiB
MIN_DIGITS, MAX_DIGITS = 4, 8


def check_pin_format(pin: str, *, field: str = "pin") -> str:
    """A PIN as the keypad gives it: 4 to 8 digits, nothing else (refused at ``field``)."""
    if not isinstance(pin, str) or len(pin) > 64:
        raise ValidationError(_("A PIN is {low} to {high} digits.").format(
            low=MIN_DIGITS, high=MAX_DIGITS), field=field)
    clean = pin.strip()
    if not clean:
        raise ValidationError(_("Type the PIN."), field=field)
    if not (clean.isascii() and clean.isdigit() and MIN_DIGITS <= len(clean) <= MAX_DIGITS):
        raise ValidationError(_("A PIN is {low} to {high} digits.").format(
            low=MIN_DIGITS, high=MAX_DIGITS), field=field)
    return clean


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY,
                          dklen=KEY_BYTES)


def hash_pin(pin: str) -> str:
    """A new salted hash of ``pin`` (already checked by :func:`check_pin_format`)."""
    salt = os.urandom(SALT_BYTES)
    return f"{SCHEME}${N}${R}${P}${salt.hex()}${_derive(pin, salt, N, R, P).hex()}"


def pin_matches(pin: str, stored: str | None) -> bool:
    """Whether ``pin`` is the one ``stored`` was made from (False for no PIN, or a stored
    value this code cannot read)."""
    if not stored or not isinstance(pin, str) or len(pin) > 64:
        return False
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != SCHEME:
            return False
        derived = _derive(pin.strip(), bytes.fromhex(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(derived, bytes.fromhex(key))


def _staff(session: Session, staff_id: int, *, field: str) -> Staff:
    row = session.get(Staff, staff_id)
    if row is None or not row.active:
        raise NotFound(_("That staff member does not exist or is inactive."), field=field)
    return row


@boundary
def set_pin(session: Session, *, staff_id: int, target_id: int, pin: str,
            current_pin: str | None = None) -> None:
    """Set ``target_id``'s PIN. A staff member changes their own by typing the current one
    (none to type the first time); setting another's takes the staff permission (the owner's
    table, store/admin/permissions.py). The audit row says that it changed, never the PIN."""
    from salontui.store.admin.permissions import role_allows

    actor = require_staff(session, staff_id)
    target = _staff(session, target_id, field="staff")
    clean = check_pin_format(pin)
    if target_id == staff_id:
        if target.pin_hash and not pin_matches(current_pin or "", target.pin_hash):
            raise RuleViolation(_("The current PIN is not right."), field="current_pin")
    elif not role_allows(session, actor.role, Permission.STAFF):
        raise RuleViolation(_("Only the owner, or whoever the owner lets manage staff, sets "
                              "another person's PIN."), field="staff")
    elif target.role == StaffRole.OWNER and actor.role != StaffRole.OWNER:
        raise RuleViolation(_("Only an owner sets an owner's PIN."), field="staff")
    had = target.pin_hash is not None
    target.pin_hash = hash_pin(clean)
    target.pin_set_at = clock.now()
    session.add(target)
    audit.record(session, staff_id=staff_id, action="set_pin", entity="staff",
                 entity_id=target_id, before={"pin": "set" if had else "none"},
                 after={"pin": "set"})


def verify_staff_pin(session: Session, *, staff_id: int, pin: str) -> Staff:
    """The active staff member ``staff_id`` if ``pin`` is theirs; refused at "pin" otherwise
    (one message whether the PIN is wrong or was never set, so nothing is learnt by trying).
    A staff member with no PIN yet is refused: a PIN is set before it can be used."""
    row = _staff(session, staff_id, field="staff")
    if not pin_matches(pin, row.pin_hash):
        raise RuleViolation(_("That PIN is not right."), field="pin")
    return row


def has_pin(session: Session, *, staff_id: int) -> bool:
    """Whether the active staff member ``staff_id`` signs in with a PIN (refused at "staff"
    when unknown or inactive)."""
    return _staff(session, staff_id, field="staff").pin_hash is not None


def sign_in(session: Session, *, staff_id: int, pin: str | None = None) -> StaffMember:
    """Who signs in at the desk: the active staff member ``staff_id``, by their PIN when they
    have one (a wrong or missing PIN refused at "pin"); someone with no PIN yet signs in by
    name, until the owner sets one (Settings, Staff). Unknown or inactive: refused at
    "staff". A read: nothing is written."""
    row = _staff(session, staff_id, field="staff")
    if row.pin_hash is not None:
        if not (pin or "").strip():
            raise ValidationError(_("Type the PIN."), field="pin")
        if not pin_matches(pin or "", row.pin_hash):
            raise RuleViolation(_("That PIN is not right."), field="pin")
    return StaffMember(id=staff_id, name=row.name, role=row.role, active=row.active)
