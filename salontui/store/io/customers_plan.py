"""The customer import's plan: every row of the file read, checked and matched, before
anything is written (the dry run is this plan, reported).

**The customers sheet** (one row a customer): each cell is read as its column says
(:mod:`cells`), the row is matched with the salon's customers, and what it would do is
decided:

* *matching*: by the normalised phone (``phones``: E.164), then by the code. An existing
  customer is updated, never duplicated: a cell given replaces the field, an empty cell
  keeps it. A code that is another customer's than the phone's, a code of a deleted
  customer, or a code matching a member whose phone differs (a member's phone is changed
  at the desk, with a manager) is an error of the row. A phone of a deleted customer
  only is not a match: the row creates a new customer, as the desk would.
* *two rows with one phone* (or one code) are both refused, neither imported;
* *balances*: points and ranking spend by the option (``add``: after = before + the file;
  ``reset``: after = the file's value, so the row says the difference); stored value (the
  general card and named cards), vouchers and debt are always added;
* *tier*: a tier of the salon's ladder by its name (or the desk's translation of a
  built-in one); the customer is moved to it by hand when it is not theirs;
* *create* / *update* / *skip*: a new customer; an existing one the row changes (a field,
  a balance, the tier); an existing one it leaves as they are.

**The holdings sheet** (one row a thing a customer still holds): whose (a customer of the
customers sheet, or of the salon, by phone or code), what (a package, a time card, gift
sessions, a card top-up, products not yet collected) and its figures, each checked as the
back-fill checks them (``books.backfill``: sessions used never above the total, a gift
is free, a package not already expired, a product of the catalogue, a card type that
exists). A holding whose customer's row is in error is in error too.

Every problem is an error of its sheet, row and column (the header as the file writes
it), all of them, not only the first; the plan is what :mod:`customers_apply` writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import func, select
from sqlmodel import Session, col

from salontui.i18n import _
from salontui.store import clock
from salontui.store.books.backfill import BackfillIn
from salontui.store.books.held_products import MAX_QUANTITY
from salontui.store.bounds import check_email, latest_expiry
from salontui.store.customers import GENDERS, MAX_ADDRESS, MAX_EMAIL, MAX_NAME, MAX_NOTE
from salontui.store.dates import show_date
from salontui.store.errors import SalonError
from salontui.store.io import cells
from salontui.store.io.headers import (
    CARD_AMOUNT,
    CUSTOMERS,
    GIFT,
    HOLDINGS,
    KIND_LABELS,
    KIND_WORDS,
    PACKAGE,
    PRODUCT,
    TIME,
    TOPUP,
    header_key,
    translations_of,
    word_of,
)
from salontui.store.io.readers import Sheet, Spreadsheet
from salontui.store.io.report import CREATE, SKIP, UPDATE, ImportReport, SheetReport
from salontui.store.kinds import BackfillKind, MemberState
from salontui.store.ledger import MAX_POINTS
from salontui.store.models import (
    CardType,
    CatalogItem,
    Customer,
    LedgerEntry,
    Tier,
    stored_id,
    table_of,
)
from salontui.store.money import MAX_AMOUNT_MINOR
from salontui.store.names import GENERAL_CARD
from salontui.store.packages import MAX_NAME as MAX_PACKAGE_NAME
from salontui.store.packages import MAX_SESSIONS
from salontui.store.phones import Phone
from salontui.store.rules import expiry_from_validity
from salontui.store.settings import get_settings
from salontui.store.text import quote

ADD, RESET = "add", "reset"
MODES = (ADD, RESET)
MAX_CODE = 20  # customer.code
MAX_CARD_NAME = 60
MAX_HOLDING_NOTE = 250  # backfill.note
MAX_CARDS_CELL = 1000  # the named cards of one customer, in one cell
CHUNK = 500  # values per IN (...) list

_C = table_of(Customer)
_LE = table_of(LedgerEntry)
_ITEM = table_of(CatalogItem)
_TIER = table_of(Tier)
_CARD_TYPE = table_of(CardType)

GENDER_WORDS = {
    "female": ("f", "female", "woman", "w", "nu", "nữ", "女", "女性"),
    "male": ("m", "male", "man", "nam", "男", "男性"),
    "other": ("other", "o", "khac", "其他"),
}
GENERAL_WORDS = ("general", "general card", "the chung", "通用", "通用卡", "储值", "储值卡")


@cache
def _general_keys() -> frozenset[str]:
    return frozenset(header_key(w) for w in (GENERAL_CARD, *translations_of(GENERAL_CARD),
                                            *GENERAL_WORDS))


def is_general_card(name: str) -> bool:
    """Whether a card named in a sheet is the general card ("General", "Thẻ chung", "")."""
    return not name.strip() or header_key(name) in _general_keys()

Progress = Callable[[int, int], object]


@dataclass(slots=True)
class CustomerRow:
    """A row of the customers sheet, read and checked (None: the cell was empty)."""

    row: int
    code: str | None = None
    name: str | None = None
    phone: Phone | None = None
    birthday: date | None = None
    gender: str | None = None
    email: str | None = None
    address: str | None = None
    note: str | None = None
    tier_id: int | None = None
    points: int | None = None
    value: int | None = None
    cards: list[tuple[str, int]] | None = None
    debt: int | None = None
    spend: int | None = None
    vouchers: int | None = None
    # decided by the plan
    customer_id: int | None = None  # the existing customer it updates
    action: str = CREATE
    changes: dict[str, object] | None = None  # fields of an existing customer it changes
    points_delta: int = 0
    spend_delta: int = 0
    holdings: list[HoldingRow] | None = None


@dataclass(slots=True)
class HoldingRow:
    """A row of the holdings sheet, read and checked: what to back-fill, and for whom."""

    row: int
    item: BackfillIn
    owner: CustomerRow | None = None  # a customer of the file
    customer_id: int | None = None  # or one the salon has (not in the file)


@dataclass
class CustomerPlan:
    """What a customer import would write, and its report."""

    file: str
    points: str
    spend: str
    report: ImportReport
    customers: list[CustomerRow] = field(default_factory=list)  # rows with no error
    orphans: list[HoldingRow] = field(default_factory=list)  # holdings of customers not
    # in the file
    codes: list[str] = field(default_factory=list)  # codes the file gives new customers

    @property
    def source(self) -> str:
        return source_of(self.file)

    def holdings(self) -> Iterable[HoldingRow]:
        for row in self.customers:
            yield from row.holdings or ()
        yield from self.orphans


def source_of(file_name: str) -> str:
    """What every entry of an import names: "import FILE" (the file's name, no folder)."""
    return f"import {file_name}"[:160]


def check_mode(value: str, *, field: str) -> str:
    from salontui.store.errors import ValidationError

    if value not in MODES:
        raise ValidationError(_("Choose add or reset."), field=field)
    return value


# -- the salon's names, read once ----------------------------------------------------------


@dataclass
class _Salon:
    conventions: cells.Conventions
    tiers: dict[str, int]  # folded name (and translations of a built-in) → id
    card_types: dict[str, str]  # folded name → the card type's name (active ones)
    plans: dict[str, CatalogItem]  # code, folded name → plan
    products: dict[str, CatalogItem]
    new_member_state: str
    phones: dict[object, Phone] = field(default_factory=dict)  # read so far, by the cell

    def phone(self, value: object) -> Phone:
        """A phone cell read (once: the holdings name the customers' phones again)."""
        found = self.phones.get(value)
        if found is None:
            found = self.phones[value] = cells.phone(value, self.conventions)
        return found


def _salon(session: Session) -> _Salon:
    settings = get_settings(session)
    conventions = cells.Conventions(region=settings.phone_region,
                                    exponent=settings.currency_exponent,
                                    locale=settings.locale, today=clock.today())
    tiers: dict[str, int] = {}
    for tier_id, name in session.execute(select(_TIER.c.id, _TIER.c.name)
                                         .where(_TIER.c.active.is_(True))):
        for spelling in (name, *translations_of(name)):
            tiers.setdefault(header_key(spelling), tier_id)
    card_types = {header_key(name): name for (name,) in session.execute(
        select(_CARD_TYPE.c.name).where(_CARD_TYPE.c.active.is_(True)))}
    plans: dict[str, CatalogItem] = {}
    products: dict[str, CatalogItem] = {}
    for item in session.execute(select(CatalogItem).where(
            col(CatalogItem.kind).in_(("package", "product")))).scalars():
        table = plans if item.kind == "package" else products
        for key in (item.code.upper(), "name:" + header_key(item.name)):
            if key not in table or (item.active and not table[key].active):
                table[key] = item
    state = (MemberState.ACTIVE if settings.new_member_active else MemberState.NOT_ACTIVATED)
    return _Salon(conventions, tiers, card_types, plans, products, str(state))


def _catalogue_item(table: dict[str, CatalogItem], typed: str) -> CatalogItem | None:
    return table.get(typed.strip().upper()) or table.get("name:" + header_key(typed))


# -- reading the customers sheet -------------------------------------------------------------


class RowReader:
    """Collects a row's errors by column while its cells are read."""

    __slots__ = ("bad", "headers", "number", "report", "sheet")

    def __init__(self, report: ImportReport, sheet: SheetReport, headers: dict[str, str],
                 number: int) -> None:
        self.report, self.sheet, self.headers, self.number = report, sheet, headers, number
        self.bad = False

    def error(self, column: str, message: str) -> None:
        self.bad = True
        self.report.add_error(self.sheet, self.number, self.headers.get(column, ""), message)

    def read(self, values: dict, column: str, reader: Callable[[object], object]):
        """The cell of ``column`` read by ``reader``, or None (empty, or an error noted)."""
        raw = values.get(column)
        if raw is None:
            return None
        try:
            return reader(raw)
        except SalonError as error:
            self.error(column, error.message)
            return None


def _cards(raw: object, conventions: cells.Conventions) -> list[tuple[str, int]]:
    """"Gold card: 500000; Spa: 200000" → [("Gold card", 500000), ("Spa", 200000)]."""
    from salontui.store.errors import ValidationError

    text = cells.text(raw, limit=MAX_CARDS_CELL)
    found: list[tuple[str, int]] = []
    for part in text.replace("\n", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, amount = part.rpartition(CARD_AMOUNT)
        if not sep:
            name, sep, amount = part.rpartition("=")
        name = " ".join(name.split())
        if not sep or not name or not amount.strip():
            raise ValidationError(_("Write each card as 'name: balance', cards separated by "
                                    "semicolons ('{text}').").format(text=quote(part)))
        if len(name) > MAX_CARD_NAME:
            raise ValidationError(_("Card name is longer than {limit} characters.").format(
                limit=MAX_CARD_NAME))
        found.append((name, cells.money(amount.strip(), conventions)))
    return found


def _read_customer(values: dict, row: RowReader, salon: _Salon) -> CustomerRow:
    c = salon.conventions
    out = CustomerRow(row=row.number)
    out.code = row.read(values, "code", lambda v: cells.line(v, limit=MAX_CODE).upper() or None)
    out.name = row.read(values, "name", lambda v: cells.line(v, limit=MAX_NAME) or None)
    out.phone = row.read(values, "phone", salon.phone)
    out.birthday = row.read(values, "birthday", lambda v: cells.day(v, c))
    if out.birthday is not None and c.today is not None and out.birthday > c.today:
        row.error("birthday", _("Birthday cannot be in the future."))
        out.birthday = None
    gender = values.get("gender")
    if gender is not None:
        out.gender = word_of(gender, GENDER_WORDS)
        if out.gender is None or out.gender not in GENDERS:
            row.error("gender", _("Gender must be female, male or other (not '{text}').")
                      .format(text=quote(gender)))
    out.email = row.read(values, "email", lambda v: cells.line(v, limit=MAX_EMAIL))
    if out.email and not check_email(out.email):
        row.error("email", _("'{email}' is not an email address.").format(
            email=quote(out.email)))
    out.address = row.read(values, "address", lambda v: cells.line(v, limit=MAX_ADDRESS))
    out.note = row.read(values, "note", lambda v: cells.text(v, limit=MAX_NOTE))
    tier = values.get("tier")
    if tier is not None:
        out.tier_id = salon.tiers.get(header_key(tier))
        if out.tier_id is None:
            row.error("tier", _("There is no tier {name} in the salon's ladder.").format(
                name=quote(tier)))
    out.points = row.read(values, "points", lambda v: cells.count(v, high=MAX_POINTS))
    out.value = row.read(values, "value", lambda v: cells.money(v, c))
    out.cards = row.read(values, "cards", lambda v: _cards(v, c))
    if out.cards:
        named = []
        for name, amount in out.cards:
            if is_general_card(name):
                named.append(("", amount))
            elif header_key(name) in salon.card_types:
                named.append((salon.card_types[header_key(name)], amount))
            else:
                row.error("cards", _("There is no card type called {name} (the back office "
                                     "lists them).").format(name=quote(name)))
        out.cards = named
    out.debt = row.read(values, "debt", lambda v: cells.money(v, c))
    out.spend = row.read(values, "spend", lambda v: cells.money(v, c))
    out.vouchers = row.read(values, "vouchers", lambda v: cells.money(v, c))
    return out


# -- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    id: int
    code: str
    name: str
    phone: str
    member_state: str
    deleted: bool
    tier_id: int | None


def chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def known_customers(session: Session, *, phones: Iterable[Phone], codes: Iterable[str],
           ids: Iterable[int] = ()) -> tuple[dict[str, Known], dict[str, Known],
                                             dict[int, Known]]:
    """The salon's customers with these phones (live only) or codes (deleted too), or ids."""
    columns = (_C.c.id, _C.c.code, _C.c.name, _C.c.phone, _C.c.member_state,
               _C.c.deleted_at, _C.c.tier_id)
    by_phone: dict[str, Known] = {}
    by_code: dict[str, Known] = {}
    by_id: dict[int, Known] = {}

    def keep(rows) -> None:
        for cid, code, name, phone, state, deleted_at, tier_id in rows:
            known = Known(cid, code, name, phone, state, deleted_at is not None, tier_id)
            by_id[cid] = known
            by_code[code.upper()] = known
            if not known.deleted:
                by_phone.setdefault(phone, known)

    wanted = {p.national_digits: p.e164 for p in phones}
    for chunk in chunks(sorted(wanted)):
        keep(session.execute(select(*columns).where(_C.c.phone_national.in_(chunk))
                             .order_by(_C.c.id)))
    for chunk in chunks(sorted(set(codes))):
        keep(session.execute(select(*columns).where(_C.c.code.in_(chunk))))
    for chunk in chunks(sorted(set(ids) - by_id.keys())):
        keep(session.execute(select(*columns).where(_C.c.id.in_(chunk))))
    by_phone = {e164: k for e164, k in by_phone.items() if k.phone == e164}
    return by_phone, by_code, by_id


def _duplicates(rows: list[tuple[CustomerRow, RowReader]]) -> None:
    """Two rows with one phone (or one code): both refused, each naming the other."""
    for key, column, message in (
            (lambda r: r.phone.e164 if r.phone else None, "phone",
             _("Row {other} has the same phone: neither row is imported.")),
            (lambda r: r.code, "code",
             _("Row {other} has the same code: neither row is imported."))):
        seen: dict[str, list[tuple[CustomerRow, RowReader]]] = {}
        for pair in rows:
            value = key(pair[0])
            if value:
                seen.setdefault(value, []).append(pair)
        for same in seen.values():
            if len(same) < 2:
                continue
            for out, row in same:
                others = ", ".join(str(o.row) for o, _r in same if o is not out)
                row.error(column, message.format(other=others))


_FIELDS = ("name", "birthday", "gender", "email", "address", "note")


def _match(out: CustomerRow, row: RowReader, by_phone: dict[str, Known],
           by_code: dict[str, Known]) -> Known | None:
    """The existing customer the row is, or None (a new one); errors noted on ``row``."""
    by_p = by_phone.get(out.phone.e164) if out.phone else None
    by_c = by_code.get(out.code) if out.code else None
    if by_c is not None and by_c.deleted:
        row.error("code", _("{code} is a deleted customer's code: restore them first, or "
                            "leave the code empty.").format(code=by_c.code))
        return None
    if by_p is not None and by_c is not None and by_p.id != by_c.id:
        row.error("code", _("The phone is {phone_code}'s but the code is {code}'s.").format(
            phone_code=by_p.code, code=by_c.code))
        return None
    if by_p is not None and by_c is None and out.code and out.code != by_p.code:
        row.error("code", _("{code} {name} has this phone, but the row gives the code "
                            "{other}.").format(code=by_p.code, name=by_p.name, other=out.code))
        return None
    found = by_p or by_c
    if found is None:  # a new customer: a name and a phone
        if not out.name:
            row.error("name", _("Name is required."))
        if out.phone is None and not row.bad:
            row.error("phone", _("Phone is required."))
        return None
    if by_p is None and out.phone is not None and found.member_state != \
            MemberState.NOT_ACTIVATED:
        row.error("phone", _("{code} {name} has another phone: a member's phone is changed "
                             "at the desk, with a manager (Change phone).").format(
            code=found.code, name=found.name))
        return None
    return found


# -- the plan ----------------------------------------------------------------------------------


def plan_customers(session: Session, book: Spreadsheet, *, points: str = ADD,
                   spend: str = ADD, dry_run: bool = True, skip_bad_rows: bool = False,
                   holdings: Spreadsheet | None = None,
                   progress: Progress | None = None) -> CustomerPlan:
    """Read and check every row of ``book`` (and of ``holdings``, a second file holding the
    holdings sheet) against the salon; nothing is written (see the module)."""
    check_mode(points, field="points")
    check_mode(spend, field="spend")
    report = ImportReport(file=book.file_name, what=CUSTOMERS, dry_run=dry_run,
                          options={"points": points, "spend": spend,
                                   "skip_bad_rows": skip_bad_rows})
    plan = CustomerPlan(file=book.file_name, points=points, spend=spend, report=report)
    salon = _salon(session)
    customer_sheet = book.sheet(CUSTOMERS)
    holding_sheet = book.sheet(HOLDINGS) or (holdings.sheet(HOLDINGS) if holdings else None)
    if customer_sheet is None and holding_sheet is None:
        from salontui.store.errors import ValidationError

        raise ValidationError(_("{file} has neither a customers sheet nor a holdings sheet.")
                              .format(file=quote(book.file_name)), field="path")
    pairs: list[tuple[CustomerRow, RowReader]] = []
    if customer_sheet is not None:
        pairs = _read_customers(customer_sheet, report, salon, progress)
    _decide(session, plan, pairs, salon)
    if holding_sheet is not None:
        _read_holdings(session, plan, holding_sheet, pairs, salon, progress)
    if customer_sheet is not None:
        sheet = report.sheet(CUSTOMERS)
        assert sheet is not None
        plan.customers = [out for out, row in pairs if not row.bad]
        for out in plan.customers:
            if out.action == SKIP and out.holdings:
                out.action = UPDATE
            {CREATE: sheet.create, UPDATE: sheet.update, SKIP: sheet.skip}[out.action].append(
                out.row)
    plan.codes = [out.code for out in plan.customers if out.action == CREATE and out.code]
    _count_changes(plan)
    return plan


def _read_customers(sheet: Sheet, report: ImportReport, salon: _Salon,
                    progress: Progress | None) -> list[tuple[CustomerRow, RowReader]]:
    sheet_report = SheetReport(name=sheet.name, kind=CUSTOMERS)
    report.sheets.append(sheet_report)
    headers = sheet.header.headers
    pairs = []
    for number, values in sheet.rows():
        row = RowReader(report, sheet_report, headers, number)
        pairs.append((_read_customer(values, row, salon), row))
        sheet_report.rows += 1
        if progress is not None and sheet_report.rows % 1000 == 0:
            progress(sheet_report.rows, 0)
    _duplicates(pairs)
    return pairs


def _decide(session: Session, plan: CustomerPlan, pairs: list[tuple[CustomerRow, RowReader]],
            salon: _Salon) -> None:
    """Match each good row with the salon's customers and decide what it does."""
    by_phone, by_code, _by_id = known_customers(
        session, phones=[o.phone for o, _r in pairs if o.phone],
        codes=[o.code for o, _r in pairs if o.code])
    matched: list[tuple[CustomerRow, RowReader, Known]] = []
    for out, row in pairs:
        was_bad = row.bad
        if was_bad and out.phone is None and out.code is None:
            continue
        found = _match(out, row, by_phone, by_code)  # a bad row too: all its errors said
        if row.bad or was_bad:
            continue
        if found is None:
            out.action = CREATE
            out.points_delta = out.points or 0
            out.spend_delta = out.spend or 0
            continue
        out.customer_id = found.id
        matched.append((out, row, found))
    if not matched:
        return
    ids = [found.id for _o, _r, found in matched]
    current = _rows_of(session, ids)
    points_now = _points_of(session, ids) if plan.points == RESET else {}
    for out, row, found in matched:
        customer = current[found.id]
        changes: dict[str, object] = {}
        for name in _FIELDS:
            value = getattr(out, name)
            if value is not None and value != getattr(customer, name):
                changes[name] = value
        if out.phone is not None and out.phone.e164 != customer.phone:
            changes["phone"] = out.phone
        out.changes = changes or None
        excluded = customer.member_state == MemberState.EXCLUDED
        if out.points is not None:
            out.points_delta = (out.points if plan.points == ADD
                                else out.points - points_now.get(found.id, 0))
        if out.spend is not None:
            out.spend_delta = (out.spend if plan.spend == ADD
                               else out.spend - _spend_now(session, found.id))
        if excluded and out.points_delta:
            row.error("points", _("{name} is excluded from the loyalty program: no points can "
                                  "be given or taken.").format(name=customer.name))
        if excluded and out.spend_delta:
            row.error("spend", _("{name} is excluded from the loyalty program: no spend can be "
                                 "given or taken.").format(name=customer.name))
        moves = (out.points_delta or out.spend_delta or out.value or out.cards or out.debt
                 or out.vouchers or (out.tier_id is not None and out.tier_id != found.tier_id))
        out.action = UPDATE if changes or moves else SKIP


def _rows_of(session: Session, ids: list[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    for chunk in chunks(ids):
        for customer in session.execute(select(Customer).where(
                col(Customer.id).in_(chunk))).scalars():
            found[stored_id(customer)] = customer
    return found


def _points_of(session: Session, ids: list[int]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for chunk in chunks(ids):
        for cid, total in session.execute(
                select(_LE.c.customer_id, func.sum(_LE.c.amount))
                .where(_LE.c.customer_id.in_(chunk), _LE.c.account == "points")
                .group_by(_LE.c.customer_id)):
            totals[cid] = int(total or 0)
    return totals


def _spend_now(session: Session, customer_id: int) -> int:
    from salontui.store.loyalty.tiers import ranking_spend

    return ranking_spend(session, customer_id)


# -- the holdings sheet ----------------------------------------------------------------------


def _read_holdings(session: Session, plan: CustomerPlan, sheet: Sheet,
                   pairs: list[tuple[CustomerRow, RowReader]], salon: _Salon,
                   progress: Progress | None = None) -> None:
    report = plan.report
    sheet_report = SheetReport(name=sheet.name, kind=HOLDINGS)
    report.sheets.append(sheet_report)
    headers = sheet.header.headers
    file_by_phone = {out.phone.e164: (out, row) for out, row in pairs if out.phone}
    file_by_code = {out.code: (out, row) for out, row in pairs if out.code}
    read: list[tuple[HoldingRow, RowReader, Phone | None, str | None]] = []
    before = len(pairs)
    for number, values in sheet.rows():
        sheet_report.rows += 1
        if progress is not None and sheet_report.rows % 1000 == 0:
            progress(before + sheet_report.rows, 0)
        row = RowReader(report, sheet_report, headers, number)
        phone = row.read(values, "phone", salon.phone)
        code = row.read(values, "code", lambda v: cells.line(v, limit=MAX_CODE).upper() or None)
        if values.get("phone") is None and values.get("code") is None:
            row.error("phone", _("Say whose it is: the customer's phone or code."))
        item = _read_holding(values, row, salon)
        if item is not None:
            read.append((HoldingRow(row=number, item=item), row, phone, code))
    outside_phones = [p for _h, _r, p, _c in read if p and p.e164 not in file_by_phone]
    outside_codes = [k for _h, _r, _p, k in read if k and k not in file_by_code]
    by_phone, by_code, _ids = known_customers(session, phones=outside_phones, codes=outside_codes)
    for holding, row, phone, code in read:
        if row.bad:
            continue
        mine = (file_by_phone.get(phone.e164) if phone else None) or \
            (file_by_code.get(code) if code else None)
        if mine is not None:
            owner, owner_row = mine
            if owner_row.bad:
                row.error("", _("The customer's row {row} is in error: this row is not "
                                "imported either.").format(row=owner.row))
                continue
            holding.owner = owner
            (owner.holdings if owner.holdings is not None
             else _set_holdings(owner)).append(holding)
            continue
        known = (by_phone.get(phone.e164) if phone else None) or \
            (by_code.get(code) if code else None)
        if known is None or known.deleted:
            row.error("phone" if phone else "code", _(
                "No customer has this phone or code, in the file or in the salon."))
            continue
        holding.customer_id = known.id
        plan.orphans.append(holding)


def _set_holdings(owner: CustomerRow) -> list[HoldingRow]:
    owner.holdings = []
    return owner.holdings


def _read_holding(values: dict, row: RowReader, salon: _Salon) -> BackfillIn | None:
    c = salon.conventions
    kind_cell = values.get("kind")
    kind = word_of(kind_cell, KIND_WORDS, KIND_LABELS) if kind_cell is not None else None
    if kind is None:
        row.error("kind", _("Say what it is: package, time, gift, top-up or product.")
                  if kind_cell is None else
                  _("'{text}' is not a kind this import knows: package, time, gift, top-up "
                    "or product.").format(text=quote(kind_cell)))
        return None
    note = row.read(values, "note", lambda v: cells.line(v, limit=MAX_HOLDING_NOTE)) or ""
    paid = row.read(values, "paid", lambda v: cells.money(v, c))
    if kind == TOPUP:
        return _topup(values, row, salon, paid, note)
    if kind == PRODUCT:
        return _product(values, row, salon, paid, note)
    return _package(values, row, salon, kind, paid, note)


def _topup(values: dict, row: RowReader, salon: _Salon, paid: int | None,
           note: str) -> BackfillIn | None:
    credited = row.read(values, "credited", lambda v: cells.money(v, salon.conventions))
    card = row.read(values, "card", lambda v: cells.line(v, limit=MAX_CARD_NAME)) or ""
    if is_general_card(card):
        card = ""
    elif card:
        name = salon.card_types.get(header_key(card))
        if name is None:
            row.error("card", _("There is no card type called {name} (the back office lists "
                                "them).").format(name=quote(card)))
        card = name or card
    amount = credited if credited is not None else paid
    if amount is None:
        row.error("credited", _("A top-up needs the balance left on the card (or what was "
                                "paid)."))
    elif amount == 0:
        row.error("credited", _("The balance left is 0: there is nothing to bring in."))
    if row.bad or amount is None:
        return None
    return BackfillIn(kind=BackfillKind.VALUE.value, amount=amount,
                      paid=paid if paid is not None else amount, card_name=card, note=note)


def _product(values: dict, row: RowReader, salon: _Salon, paid: int | None,
             note: str) -> BackfillIn | None:
    typed = values.get("product")
    item = None
    if typed is None:
        row.error("product", _("Say which product (its code or name)."))
    else:
        item = _catalogue_item(salon.products, str(typed))
        if item is None:
            row.error("product", _("There is no product {name} in the catalogue.").format(
                name=quote(typed)))
    quantity = row.read(values, "quantity", lambda v: cells.count(v, high=MAX_QUANTITY))
    if values.get("quantity") is None:
        quantity = 1
    elif quantity == 0:
        row.error("quantity", _("Type a quantity from 1 to {limit}.").format(
            limit=MAX_QUANTITY))
    if row.bad or item is None or not quantity:
        return None
    return BackfillIn(kind=BackfillKind.PRODUCT.value, item_id=item.id, quantity=quantity,
                      paid=paid or 0, note=note)


def _package(values: dict, row: RowReader, salon: _Salon, kind: str, paid: int | None,
             note: str) -> BackfillIn | None:
    c = salon.conventions
    today = c.today or clock.today()
    typed = values.get("package")
    plan_item = _catalogue_item(salon.plans, str(typed)) if typed is not None else None
    total = row.read(values, "sessions", lambda v: cells.count(v, high=MAX_SESSIONS))
    used = row.read(values, "used", lambda v: cells.count(v, high=MAX_SESSIONS))
    left = row.read(values, "left", lambda v: cells.count(v, high=MAX_SESSIONS))
    purchased = row.read(values, "purchased", lambda v: cells.day(v, c))
    expires = row.read(values, "expires", lambda v: cells.day(v, c))
    package_kind = {PACKAGE: "count", TIME: "time", GIFT: "gift"}[kind]
    if plan_item is not None and plan_item.package_kind:
        if kind == PACKAGE and plan_item.package_kind in ("time", "gift"):
            package_kind = plan_item.package_kind
        if plan_item.package_kind == "gift" and kind != GIFT:
            row.error("kind", _("This plan is a gift: give its kind as gift."))
        if plan_item.package_kind == "time" and kind == GIFT:
            row.error("kind", _("This plan is a time card, not a gift."))
    name = ""
    if typed is None:
        row.error("package", _("Say which package: the plan's code or name."))
    elif plan_item is None:
        name = cells.line(typed, limit=MAX_PACKAGE_NAME + 1)
        if len(name) > MAX_PACKAGE_NAME:
            row.error("package", _("Name is longer than {limit} characters.").format(
                limit=MAX_PACKAGE_NAME))
        missing = total is None if package_kind != "time" else expires is None
        if missing or (paid is None and package_kind != "gift"):
            row.error("package", _(
                "There is no plan {name} in the catalogue: add it there, or give this row "
                "its sessions (a time card its expiry) and the price paid.").format(
                name=quote(typed)))
    if total is None and plan_item is not None and package_kind != "time":
        total = plan_item.sessions
    if package_kind == "time":
        if total:
            row.error("sessions", _("A time card has no session count: it is used any "
                                    "number of times until it expires."))
    elif total is not None and total < 1:
        row.error("sessions", _("A package has at least one session."))
    if used is None and left is not None and total is not None:
        used = total - left
        if used < 0:
            row.error("left", _("More sessions left ({left}) than the package has "
                                "({total}).").format(left=left, total=total))
    if used is not None and total is not None and package_kind != "time" and used > total:
        row.error("used", _("Sessions used ({used}) cannot be more than the {total} sessions "
                            "of the package.").format(used=used, total=total))
    if package_kind == "gift":
        if paid:
            row.error("paid", _("A gift package is free: its price must be 0."))
        paid = 0
    elif paid is None and plan_item is not None:
        paid = plan_item.price
    if purchased is not None and purchased > today:
        row.error("purchased", _("The purchase date cannot be in the future."))
    if expires is None and plan_item is not None and plan_item.validity_days:
        expires = expiry_from_validity(activated_on=purchased or today,
                                       validity_days=plan_item.validity_days)
        column = "purchased"
    else:
        column = "expires"
    if expires is None and not row.bad:
        row.error("expires", _("Give the expiry date (the plan has no validity).")
                  if plan_item is not None else _("Give the expiry date."))
    elif expires is not None:
        if expires < today:
            row.error(column, _("The package expired on {date}: there is nothing left to "
                                "bring in.").format(date=show_date(expires)))
        elif expires > latest_expiry(today):
            row.error(column, _("The expiry date {date} is too far ahead.").format(
                date=show_date(expires)))
        elif purchased is not None and expires < purchased:
            row.error(column, _("The expiry date cannot be before the purchase date."))
    if paid is not None and paid > MAX_AMOUNT_MINOR:
        row.error("paid", _("That amount is too large."))
    if row.bad:
        return None
    return BackfillIn(
        kind=(BackfillKind.GIFT if package_kind == "gift" else BackfillKind.PACKAGE).value,
        plan_id=plan_item.id if plan_item is not None else None, name=name,
        package_kind=package_kind, paid=paid or 0,
        sessions_total=None if package_kind == "time" else total,
        sessions_used=used or 0, purchased_on=purchased, expires_on=expires, note=note)


# -- counting -------------------------------------------------------------------------------------


def _count_changes(plan: CustomerPlan) -> None:
    """What the plan writes, by kind (the report's "changes")."""
    counts: dict[str, int] = {}

    def add(key: str, n: int = 1) -> None:
        counts[key] = counts.get(key, 0) + n

    for out in plan.customers:
        if out.points_delta:
            add("points")
        if out.spend_delta:
            add("spend")
        if out.value:
            add("value")
        for _card in out.cards or ():
            add("value")
        if out.debt:
            add("debt")
        if out.vouchers:
            add("voucher")
    for holding in plan.holdings():
        add(holding.item.kind)
    plan.report.changes = counts
