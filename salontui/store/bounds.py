"""Bounds of every input, checked before anything is parsed or written.

Whatever reaches the store — typed at the desk, pasted, imported or passed by a
caller with the wrong type — is refused with a :class:`ValidationError` at the
field it came from, never a raw ``TypeError``, ``OverflowError`` or a value
silently cut. One mechanism does it for the whole class: :func:`boundary`
wraps a public store function and checks each argument it is given against the
function's annotations before the body runs:

* ``str``: text, at most :data:`MAX_TEXT` characters, no control characters
  (a NUL, an escape…; tab and line breaks are left to the field's own rule) and
  nothing that cannot be stored as UTF-8 (a lone surrogate);
* ``int``: a whole number, not ``True``/``False``, within a 64-bit column
  (±2⁶³); ``bool``: ``True`` or ``False`` only;
* ``date``: a date (not a datetime) between :data:`MIN_DATE` and
  :data:`MAX_DATE`; ``datetime``: a datetime in those years;
* ``X | None``: ``None`` or an ``X``; ``list[X]``: a list (or tuple) of ``X``;
* a dataclass (a ``Cart``): an instance, each of its fields checked the same
  way (a line's field is named ``line<i>.<field>``, as the checkout names it).

The function's own rules (the name's limit, "the amount must be more than zero")
come after, with their own messages. Annotations that are none of these are
left to the function.

The helpers below (:func:`check_text`, :func:`check_date`,
:func:`latest_expiry`) are for the rules of single fields.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import re
import sys
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from salontui.i18n import _
from salontui.store.dates import date_hint, show_date
from salontui.store.errors import ValidationError

MAX_TEXT = 4000  # the longest text the store takes (a care note's description)
MAX_QUERY = 100  # what a search box searches for (the box takes no more)
MAX_QUERY_WORDS = 8  # words of a name search (a name has no more: text.MAX_NAME_WORDS)
MAX_NUMBER_TEXT = 30  # characters of a typed amount or count ("1.000.000.000.000")
MAX_DATE_TEXT = 20  # characters of a typed date ("31/12/2026", "2026-12-31")
MAX_ITEMS = 10_000  # elements of a list argument
MAX_INT = 2**63 - 1  # a 64-bit column
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
MAX_EXPIRY_YEARS = 50  # an expiry further out than this is a typo (31/12/9999)
ALLOWED_CONTROLS = "\t\n\r"


# -- single fields ------------------------------------------------------------------------


def bad_character(text: str) -> str | None:
    """The first character of ``text`` that cannot be stored as typed text, shown
    visibly ("U+0000"), or None: a control character other than tab and line breaks,
    or a lone surrogate (not UTF-8)."""
    for ch in text:
        if ch in ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs"):
            return f"U+{ord(ch):04X}"
    return None


def check_text(value: object, *, field: str, limit: int = MAX_TEXT) -> str:
    """``value`` if it is text within ``limit`` characters without control characters."""
    if not isinstance(value, str):
        raise ValidationError(_("This should be text."), field=field)
    if len(value) > limit:
        raise ValidationError(_("This text is longer than {limit} characters.").format(
            limit=limit), field=field)
    bad = bad_character(value)
    if bad is not None:
        raise ValidationError(_("Remove the control character {char} from this text.").format(
            char=bad), field=field)
    return value


def check_int(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("This should be a whole number."), field=field)
    if not -MAX_INT <= value <= MAX_INT:
        raise ValidationError(_("That number is too large."), field=field)
    return value


def check_date(value: object, *, field: str, locale: str | None = None) -> date:
    """A date (not a datetime) between 1900 and 2100; the messages write dates the way
    ``locale`` does (the salon's if not given: store/dates.py)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(_("Enter a date ({pattern} or YYYY-MM-DD).").format(
            pattern=date_hint(locale)), field=field)
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValidationError(_("Enter a date between {low} and {high}.").format(
            low=show_date(MIN_DATE, locale), high=show_date(MAX_DATE, locale)), field=field)
    return value


def check_datetime(value: object, *, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValidationError(_("Enter a date and time."), field=field)
    if not MIN_DATE.year <= value.year <= MAX_DATE.year:
        raise ValidationError(_("Enter a date between {low} and {high}.").format(
            low=show_date(MIN_DATE), high=show_date(MAX_DATE)), field=field)
    return value


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_expiry(today: date) -> date:
    """The furthest expiry the salon takes: :data:`MAX_EXPIRY_YEARS` from today."""
    return min(add_years(today, MAX_EXPIRY_YEARS), MAX_DATE)


def check_expiry(value: date, *, field: str, today: date) -> date:
    """Refuse an expiry further out than :func:`latest_expiry` (a typo like 31/12/9999)."""
    latest = latest_expiry(today)
    if value > latest:
        raise ValidationError(_("An expiry cannot be later than {date} ({years} years "
                                "from today).").format(date=show_date(latest),
                                                       years=MAX_EXPIRY_YEARS), field=field)
    return value


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def check_email(text: str) -> bool:
    """True for an address mail can be sent to, by the syntax of RFC 5321/5322 as mail
    services accept it: ``local@domain.tld``; the local part letters, digits and
    ``!#$%&'*+/=?^_`{|}~-`` in dot-separated runs (no quoted forms), at most 64;
    the domain at least two labels of letters, digits and inner hyphens (an accented
    domain through IDNA), the last alphabetic (or ``xn--``), at most 253; the whole
    at most 254. "a@b", "a@b.c", "a..b@x.vn" and "a@-x.vn" are refused.

    A strict rule rather than a dependency (``email-validator``): the desk does not
    look the domain up (no network at the counter), so the syntax is all it checks.
    """
    if len(text) > 254 or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    if not 1 <= len(local) <= 64 or not _LOCAL.fullmatch(local):
        return False
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        return False
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels):
        return False
    tld = labels[-1]
    return (tld.isalpha() and len(tld) >= 2) or tld.lower().startswith("xn--")


# -- the boundary of a store function -------------------------------------------------------

Check = Callable[[object, str], None]


def _wrong(field: str) -> ValidationError:
    return ValidationError(_("This value is not valid here."), field=field)


def _check_bool(value: object, field: str) -> None:
    if not isinstance(value, bool):
        raise ValidationError(_("This should be yes or no."), field=field)


def _check_str(value: object, field: str) -> None:
    check_text(value, field=field)


def _check_int(value: object, field: str) -> None:
    check_int(value, field=field)


def _check_date(value: object, field: str) -> None:
    check_date(value, field=field)


def _check_datetime(value: object, field: str) -> None:
    check_datetime(value, field=field)


_SIMPLE: dict[object, Check] = {str: _check_str, int: _check_int, bool: _check_bool,
                                date: _check_date, datetime: _check_datetime}
_LISTS = (list, tuple, Sequence, Iterable)


def _optional(inner: Check) -> Check:
    def check(value: object, field: str) -> None:
        if value is not None:
            inner(value, field)
    return check


def _list_of(inner: Check | None) -> Check:
    def check(value: object, field: str) -> None:
        if not isinstance(value, list | tuple):
            raise ValidationError(_("This should be a list."), field=field)
        if len(value) > MAX_ITEMS:
            raise ValidationError(_("This list is too long."), field=field)
        if inner is not None:
            for item in value:
                inner(item, field)
    return check


def _dataclass_of(cls: type) -> Check:
    fields_checks: list[tuple[str, Check]] | None = None

    def check(value: object, field: str) -> None:
        nonlocal fields_checks
        if not isinstance(value, cls):
            raise _wrong(field)
        if fields_checks is None:
            hints = _hints(cls)
            fields_checks = [(f.name, c) for f in dataclasses.fields(cls)
                             if (c := _checker(hints.get(f.name))) is not None]
        for name, inner in fields_checks:
            item = getattr(value, name)
            if name == "lines" and isinstance(item, list | tuple):
                for index, line in enumerate(item):  # named as the checkout names them
                    _check_line(inner, line, index, name)
            else:
                inner(item, name)
    return check


def _check_line(inner: Check, line: object, index: int, name: str) -> None:
    try:
        inner([line], name)
    except ValidationError as error:
        where = f"line{index}"
        raise ValidationError(error.message, field=f"{where}.{error.field}"
                              if error.field and error.field != name else where) from None


def _checker(annotation: object) -> Check | None:
    """The check for one annotation, or None for what the boundary leaves alone."""
    if annotation is None or annotation is typing.Any:
        return None
    if annotation in _SIMPLE:
        return _SIMPLE[annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        others = [a for a in args if a is not type(None)]
        if len(others) == 1:
            inner = _checker(others[0])
            if inner is None:
                return None
            return _optional(inner) if len(others) < len(args) else inner
        return None
    if origin in _LISTS or annotation in _LISTS:
        return _list_of(_checker(args[0]) if args else None)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return _dataclass_of(annotation)
    return None


def _hints(obj: object) -> dict[str, object]:
    """Resolved annotations; a name that does not resolve is left out (left alone)."""
    try:
        return typing.get_type_hints(obj)
    except Exception:  # one unresolvable name: resolve the others one by one
        found: dict[str, object] = {}
        namespace = getattr(obj, "__globals__", None) or vars(sys.modules[obj.__module__])
        for name, text in getattr(obj, "__annotations__", {}).items():
            try:
                found[name] = eval(text, namespace) if isinstance(text, str) else text
            except Exception:
                continue
        return found


# Nobody signed in, nobody chosen: the function says so itself ("Sign in as a staff
# member first.", "Choose the staff member who did the service.").
_NONE_LEFT_TO_FUNCTION = frozenset({"staff_id", "service_staff_id"})


def _field_name(name: str) -> str:
    """The field a message belongs to, named as the store names it: ``customer_id`` →
    "customer", ``customer_ids`` → "customers", ``new_expiry`` → "new_expiry"."""
    if name.endswith("_ids"):
        return name[:-4] + "s"
    if name.endswith("_id") and name != "staff_id":
        return name[:-3]
    return "staff" if name == "staff_id" else name


def boundary(fn: Callable) -> Callable:
    """Check the arguments of a public store function against its annotations first.

    The session (the first parameter) is not checked; an argument left out keeps
    its default, unchecked. A refusal is a :class:`ValidationError` naming the
    field as the store does (``new_expiry``; ``customer`` for ``customer_id``),
    raised before the function runs, so nothing is written.
    """
    signature = inspect.signature(fn)
    fields = {name: _field_name(name) for name in signature.parameters}
    names = [p.name for p in signature.parameters.values()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    checks: dict[str, Check] | None = None

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        nonlocal checks
        if checks is None:
            hints = _hints(fn)
            checks = {name: c for name in names[1:]
                      if (c := _checker(hints.get(name))) is not None}
        given = dict(zip(names[1:], args[1:], strict=False)) | kwargs if len(args) > 1 else kwargs
        for name, value in given.items():
            check = checks.get(name)
            if check is not None and (value is not None or name not in _NONE_LEFT_TO_FUNCTION):
                check(value, fields[name])
        return fn(*args, **kwargs)

    # A marker on the function object (what the tests of the boundaries look for).
    wrapper.__boundary__ = True  # type: ignore[attr-defined]
    return wrapper
