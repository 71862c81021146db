"""Signing in at the desk (store/admin/pins.py sign_in): by PIN when one is set, by name
until then; a wrong or missing PIN refused at "pin", an inactive member at "staff"."""

from __future__ import annotations

import pytest

from salontui.store.admin.pins import has_pin, set_pin, sign_in
from salontui.store.admin.staff_admin import set_staff_active
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.staff import create_staff


def test_sign_in_by_pin_or_by_name(writer, reader, staff_id):
    with writer() as s:
        lan = create_staff(s, name="Lan", role="receptionist", staff_id=staff_id)
        mai = create_staff(s, name="Mai", role="technician", staff_id=staff_id)
        set_pin(s, staff_id=staff_id, target_id=lan.id, pin="2468")
    with reader() as s:
        assert has_pin(s, staff_id=lan.id) and not has_pin(s, staff_id=mai.id)
        member = sign_in(s, staff_id=lan.id, pin=" 2468 ")
        assert (member.id, member.name, member.role) == (lan.id, "Lan", "receptionist")
        with pytest.raises(RuleViolation) as wrong:
            sign_in(s, staff_id=lan.id, pin="1357")
        assert wrong.value.field == "pin"
        for missing in (None, "", "   "):
            with pytest.raises(ValidationError) as empty:
                sign_in(s, staff_id=lan.id, pin=missing)
            assert empty.value.field == "pin"
        with pytest.raises(RuleViolation) as long:
            sign_in(s, staff_id=lan.id, pin="2" * 10_000)
        assert long.value.field == "pin"
        # No PIN yet: by name, whatever is typed.
        assert sign_in(s, staff_id=mai.id).name == "Mai"
        assert sign_in(s, staff_id=mai.id, pin="9999").id == mai.id
        with pytest.raises(NotFound) as unknown:
            sign_in(s, staff_id=999_999, pin="2468")
        assert unknown.value.field == "staff"
    with writer() as s:
        set_staff_active(s, staff_id=staff_id, target_id=lan.id, active=False)
    with reader() as s:
        for pin in ("2468", None):
            with pytest.raises(NotFound) as inactive:
                sign_in(s, staff_id=lan.id, pin=pin)
            assert inactive.value.field == "staff"


def test_the_pin_kdf_is_memory_hard_and_its_parameters_travel_with_each_hash():
    """The check is slow by its parameters, not by a timer: scrypt with n ≥ 2**14 and
    r ≥ 8 (≥ 16 MiB a try), read from each stored hash, so a PIN hashed with other
    parameters (before they were raised) still signs in."""
    import os

    from salontui.store.admin import pins

    assert pins.SCHEME == "scrypt" and pins.N >= 2**14 and pins.R >= 8 and pins.P >= 1
    assert 128 * pins.R * pins.N <= pins.MAX_MEMORY
    scheme, n, r, p, salt, key = pins.hash_pin("2468").split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", pins.N, pins.R, pins.P)
    assert len(bytes.fromhex(salt)) == pins.SALT_BYTES >= 16
    assert len(bytes.fromhex(key)) == pins.KEY_BYTES >= 32
    older_salt = os.urandom(16)
    older = "$".join(("scrypt", str(2**14), "8", "1", older_salt.hex(),
                      pins._derive("2468", older_salt, 2**14, 8, 1).hex()))
    assert pins.pin_matches("2468", older) and not pins.pin_matches("2469", older)
