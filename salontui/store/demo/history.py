"""The salon's history, simulated visit by visit in time order.

Every visit and desk event of every customer is one integer key (time, type,
customer), sorted once (:meth:`_History.visits`); :meth:`_History.simulate`
replays them, writing each visit's invoice, lines, payments, ledger entries and
package events as the checkout would, and the books of ``books.py`` it touches
(vouchers given after a visit and paid with at a later one, a refund giving them back;
products left at the salon and handed over at a later visit). It is one long loop on
purpose: it runs about a million times, so per-customer figures live in one typed array (one
cache line per customer), rows are plain tuples and the store's rules
(``store/rules.py``) are called where they cost little (per invoice, not per
row) or computed once beforehand.

A part of the one builder (:class:`salontui.store.demo.build._Builder` mixes it
in), sharing its random stream, calendar and shapes through ``self``.
"""

from __future__ import annotations

from array import array

from salontui.store import rules
from salontui.store.demo.catalog_data import (
    AWAY_VISITS,
    CARD_TYPES,
    CARD_TYPES_DAY,
    CARE_DESCRIPTIONS,
    CARE_TITLES,
    CARE_TYPES,
    CASHIERS,
    CLOSE_LOCAL,
    FORMER_TECHNICIAN,
    GIFT_PLANS,
    HANDED_OVER,
    HISTORY_DAYS,
    LEFT_AT_SALON,
    MANAGER,
    METHODS,
    OPEN_LOCAL,
    POINT_VALUE,
    POINTS_PER_AMOUNT,
    REFUND_REASONS,
    SHOWCASE,
    SUB_CARD,
    TOPUPS,
    VOUCHER_PAYS,
    _is_regular,
    _weighted_table,
)
from salontui.store.demo.state import _State
from salontui.store.promotions import promotion_base

_KEY_BITS = 21  # customer index bits in a sort key (2**21 > MAX_CUSTOMERS)
# Fields of a customer's figures while the history is replayed (8 per customer: one line).
# _SPEND is their ranking spend: what ranks them in the tiers (loyalty.py), added up over
# the salon's period before the ranking as the store's rule counts it (summary.spend_sql,
# a top-up counted when spent): per sale what it took off services, products and packages
# less what points or a waiver paid (never below 0), less what a refund gave back.
_LAST, _DEBT, _GENERAL, _SUB, _PTS, _SPEND, _ACTIVE, _FLAGS = range(8)
_FIELDS = 8
# Bits of _FLAGS: 1 has packages, 2 has promotions given; VOUCHERS holds vouchers, HELD
# has products to collect (books.py keeps how much: ``vouchers``, ``held_of``).
VOUCHERS, HELD = 4, 8
_TYPE_BITS = 2


class _Package:
    __slots__ = ("created", "customer", "expires", "frozen_from", "frozen_until", "id",
                 "invoice_id", "kind", "name", "plan", "price", "purchased", "total", "used")

    def __init__(self, pid, customer, plan, name, kind, price, purchased, expires, total,
                 invoice_id, created):
        self.id, self.customer, self.plan, self.name, self.kind = pid, customer, plan, name, kind
        self.price, self.purchased, self.expires = price, purchased, expires
        self.total, self.used = total, 0
        self.frozen_from = self.frozen_until = None
        self.invoice_id, self.created = invoice_id, created

    def status(self, day: int) -> str:
        """The package's status on salon day ``day`` (the store's rule, on day numbers)."""
        return rules.package_status(kind=self.kind, total_uses=self.total, used=self.used,
                                    expires_on=self.expires, frozen_from=self.frozen_from,
                                    frozen_until=self.frozen_until, today=day)


class _History(_State):
    """The visits and their replay (methods of the builder)."""

    def visits(self) -> array:
        """Every visit and desk event of the history as one sorted list of integer keys:
        time << 23 | type << 21 | customer. Types: 0 visit, 1 care note, 2 promotion,
        3 a visit of today's book (``day.py``'s plan, keyed by these very keys)."""
        rng = self.rng
        rand = rng.random
        n = self.n
        keys: list[int] = []
        append = keys.append
        end_day = self.today_i  # visits up to yesterday evening
        shift = _KEY_BITS + _TYPE_BITS
        cal = self.cal
        for k in range(n):
            join = self.join_t[k]
            join_day = cal.local_day(join)
            days = end_day - join_day
            if days <= 0:
                continue
            if _is_regular(k, n):
                count = 700 + int(rand() * 600)  # the regulars: ~1,000 invoices each
            else:
                # ~9 visits on average, more for those who have been customers longer.
                mean = 18.0 * days / HISTORY_DAYS
                count = min(300, int(rng.expovariate(1.0 / mean))) if mean > 0 else 0
                if k < SHOWCASE:
                    count = max(count, 3)
            busiest = k == 0 and self.busiest > 0
            if busiest:  # a benchmark's customer: many visits, notes and promotions
                count = self.busiest
            if count:
                append((join << shift) | k)  # the first visit: the day they joined
            for _visit in range(count - 1):
                day = join_day + 1 + int(rand() * days)
                if day >= end_day:
                    day = end_day - 1
                t = cal.at_local(day, OPEN_LOCAL + int(rand() * (CLOSE_LOCAL - OPEN_LOCAL)))
                if t > join:
                    append((t << shift) | k)
            if busiest or rand() < 0.35:  # care notes
                for _line in range(count // 10 if busiest else 1 + int(rand() * 3)):
                    t = join + int(rand() * (self.now_t - join))
                    append((t << shift) | (1 << _KEY_BITS) | k)
            if busiest or rand() < 0.12:  # promotions given
                for _given in range(count // 50 if busiest else 1):
                    t = join + int(rand() * (self.now_t - join))
                    append((t << shift) | (2 << _KEY_BITS) | k)
        keys.extend(self.day_plan)  # today's visits paid by now (planned before)
        keys.sort()
        self.progress("schedule", 0.15)
        return array("q", keys)  # no million int objects scattered in memory to chase

    # -- the history, in time order ----------------------------------------------------------
    def simulate(self, keys: array) -> None:
        """Replay every visit and desk event in time order, writing rows as the store would.

        Written for speed (a million visits): per-customer figures live in typed arrays
        (one cache line each, no object to chase), rows are plain tuples, nullable
        columns use the shapes' 0/"" sentinels, random draws are shared where harmless.
        """
        rng = self.rng
        rand = rng.random
        cal = self.cal
        dates, tod = cal.dates, cal.tod
        offset = cal.offset
        n = self.n
        half_day = HISTORY_DAYS // 2
        # Per customer, one cache line of figures (fields _LAST, _DEBT, ... below): a visit
        # touches one line instead of a list per figure.
        self.st = st = array("q", bytes(8 * _FIELDS * n))
        for k in range(n):
            st[k << 3] = self.join_t[k]
            st[(k << 3) + _ACTIVE] = self.active[k]
        card_bal = [0]  # balance per card id
        self.pkgs: list[list[_Package] | None] = [None] * n
        pkgs = self.pkgs
        self.all_packages: list[_Package] = []
        self.promos: list[list] = []
        promos_of: list[list | None] = [None] * n
        programs = self.programs
        program_of = {p.id: p for p in programs}
        given_of: dict[tuple[int, int], int] = {}  # (customer, programme): times given
        office = self.office
        plan_ids = [item.id for item in office.plans]
        plan_terms = []
        for plan_row in office.plans:
            validity = plan_row.validity_days
            assert validity is not None  # (a plan always has one: the catalogue's rule)
            plan_terms.append((plan_row.name, plan_row.package_kind, plan_row.sessions,
                               plan_row.price, validity))
        # (a product line keeps its cost price: the cost-and-profit report reads it)
        products = [(item.name, item.id, item.price, item.cost_price or 0)
                    for item in office.products]
        can_leave = [item.can_leave for item in office.products]  # may be left at the salon
        # Vouchers and products left at the salon (books.py) draw from a stream of their own.
        books = self.books_rng.random
        self.vouchers: dict[int, int] = {}  # customer index: vouchers held (flag VOUCHERS)
        vouchers = self.vouchers
        self.held_of: dict[int, dict[int, list]] = {}  # … products to collect (flag HELD)
        self.held_id = 0
        refund_vouchers = True  # the first sale paid with vouchers that can be is refunded
        service_table, plan_table = self.service_table, self.plan_table
        line_rows = self.s_line.rows
        invoice_rows = self.s_invoice.rows
        pay_rows = self.s_payment.rows
        ledger_rows = self.s_ledger.rows
        event_rows = self.s_event.rows
        card_rows, care_rows = self.s_card.rows, self.s_care.rows
        all_packages = self.all_packages
        # A service line is one of the service at its price: its amount worked out once.
        service_lines = [(item.name, item.id, item.price,
                          rules.line_amount(quantity=1, unit_price=item.price, discount=0))
                         for item in office.services]
        topups = [(paid, rules.topup_credit(paid=paid, credit=credit)) for paid, credit in TOPUPS]
        # The earning rate an invoice keeps, by st[_ACTIVE] (0: not an active member).
        rates = (rules.points_rate(points_per_amount=POINTS_PER_AMOUNT, member_state=None),
                 rules.points_rate(points_per_amount=POINTS_PER_AMOUNT, member_state="active"))
        points_earned = rules.points_earned
        n_service = len(service_table)
        n_plan = len(plan_table)
        n_product = len(products)
        mask = (1 << _KEY_BITS) - 1
        shift = _KEY_BITS + _TYPE_BITS
        # The money payments, by a hundredth of the draw: mostly cash, transfer and bank
        # card as ever; the salon's own methods (MoMo, WeChat Pay…) take their share from
        # the card and e-wallet end (the first tenth, for small amounts, is all cash).
        own = [code for code, (_n, _k, share) in zip(office.methods, METHODS, strict=True)
               for _share in range(share)]
        money_methods = ["cash"] * 40 + ["transfer"] * 30 + ["card"] * 20 + ["ewallet"] * 10
        money_methods[len(money_methods) - len(own):] = own
        # New sub-cards, once card types exist: one of the types, by weight (a stream of
        # their own); before, a card named freely (SUB_CARD) as the desk had them.
        types_from = CARD_TYPES_DAY
        type_table = _weighted_table([t[-1] for t in CARD_TYPES], 1024)
        card_types = office.card_types
        type_draw = self.office_rng.random
        card_names = [""]  # per card id, as card_bal: its name, its type, its bonus rule
        card_type_ids = [0]
        card_rule: list[tuple[int | None, int | None] | None] = [None]  # (None: no type)
        card_pays_discounted = bytearray(b"\x01")  # per card: may pay a discounted sale
        office_audit = self.office_audit
        cashiers = CASHIERS * 3  # 18 entries: picked by 5 random bits below
        inv_id = line_id = card_id = care_id = promo_id = package_id = 0
        # Where each visit happens (its branch's stored value: 0, NULL, in a single salon):
        # the customer's own branch, or in a chain now and then another one already open.
        # Each branch numbers its invoices (``seq``, per branch) and has its own staff
        # (``staff_of[branch][first-branch staff id]``: the identity at the first branch).
        home, staff_of, code_heads = self.home, self.staff_of, self.code_heads
        opened = self.branch_opened
        nb = self.branches
        chain = nb > 1
        branch_draw = self.branch_rng.random
        seq = [0] * (nb + 1)
        now_t = self.now_t
        total_keys = len(keys)
        tick = max(1, total_keys // 20)
        getrandbits = rng.getrandbits
        # Who does a visit: the technician the draw names, or, on their day off, the next
        # one of the branch at work that weekday (``on_duty[branch][weekday]``).
        on_duty = self.on_duty()
        weekday0 = cal.first_day.weekday()
        # Today's visits from the book (type 3) draw from the day's stream, so that what
        # the book holds moves nothing of the history or of the rows written after it.
        day_plan = self.day_plan
        main_rand, main_bits = rand, getrandbits
        day_rand, day_bits = self.day_rng.random, self.day_rng.getrandbits
        # A few visits of about a month ago end with a callback due about now.
        callbacks_from, callbacks_to = self.today_i - 42, self.today_i - 25
        rank_from, rank_at = self.rank_from, self.rank_at  # the tiers' period (loyalty.py)
        self.callbacks_made = 0
        book_visit = self.history_appointment
        for index, key in enumerate(keys):
            if not index & 4095:
                self._flush_full()
                if index % tick == 0:
                    self.progress("history", 0.15 + 0.7 * index / total_keys)
            k = key & mask
            b = k << 3
            t = key >> shift
            cid = k + 1
            stamp = dates[t // 1440] + tod[t % 1440]
            day = (t + offset) // 1440
            if t > st[b]:
                st[b] = t
            etype = (key >> _KEY_BITS) & 3
            if etype == 3:
                planned = day_plan[key]
                rand, getrandbits = day_rand, day_bits
            else:
                planned = None
                if rand is not main_rand:
                    rand, getrandbits = main_rand, main_bits
            if etype == 1:  # a care note (sometimes with a points gift)
                care_id += 1
                ctype = CARE_TYPES[int(rand() * 5)]
                titles = CARE_TITLES[ctype]
                title = titles[int(rand() * len(titles))]
                writer = staff_of[home[k]][CASHIERS[int(rand() * 6)]]
                deleted_at = ""
                if rand() < 0.03 and t + 1440 < now_t:
                    deleted_at = cal.ts(t + 1440)
                if ctype == "care" and st[b + _ACTIVE] and rand() < 0.4:
                    gift = (100, 200, 500)[int(rand() * 3)]
                    title = f"Tặng {gift} điểm tri ân"
                    ledger_rows.append((cid, "points", 0, stamp, gift, "care",
                                        "Tri ân khách hàng", "care", care_id, writer))
                    # the audit row care_points writes (check matches it to the entry),
                    # after the back office's done by then
                    if office_audit and office_audit[-1][0] <= stamp:
                        self._audit_until(stamp)
                    self.s_audit.rows.append((stamp, writer, "care_action", "customer", cid,
                                              f'{{"points": {st[b + _PTS]}}}',
                                              f'{{"amount": {gift}, "care_note_id": {care_id}, '
                                              f'"care_type": "care", "points": '
                                              f'{st[b + _PTS] + gift}}}'))
                    st[b + _PTS] += gift
                care_rows.append((care_id, cid, ctype, title,
                                  CARE_DESCRIPTIONS[int(rand() * 5)], writer, stamp,
                                  deleted_at or stamp, deleted_at))
                continue
            if etype == 2:  # a promotion given
                running = [p for p in programs
                           if p.start <= day and (p.end is None or p.end >= day)]
                if not running:
                    continue
                program = running[int(rand() * len(running))]
                if program.limit is not None:  # given no more than that to one customer
                    times = given_of.get((k, program.id), 0)
                    if times >= program.limit:
                        continue
                    given_of[k, program.id] = times + 1
                promo_id += 1
                expires = program.end if program.end is not None else day + 90
                record = [promo_id, cid, program.id, f"{program.prefix}KM{promo_id:06d}", stamp,
                          expires, None, None, ""]
                self.promos.append(record)
                if promos_of[k] is None:
                    promos_of[k] = []
                    st[b + _FLAGS] |= 2
                promos_of[k].append(record)
                continue

            # ---- a visit: one invoice, at a branch
            if planned is not None:
                br = planned.branch
            else:
                br = home[k]
                if chain and branch_draw() < AWAY_VISITS:
                    other = 1 + int(branch_draw() * nb)
                    if opened[other] <= t:
                        br = other
            staff = staff_of[br]
            inv_id += 1
            number = seq[br] = seq[br] + 1
            code = f"{code_heads[br]}{number:06d}"
            bits = getrandbits(32)  # shared draws: cashier, technician, how many services...
            cashier = staff[cashiers[bits & 15]]
            tech = on_duty[br][(day + weekday0) % 7][(bits >> 4) % 7]
            if planned is not None:
                tech = planned.tech
            elif day < half_day and (bits >> 7) & 7 == 0:
                tech = staff[FORMER_TECHNICIAN]
            manager = staff[MANAGER]
            if st[b + _FLAGS] & 8 and books() < HANDED_OVER:  # (HELD) collected now
                self.hand_over(k, stamp, cashier)
            sales = subtotal = 0
            simple = True  # only services and products: may be refunded below
            mine: list[tuple] = []  # this invoice's service and product lines
            owed = st[b + _DEBT]
            repay_only = owed > 0 and (bits >> 10) & 3 == 0 and planned is None
            topped = False
            plist = pkgs[k] if st[b + _FLAGS] & 1 else None
            if not repay_only:
                redeemed = None
                if plist:
                    stale = False
                    for p in plist:
                        ps = p.status(day)
                        if ps == "used_up" or (ps == "expired" and day - p.expires > 30):
                            stale = True  # nothing more can happen to it: forget it
                            continue
                        if ps == "reserved" and rand() < 0.5:
                            old = p.expires
                            p.expires = rules.expiry_after_resume(
                                expires_on=old, frozen_from=p.frozen_from,
                                frozen_until=p.frozen_until, today=day)
                            p.frozen_from = p.frozen_until = None
                            event_rows.append((p.id, cal.ts(t - 5), "resume", 0, 0, 0,
                                               dates[old], dates[p.expires],
                                               "Khách quay lại sớm", cashier, 0, 0))
                            ps = p.status(day)
                        elif (ps == "expired" and (rules.sessions_left(
                                kind=p.kind, total_uses=p.total, used=p.used) or 0) > 0
                              and rand() < 0.4):
                            old = p.expires
                            p.expires = day + 60
                            event_rows.append((p.id, stamp, "extend", 0, 0, 0, dates[old],
                                               dates[p.expires], "Gia hạn theo yêu cầu khách",
                                               manager, 0, 0))
                            ps = "in_use"
                        if ps != "in_use" or redeemed is not None:
                            continue
                        r = rand()
                        if r < 0.03:
                            days = (14, 30, 60)[int(r * 100)]
                            old = p.expires
                            p.expires, p.frozen_from, p.frozen_until = rules.freeze(
                                expires_on=old, today=day, days=days)
                            event_rows.append((p.id, stamp, "freeze", 0, 0, 0, dates[old],
                                               dates[p.expires], "Khách đi công tác", cashier,
                                               0, 0))
                        elif r < 0.035 and p.used > 0 and p.kind != "time":
                            p.used -= 1
                            event_rows.append((p.id, stamp, "adjust_used", 0, -1, 0, "", "",
                                               "Ghi nhầm buổi, điều chỉnh lại", manager, 0, 0))
                        elif r < 0.85:
                            redeemed = p
                    if stale:
                        plist[:] = [q for q in plist if not (
                            q.status(day) == "used_up"
                            or (q.status(day) == "expired" and day - q.expires > 30))]
                if redeemed is not None:
                    p = redeemed
                    value = rules.session_value(kind=p.kind, price=p.price, total_uses=p.total,
                                                index=p.used)
                    p.used += 1
                    line_id += 1
                    line_rows.append((line_id, inv_id, "redeem", 0, p.id, 0, p.name, 1, 0, 0, 0, 0,
                                      tech, 0, True, 0))
                    event_rows.append((p.id, stamp, "redeem", 0, 1, value, "", "", "",
                                       cashier, tech, inv_id))
                    simple = False
                    services = 1 if (bits >> 12) & 7 == 0 else 0
                else:
                    r = (bits >> 12) & 63
                    services = 1 if r < 55 else 2 if r < 62 else 3
                if planned is not None:  # the services booked (a session pays the first)
                    services = 0
                    for pick in planned.services[0 if redeemed is None else 1:]:
                        name, item, price, amount = service_lines[pick]
                        line_id += 1
                        row = (line_id, inv_id, "service", item, 0, 0, name, 1, price, 0,
                               amount, 0, tech, 0, True, 0)
                        line_rows.append(row)
                        mine.append(row)
                        sales += amount
                for _service in range(services):
                    name, item, price, amount = service_lines[
                        service_table[int(rand() * n_service)]]
                    line_id += 1
                    row = (line_id, inv_id, "service", item, 0, 0, name, 1, price, 0, amount, 0,
                           tech, 0, True, 0)
                    line_rows.append(row)
                    mine.append(row)
                    sales += amount
                if (bits >> 18) & 15 == 0:  # a product now and then (1 in 16)
                    pi = int(rand() * n_product)
                    name, item, price, cost = products[pi]
                    qty = 2 if (bits >> 22) & 7 == 0 else 1
                    disc = (price * qty // 10_000) * 1000 if (bits >> 25) & 15 == 0 else 0
                    amount = rules.line_amount(quantity=qty, unit_price=price, discount=disc)
                    line_id += 1
                    left = can_leave[pi] and books() < LEFT_AT_SALON  # left at the salon
                    row = (line_id, inv_id, "product", item, 0, 0, name, qty, price, disc,
                           amount, 0, cashier, 0, not left, cost)
                    line_rows.append(row)
                    mine.append(row)
                    sales += amount
                    if left:
                        self.hold_sold(k, line_id, item, name, qty, amount, stamp, cashier)
                        simple = False
                r = rand()
                if r < 0.075 or (k == 0 and plist is None):  # a package sold (or a gift)
                    has_one = plist is not None and any(q.status(day) == "in_use" for q in plist)
                    if k == 0 and plist is None:
                        plan = 4  # showcase: a month card bought on opening day, long expired
                    elif r < 0.012:
                        plan = GIFT_PLANS[int(r * 1000) & 1]
                    else:
                        plan = plan_table[int(rand() * n_plan)]
                    if not has_one or plan in GIFT_PLANS:
                        pname, pkind, sessions, price, validity = plan_terms[plan]
                        sessions = rules.plan_sessions(kind=pkind, sessions=sessions)
                        package_id += 1
                        line_id += 1
                        p = _Package(package_id, cid, plan_ids[plan], pname, pkind, price, day,
                                     rules.expiry_from_validity(activated_on=day,
                                                                validity_days=validity),
                                     sessions, inv_id, stamp)
                        all_packages.append(p)
                        if plist is None:
                            pkgs[k] = plist = []
                            st[b + _FLAGS] |= 1
                        plist.append(p)
                        line_rows.append((line_id, inv_id, "package", plan_ids[plan], package_id,
                                          0, pname, 1, price, 0, price, 0, tech, 0, True, 0))
                        event_rows.append((package_id, stamp, "sell", sessions, 0, 0, "",
                                           dates[p.expires], "", cashier, 0, inv_id))
                        sales += price
                        simple = False
                elif r < 0.105:  # a stored-value top-up
                    amount, credit = topups[int(rand() * rand() * len(topups))]
                    slot = b + _SUB if r < 0.084 else b + _GENERAL
                    if not st[slot]:
                        card_id += 1
                        st[slot] = card_id
                        card_bal.append(0)
                        type_id, rule, pays = 0, None, 1
                        if r >= 0.084:
                            card_name = "General"
                        elif day < types_from:
                            card_name = SUB_CARD
                        else:  # the checkout's top-up names the card after its type
                            kind = card_types[type_table[int(type_draw() * 1024)]]
                            card_name, type_id = kind.name, kind.id
                            rule, pays = (kind.bonus_pay, kind.bonus_get), kind.discounts_apply
                        card_names.append(card_name)
                        card_type_ids.append(type_id)
                        card_rule.append(rule)
                        card_pays_discounted.append(pays)
                        card_rows.append((card_id, cid, card_name, stamp, type_id))
                    card = st[slot]
                    rule = card_rule[card]
                    if rule is not None:  # a card type's: its bonus rule, none typed in
                        if rule[0]:  # (what its bonus is for, twice now and then)
                            amount = rule[0] * (2 if amount >= 5_000_000 else 1)
                        credit = rules.bonus_credit(amount, pay=rule[0], get=rule[1])
                    description = f"Nạp thẻ {card_names[card]}"
                    line_id += 1
                    line_rows.append((line_id, inv_id, "topup", 0, 0, card, description, 1, amount,
                                      0, amount, credit, 0, 0, True, 0))
                    ledger_rows.append((cid, "value", card, stamp, credit, "topup", description,
                                        "invoice", inv_id, cashier))
                    card_bal[card] += credit
                    subtotal += amount
                    topped = True
                    simple = False
            repaid = 0
            if owed > 0 and (repay_only or rand() < 0.5):
                repaid = owed if rand() < 0.7 or owed < 2000 else (owed // 2000) * 1000
                line_id += 1
                line_rows.append((line_id, inv_id, "repay", 0, 0, 0, "Trả nợ", 1, repaid, 0,
                                  repaid, 0, 0, 0, True, 0))
                ledger_rows.append((cid, "debt", 0, stamp, -repaid, "repay", code, "invoice",
                                    inv_id, cashier))
                st[b + _DEBT] = rules.debt_after(owed=owed, repaid=repaid)
                subtotal += repaid
                simple = False
            subtotal += sales
            # discount: a promotion given earlier, or now and then a 10% courtesy
            discount = 0
            promo_used = False
            if sales > 0:
                mine_promos = promos_of[k] if st[b + _FLAGS] & 2 else None
                if mine_promos:
                    for record in mine_promos:
                        if record[6] is None and record[5] >= day and rand() < 0.6:
                            program = program_of[record[2]]
                            # off what the programme is on (the checkout's share of it)
                            lines = [(row[2], row[10]) for row in mine]
                            lines.append(("package", sales - sum(a for _k, a in lines)))
                            base = promotion_base(scope=program.scope, lines=lines)
                            if base <= 0:
                                continue  # (nothing it is on: kept for another visit)
                            discount = rules.promotion_off(sales=base, percent=program.percent,
                                                           amount=program.amount)
                            record[6], record[7] = day, inv_id
                            promo_used = True
                            break
                if not promo_used and (bits >> 28) & 15 == 0:
                    discount = (sales // 10_000) * 1000
            total = subtotal - discount
            due = total
            not_money = 0
            member = st[b + _ACTIVE]
            r = rand()
            if due > 0 and not topped and r < 0.75 and (st[b + _GENERAL] or st[b + _SUB]):
                for card in (st[b + _GENERAL], st[b + _SUB]):
                    if card and card_bal[card] > 0 and due > 0 and (
                            not discount or card_pays_discounted[card]):
                        amount = min(card_bal[card], due)
                        pay_rows.append((inv_id, "value", amount, card, 0))
                        ledger_rows.append((cid, "value", card, stamp, -amount, "pay", code,
                                            "invoice", inv_id, cashier))
                        card_bal[card] -= amount
                        due -= amount
                        simple = False
            paid_vouchers = 0  # (VOUCHERS) part of a sale paid with vouchers the customer holds
            if (due > 0 and st[b + _FLAGS] & 4 and not topped and not repaid
                    and books() < VOUCHER_PAYS):
                paid_vouchers = min(vouchers[k], due)
                pay_rows.append((inv_id, "voucher", paid_vouchers, 0, 0))
                ledger_rows.append((cid, "voucher", 0, stamp, -paid_vouchers, "pay", code,
                                    "invoice", inv_id, cashier))
                self.add_vouchers(k, -paid_vouchers)
                due -= paid_vouchers
                not_money += paid_vouchers
            if due > 0 and member and r < 0.25 and st[b + _PTS] >= 300:
                spent = min(st[b + _PTS], rules.points_for_amount(due, point_value=POINT_VALUE))
                if spent > 0:
                    amount = spent * POINT_VALUE
                    pay_rows.append((inv_id, "points", amount, 0, spent))
                    ledger_rows.append((cid, "points", 0, stamp, -spent, "spend", code,
                                        "invoice", inv_id, cashier))
                    st[b + _PTS] -= spent
                    due -= amount
                    not_money += amount
                    simple = False
            if due > 0:
                r = rand()
                if r < 0.025 and rules.repayment_problem(
                        owed=owed, repaying=repaid, on_account=True) is None:
                    pay_rows.append((inv_id, "account", due, 0, 0))
                    ledger_rows.append((cid, "debt", 0, stamp, due, "charge", code, "invoice",
                                        inv_id, cashier))
                    st[b + _DEBT] = rules.debt_after(owed=st[b + _DEBT], charged=due)
                    simple = False
                elif r < 0.027:
                    pay_rows.append((inv_id, "free", due, 0, 0))
                    not_money += due
                    simple = False
                elif r < 0.1 and due >= 2000:
                    first = (due // 2000) * 1000
                    pay_rows.append((inv_id, "cash", first, 0, 0))
                    pay_rows.append((inv_id, "transfer", due - first, 0, 0))
                else:
                    pay_rows.append((inv_id, money_methods[int(r * 100)], due, 0, 0))
            rate = rates[member]
            earned = 0
            if rate:  # one call per invoice of a member: the checkout's rule
                earned = points_earned(sales=sales, discount=discount, not_money=not_money,
                                       rate=rate)
                if earned:
                    ledger_rows.append((cid, "points", 0, stamp, earned, "earn", code,
                                        "invoice", inv_id, cashier))
                    st[b + _PTS] += earned
            invoice_rows.append((inv_id, code, cid, stamp, "repayment" if repay_only else "sale",
                                 subtotal, discount, total, cashier, 0, "",
                                 rate, br))
            if rank_from <= t <= rank_at and sales - discount - not_money > 0:
                st[b + _SPEND] += sales - discount - not_money
            # the appointment this visit was booked as, or one that never happened (day.py);
            # today's visits are the book's own (written with the day)
            r = rand()
            if planned is not None:
                planned.invoice_id, planned.code, planned.cashier = inv_id, code, cashier
            elif not repay_only and (r < 0.075 or (
                    callbacks_from <= day <= callbacks_to and self.callbacks_made < 6)):
                care_id = book_visit(k, t, day, br, tech, cashier, inv_id, code, mine,
                                     redeemed, r, care_id)
            # now and then a sale is refunded the same day, at the same branch (and the
            # first one that vouchers paid part of, to show them given back)
            elif ((r > 0.996 or (paid_vouchers and refund_vouchers)) and simple
                  and not promo_used and mine):
                rt = t + 10 + int(rand() * 50)
                rstamp = cal.ts(rt)
                inv_id += 1
                number = seq[br] = seq[br] + 1
                rcode = f"{code_heads[br]}{number:06d}"
                for row in mine:
                    line_id += 1
                    line_rows.append((line_id, inv_id, row[2], row[3], 0, 0, row[6],
                                      -row[7], row[8], -row[9], -row[10], 0, row[12], row[0],
                                      True, row[15]))
                for paid in pay_rows[-3:]:
                    if paid[0] == inv_id - 1:
                        pay_rows.append((inv_id, paid[1], -paid[2], 0, 0))
                if earned:
                    back = rules.points_taken_back(earned=earned, total=total,
                                                   refunded_before=0, refund=total,
                                                   balance=st[b + _PTS])
                    if back > 0:
                        ledger_rows.append((cid, "points", 0, rstamp, -back, "unearn",
                                            f"{rcode} refund", "invoice", inv_id, manager))
                        st[b + _PTS] -= back
                if paid_vouchers:  # what vouchers paid goes back to them
                    ledger_rows.append((cid, "voucher", 0, rstamp, paid_vouchers, "refund",
                                        f"{rcode} refund", "invoice", inv_id, manager))
                    self.add_vouchers(k, paid_vouchers)
                    refund_vouchers = False
                invoice_rows.append((inv_id, rcode, cid, rstamp, "refund", -subtotal, -discount,
                                     -total, manager, inv_id - 1,
                                     REFUND_REASONS[int(rand() * len(REFUND_REASONS))], 0, br))
                if rank_from <= rt <= rank_at:
                    st[b + _SPEND] -= total - paid_vouchers
                if rt > st[b]:
                    st[b] = rt
            if 0.991 < r <= 0.996 and not repay_only:  # a voucher given after the visit
                self.give_vouchers(k, stamp, manager)
        self.counters = {"invoice": inv_id, "line": line_id, "card": card_id, "care": care_id,
                         "promotion": promo_id, "package": package_id}
        self.invoice_seq = seq  # per branch: how many invoice codes it gave
        self.card_bal = card_bal
        self.card_names, self.card_type_ids = card_names, card_type_ids
        self.progress("history", 0.85)
