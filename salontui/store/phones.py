"""Phone numbers: normalised to E.164 with ``phonenumbers``; searchable by any digits.

A receptionist types "0935 320 888", "+84 935 320 888" or just "2888". We
store E.164 (``+84935320888``) plus two search keys: the national digits
(``0935320888``, for leading digits) and the reversed national digits (for
the last digits, the way people usually ask: "the number ending 2888").
"""

from __future__ import annotations

from dataclasses import dataclass

from salontui.i18n import _
from salontui.store.errors import ValidationError
from salontui.store.text import quote

MAX_PHONE_LENGTH = 32


@dataclass(frozen=True)
class Phone:
    e164: str
    national_digits: str

    @property
    def reversed_digits(self) -> str:
        return self.national_digits[::-1]


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def parse_phone(text: str, *, region: str = "VN", field: str = "phone") -> Phone:
    """Parse and validate a phone typed at the desk; raise ValidationError if it is not one."""
    import phonenumbers

    raw = (text or "").strip()
    if not raw:
        raise ValidationError(_("Phone is required."), field=field)
    if len(raw) > MAX_PHONE_LENGTH:
        raise ValidationError(_("Phone is too long."), field=field)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("'{text}' is not a phone number.").format(text=quote(raw)),
                              field=field) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("'{text}' is not a valid phone number.").format(
            text=quote(raw)),
                              field=field)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = digits_of(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    return Phone(e164=e164, national_digits=national)


def format_phone(e164: str, *, region: str = "VN") -> str:
    """'+84935320888' → '0935 320 888' at home, international format abroad."""
    import phonenumbers

    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
