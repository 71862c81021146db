"""The customer header: everything the salon owes the customer and they owe it, at a glance.

Three statements (the customer with their balances, vouchers, products to collect and
spend; the cards; the packages about to expire), run on the session's own cursor: the
header is redrawn after every change, so it is a hot path (target ≤ 5 ms at 100k
customers and 1M invoices; see bench/). Balances come from the ledgers,
never from a stored total.

Spend ("Spent" in the header, and what tiers rank) is :data:`SPEND_SQL`: see
:func:`total_spend` for the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from salontui.i18n import _
from salontui.store import clock
from salontui.store.db import fetch_all
from salontui.store.errors import NotFound
from salontui.store.ledger import CardBalance, card_sort_key
from salontui.store.package_reads import IN_USE, PackageRow, package_row

EXPIRING_WITHIN_DAYS = 30


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    code: str
    name: str
    phone: str
    tier: str
    member_state: str
    points: int
    cards: list[CardBalance]
    debt: int
    total_spend: int
    created_at: datetime
    deleted_at: datetime | None
    birthday: date | None
    gender: str
    email: str
    address: str
    note: str
    updated_at: datetime
    expiring: list[PackageRow]
    group_id: int | None = None  # the customer's group (VIP…), and its name for the header
    group_name: str = ""
    member_reason: str = ""  # why the member is excluded
    vouchers: int = 0  # the voucher balance (store/books/vouchers.py)
    to_collect: int = 0  # products paid for and not yet collected (books/held_products.py)


# Spend (see total_spend) in one scalar SQL of the customer ``:c``: the totals of their
# sales and refunds, corrected on the few invoices with something that is not spend on
# them (paid by points, vouchers or waived, and by stored value when a top-up counts when
# paid: the kind of its method in the salon's list; a top-up's line when it counts when
# spent; debt repaid, as the debt ledger records it per invoice): on those, total − that
# part, and a sale never lowers spend nor a refund raises it. Joins, not a subquery per
# invoice: 9 ms at 20,000 invoices. ``since``: only the invoices from ``:since`` to
# ``:until`` (a tier's rolling period).
TOPUP_PAID, TOPUP_SPENT = "paid", "spent"
TOPUP_SPEND_CHOICES = (TOPUP_PAID, TOPUP_SPENT)


def spend_sql(topup: str = TOPUP_PAID, *, since: bool = False) -> str:
    """:data:`SPEND_SQL` for one choice of when a top-up counts (``paid`` or ``spent``);
    with ``since``, over the invoices created from ``:since`` to ``:until``."""
    if topup not in TOPUP_SPEND_CHOICES:
        raise ValueError(f"not a top-up choice: {topup!r}")
    period = (" AND {alias}.created_at >= :since AND {alias}.created_at <= :until"
              if since else "")
    kinds = ("'value', 'points', 'voucher', 'waived'" if topup == TOPUP_PAID
             else "'points', 'voucher', 'waived'")
    topups = "" if topup == TOPUP_PAID else f"""
    UNION ALL
    SELECT l.invoice_id, l.amount FROM invoice j
      JOIN invoice_line l ON l.invoice_id = j.id
      WHERE j.customer_id = :c AND l.kind = 'topup'{period.format(alias="j")}"""
    not_spend = f"""SELECT x.id AS id, sum(x.a) AS off FROM (
    SELECT p.invoice_id AS id, p.amount AS a FROM invoice j
      JOIN payment p ON p.invoice_id = j.id
      WHERE j.customer_id = :c{period.format(alias="j")}
        AND p.method IN (SELECT code FROM payment_method WHERE kind IN ({kinds})){topups}
    UNION ALL
    SELECT e.ref_id, -e.amount FROM ledger_entry e
      WHERE e.customer_id = :c AND e.account = 'debt' AND e.kind = 'repay'
        AND e.ref_type = 'invoice') x
  GROUP BY x.id"""
    return f"""((SELECT coalesce(sum(total), 0) FROM invoice
    WHERE customer_id = :c AND kind IN ('sale', 'refund'){period.format(alias="invoice")})
  + (SELECT coalesce(sum(CASE WHEN s.kind = 'sale' AND s.paid > 0 THEN s.paid
                              WHEN s.kind = 'refund' AND s.paid < 0 THEN s.paid
                              ELSE 0 END - s.total), 0)
     FROM (SELECT i.kind AS kind, i.total AS total, i.total - o.off AS paid
           FROM ({not_spend}) o JOIN invoice i ON i.id = o.id
           WHERE i.kind IN ('sale', 'refund'){period.format(alias="i")}) s))"""


# The salon's choice, read in the same statement (no settings row: the default, spent).
SPEND_SQL = f"""(CASE WHEN coalesce((SELECT topup_spend FROM salon_settings WHERE id = 1),
    '{TOPUP_SPENT}') = '{TOPUP_PAID}' THEN {spend_sql(TOPUP_PAID)}
  ELSE {spend_sql(TOPUP_SPENT)} END)"""

_CUSTOMER = f"""
SELECT c.id, c.code, c.name, c.phone, c.tier, c.member_state,
  (SELECT coalesce(sum(amount), 0) FROM ledger_entry
    WHERE customer_id = c.id AND account = 'points'),
  (SELECT coalesce(sum(amount), 0) FROM ledger_entry
    WHERE customer_id = c.id AND account = 'debt'),
  {SPEND_SQL},
  c.created_at, c.deleted_at, c.birthday, c.gender, c.email, c.address, c.note, c.updated_at,
  c.group_id, (SELECT name FROM customer_group WHERE id = c.group_id), c.member_reason,
  (SELECT coalesce(sum(amount), 0) FROM ledger_entry
    WHERE customer_id = c.id AND account = 'voucher'),
  (SELECT coalesce(sum(quantity), 0) FROM held_product_entry WHERE customer_id = c.id)
FROM customer c WHERE c.id = :c
"""
_CARDS = """
SELECT v.id, v.name, coalesce((SELECT sum(amount) FROM ledger_entry
  WHERE customer_id = v.customer_id AND account = 'value' AND card_id = v.id), 0)
FROM value_card v WHERE v.customer_id = :c
"""
_EXPIRING = """
SELECT id, customer_id, name, kind, price, purchased_on, activated_on, expires_on, total_uses,
  used, frozen_from, frozen_until, plan_id
FROM customer_package WHERE customer_id = :c AND expires_on >= :a AND expires_on <= :b
  AND closed_on IS NULL
ORDER BY expires_on, id
"""


def _dt(value) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> datetime:
    """A NOT NULL time column (created_at, updated_at): :func:`_dt`, never None."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _d(value) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def total_spend(session: Session, *, customer_id: int) -> int:
    """What the customer has paid for services, products and packages, net of refunds.

    The one rule of spend, for the header's "Spent" and for tiers (which count it over
    their rolling period: ``loyalty.tiers.ranking_spend``):

    * Money put on a stored-value card counts once, when the salon's setting
      (``topup_spend``) says:

      - ``paid``: **when it is put on the card**, at the price paid (a 10,000,000
        top-up crediting 11,000,000 adds 10,000,000); paying later from the card
        adds nothing;
      - ``spent`` (the default): **when it is spent**: the top-up adds nothing, a
        sale paid from the card adds what it took from the card (a bonus credited
        counts as it is spent), and a refund back onto the card takes it off again.
    * A sale on account counts when it is sold (the customer owes it); repaying
      the debt adds nothing, alone or on the same invoice as a sale.
    * Paid with points or vouchers, or waived by the salon: not money the customer paid,
      so not spend (the same base points are earned on).
    * A refund subtracts what it pays back in money (and, under ``spent``, onto a
      card); under ``paid`` a refund back onto a card subtracts nothing (paying from
      the card added nothing). A sale never lowers spend and a refund never raises it.

    Per invoice: total − debt repaid on it − paid by points, vouchers or waived − paid by card
    (``paid``) or its top-up lines (``spent``), summed over sales and refunds: one SQL,
    :data:`SPEND_SQL`, of the customer ``:c``, which the header's statement embeds and
    which reads the setting itself (:func:`spend_sql` writes either choice).
    """
    return int(fetch_all(session, f"SELECT {SPEND_SQL}", {"c": customer_id})[0][0])


def customer_summary(session: Session, *, customer_id: int,
                     today: date | None = None) -> CustomerSummary:
    today = today or clock.today()
    found = fetch_all(session, _CUSTOMER, {"c": customer_id})
    if not found:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    r = found[0]
    cards = sorted((CardBalance(card_id=cid, name=name, balance=int(balance))
                    for cid, name, balance in fetch_all(session, _CARDS, {"c": customer_id})),
                   key=card_sort_key)
    window = {"c": customer_id, "a": today.isoformat(),
              "b": (today + timedelta(days=EXPIRING_WITHIN_DAYS)).isoformat()}
    expiring = []
    for p in fetch_all(session, _EXPIRING, window):
        row = package_row(id=p[0], customer_id=p[1], name=p[2], kind=p[3], price=p[4],
                          purchased_on=_d(p[5]), activated_on=_d(p[6]), expires_on=_d(p[7]),
                          total_uses=p[8], used=p[9], frozen_from=_d(p[10]),
                          frozen_until=_d(p[11]), plan_id=p[12], today=today)
        if row.status == IN_USE:
            expiring.append(row)
    return CustomerSummary(
        id=r[0], code=r[1], name=r[2], phone=r[3], tier=r[4], member_state=r[5],
        points=int(r[6]), cards=cards, debt=int(r[7]), total_spend=int(r[8]),
        created_at=_moment(r[9]), deleted_at=_dt(r[10]), birthday=_d(r[11]), gender=r[12],
        email=r[13], address=r[14], note=r[15], updated_at=_moment(r[16]), expiring=expiring,
        group_id=r[17], group_name=r[18] or "", member_reason=r[19] or "",
        vouchers=int(r[20]), to_collect=int(r[21]),
    )
