"""A realistic demo salon in Đà Nẵng, built in bulk and deterministic per seed.

``build_demo(url, customers=N, seed=S)`` migrates the database, then writes a
salon's whole history: settings, staff, a catalog in VND, customers with
Vietnamese names and mobile numbers, packages in every status, stored-value
cards, points, debt, vouchers (given by hand with a reason, paid with, one given
back by a refund), products paid and left at the salon (most handed over later,
some still to collect), care notes, promotions, about ten invoices per customer (a
few regulars have about a thousand) and an appointment book: staff working days
and this week's exceptions, the history's appointments with their lines and
history, today's day at every branch (visits paid, at the cashier, expected, a
no-show, a cancellation, follow-ups done and not yet), reminders due (callbacks,
birthdays this week, packages expiring soon, debt) and bookings ahead; and this
afternoon the salon's paper book brought in by back-fill (packages with the worked
example 5,980,000 over 10 sessions with 2 used, a product to collect, a card's
balance, points and vouchers; one back-fill reversed).

How it stays fast (100,000 customers and ~950,000 invoices in about 35 s on
this project's small 2-core test machine, where Python runs single-core): the
history is *simulated in time order* in plain Python (every visit of every
customer, sorted by time once; per-customer figures in one typed array, one
cache line per customer), and the rows go to SQLite through ``executemany``
in large batches on one raw connection, one transaction, with constant
columns as SQL literals and NULLs as ``nullif(?, 0)`` (binding Python's None
is slow). Secondary indexes whose inserts would not be appends are dropped
for the load and created again afterwards from the very SQL the migration
stored in ``sqlite_master``; the append-only triggers are only dropped to
empty the tables (``replace=True``) and are put back the same way. The
rollback journal lives in memory (nearly free on a new file, and a failure
still rolls everything back), the garbage collector is paused, and WAL is
restored at the end. PostgreSQL gets the same rows by COPY, each table's batch
as it fills (so memory holds a batch per table, not the salon), in one
transaction with the foreign keys and secondary indexes dropped for the load
and put back afterwards (which checks every row against them): about as fast
as SQLite (``bench/bench_demo.py``). Any other engine gets them through
SQLAlchemy Core bulk inserts, in dependency order (slower).

What makes the data trustworthy: it is written the way the store writes it.
The back office (catalogue, payment methods, card types, promotion programmes,
customer groups, the care catalogue, the loyalty tiers) is not simulated at all: the
store's own functions make it, on a scratch database migrated like any other, and the
load writes the rows they made and their audit rows as they are (``office.py``). Each
simulated visit follows the checkout's rules, calling the very functions the desk calls
(``store/rules.py``: line amounts, session values, package status, freeze and
resume, points earned and taken back, debt, a card type's bonus, a programme's
share of the sale): lines, payments adding up to the total, a ledger entry
per stored-value, points or on-account payment, per top-up and per debt
repayment, points earned by active members on what they paid with money;
package sessions move only by ``package_event`` rows and only while the
package is in use; balances never go below zero because each customer's
history is replayed in time order. What is typed in by hand today (the paper book's
back-fills) is done by the store's own functions on a scratch database, like the
back office, and the rows they wrote are loaded as they are (``books.py``).
``salontui check`` proves all of it on the result.

A chain (``branches=N``, ``salontui demo --branches N``): the salon is the first
branch (code "1", no invoice prefix: its invoices keep the chain's HD000001 counter)
and up to seven more in and around Đà Nẵng open one after another over the first 40%
of the history, each with its manager, receptionists and technicians and its own
invoice prefix and counter (TK-HD000001, counter ``invoice:2``). Each customer has a
home branch (one open when they joined) and about one visit in ten goes to another
one open by then; a refund is written where its sale was. Where a visit happens is
drawn from a second stream (``branch_rng``), so the main one, and with it the
customers and their history, is the single salon's; with one branch the rows are
exactly a single salon's (staff, invoices and appointments say NULL). In a chain
every invoice and appointment names its branch, and every staff member but the owner
(NULL: every branch).

Deterministic: one ``random.Random(seed)`` drives everything and every time
derives from ``today`` (default: the store clock's today), so the same seed
and day give the same rows (today's book draws from a stream of its own,
``day:<seed>``, so that the history is the same whatever the book holds). The
demo's "now" is 15:00 at the salon that day, or the clock's time when the demo
is built earlier that day: nothing it writes happened later than now (only
bookings start in the future). Times are whole minutes, naive UTC, in
SQLAlchemy's storage format; the salon's day is UTC+7.

Split by what it builds: ``catalog_data.py`` (the salon's tables: staff,
services, prices, plans, methods, card types, programmes, groups, names),
``office.py`` (the back office, through the store's functions), ``calendar.py``
(minutes and days to stored strings), ``sinks.py`` (the INSERT shapes, the
SQLite, COPY and SQLAlchemy sinks, sealing), ``people.py`` (the salon's fixed
part and its customers), ``history.py`` (the visits, simulated in time order),
``day.py`` (the appointment book: staff weeks, appointments, today, bookings ahead),
``loyalty.py`` (each customer ranked in the tiers set up this afternoon by their spend
over the salon's 12 months, a few moved up by hand, adjustment tickets, vouchers bought
with points, phones changed), ``books.py`` (vouchers and products left at the salon in
the history, the paper book's back-fills), ``build.py`` (the builder that runs the steps, the SQLite
bulk load and :func:`build_demo`) and ``postgres.py`` (the PostgreSQL bulk load, and
``replace`` there).
"""

from salontui.store.demo.build import (
    MAX_BRANCHES,
    MAX_BUSIEST,
    MAX_CUSTOMERS,
    DemoStats,
    Progress,
    _build_core,
    _build_postgres,
    _build_sqlite,
    _Builder,
    build_demo,
)

__all__ = ["MAX_BRANCHES", "MAX_BUSIEST", "MAX_CUSTOMERS", "DemoStats", "Progress", "_Builder",
           "_build_core", "_build_postgres", "_build_sqlite", "build_demo"]
