"""What the builder's parts share through ``self``, declared once for the type checker.

:class:`salontui.store.demo.build._Builder` mixes in ``_People`` (people.py),
``_History`` (history.py), ``_Day`` (day.py), ``_Loyalty`` (loyalty.py) and ``_Books``
(books.py); their methods read the random stream, calendar, shapes and per-customer
figures that the builder's ``__init__`` and the earlier steps set. Every part derives
from :class:`_State`, which only annotates those attributes (it
sets nothing: the builder still makes every one of them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random
    from array import array
    from collections.abc import Callable
    from datetime import date

    from salontui.store.demo.calendar import _Calendar
    from salontui.store.demo.day import _Visit
    from salontui.store.demo.history import _Package
    from salontui.store.demo.office import BackOffice, Program
    from salontui.store.demo.sinks import _CopySink, _CoreSink, _Shape, _SqliteSink


class _State:
    """The attributes the builder's parts share (annotations only)."""

    # Set by the builder's __init__.
    n: int
    busiest: int
    seed: int
    today: date
    rng: random.Random
    sink: _SqliteSink | _CopySink | _CoreSink
    progress: Callable[[str, float], object]
    cal: _Calendar
    today_i: int
    now_t: int
    # The chain (1: a single salon): branch values index the per-branch lists (0 alone
    # for a single salon, whose rows say NULL; 1..branches for a chain).
    branches: int
    branch_rng: random.Random
    first_branch: int
    branch_opened: list[int]  # when each branch opened (minutes, like every instant)
    # The shapes (one INSERT per table), made by the builder's _shapes.
    s_settings: _Shape
    s_branch: _Shape
    s_staff: _Shape
    s_staff_day: _Shape
    office_shapes: dict[str, _Shape]  # the back office's tables (office.py)
    s_customer: _Shape
    s_name_key: _Shape
    s_card: _Shape
    s_invoice: _Shape
    s_package: _Shape
    s_line: _Shape
    s_payment: _Shape
    s_ledger: _Shape
    s_event: _Shape
    s_appointment: _Shape
    s_appt_line: _Shape
    s_appt_event: _Shape
    s_reminder_done: _Shape
    s_care: _Shape
    s_promo: _Shape
    s_counter: _Shape
    s_audit: _Shape
    s_tier_event: _Shape
    s_customer_phone: _Shape
    s_ticket: _Shape
    s_ticket_line: _Shape
    s_backfill: _Shape
    s_held: _Shape
    shapes: list[_Shape]
    # The salon (people.py's salon): the back office as its functions made it, weighted
    # lookup tables, the programmes; the back office's audit rows not written yet (the
    # next last) and the stream of what it adds to the history.
    office: BackOffice
    office_rng: random.Random
    office_audit: list[tuple]
    service_table: list[int]
    plan_table: list[int]
    programs: tuple[Program, ...]
    # The branches (people.py's salon): per branch, its invoice code prefix and who does
    # each first-branch staff member's job there.
    code_heads: list[str]
    staff_of: list[list[int]]
    # The staff's weeks (Monday..Sunday 1/0, by staff id), names, each branch's technicians.
    work_days: dict[int, str]
    staff_names: dict[int, str]
    technicians_of: list[list[int]]
    # The book (day.py): this week's exceptions ((staff, day) -> working, note, when,
    # by whom), the branches with a book (stored values), today's visits and the keys of
    # those paid by now, the customers who came today, the day's own stream; the services
    # (id, name, minutes) by index, minutes by id, the service a plan's session covers;
    # ids given so far and callbacks made due about now.
    staff_days: dict[tuple[int, int], tuple[bool, str, int, int]]
    book_branches: list[int]
    today_visits: list[_Visit]
    day_plan: dict[int, _Visit]
    today_customers: set[int]
    day_rng: random.Random
    service_info: list[tuple[int, str, int]]
    minutes_of: dict[int, int]
    covered_of: dict[int, tuple[int, str, int]]
    appointment_id: int
    appointments_today: int
    care_id: int
    callbacks_made: int
    counters: dict[str, int]
    # The customers (people.py's people) and their figures (history.py's simulate).
    cust: list[tuple]
    state: list[str]  # member_state per customer
    used_phones: set[int]
    promos: list[list]
    join_t: list[int]
    home: bytearray
    active: bytearray
    deleted: dict[int, int]
    st: array[int]
    invoice_seq: list[int]
    all_packages: list[_Package]  # every package, by id (written at the end)
    card_bal: list[int]  # per card id (history.py): its balance, name and type (0: none)
    card_names: list[str]
    card_type_ids: list[int]
    # The books (books.py): their stream; per customer the vouchers held and the products
    # to collect ({item: [description, quantity, value]}); the last held row's id.
    books_rng: random.Random
    vouchers: dict[int, int]
    held_of: dict[int, dict[int, list]]
    held_id: int
    # Loyalty (loyalty.py): when the customers are ranked (minutes) and the first minute of
    # their ranking period; per customer the tier (index in office.tiers), holds, phones
    # changed.
    rank_at: int
    rank_from: int
    tier_level: bytearray
    tier_hold: dict[int, str]
    new_phone: dict[int, str]
    tier_event_id: int

    if TYPE_CHECKING:

        def _flush_full(self) -> None: ...

        def _audit_until(self, stamp: str) -> None: ...

        def tier_columns(self, k: int) -> tuple[str, int, str, str]: ...

        def _entry_id(self) -> int: ...

        def add_vouchers(self, k: int, amount: int) -> None: ...

        def give_vouchers(self, k: int, stamp: str, staff: int) -> None: ...

        def hold_sold(self, k: int, line_id: int, item: int, description: str, quantity: int,
                      amount: int, stamp: str, staff: int) -> None: ...

        def hand_over(self, k: int, stamp: str, staff: int) -> None: ...

        def on_duty(self) -> list[list[list[int]]]: ...

        def history_appointment(self, k: int, t: int, day: int, branch: int, tech: int,
                                cashier: int, invoice_id: int, code: str, mine: list[tuple],
                                redeemed, r: float, care_id: int) -> int: ...
