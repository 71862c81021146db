"""The salon's fixed part (settings, staff, branches, and the back office made through
the store's own functions) and its customers: the first two steps of the build, and the
customers' rows at the end.

A part of the one builder (:class:`salontui.store.demo.build._Builder` mixes it
in): the steps share its random stream, calendar and shapes through ``self``,
and run in the same order every time, so a seed gives the same salon.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta

from salontui.store.demo.catalog_data import (
    BRANCH_ROLES,
    BRANCH_STAFF_OF,
    BRANCHES,
    CORPORATE_SHARE,
    CUSTOMER_NOTES,
    DISTRICTS,
    FAMILY_SHARE,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FORMER_TECHNICIAN,
    MALE_GIVEN,
    MALE_MIDDLE,
    NOT_IN_BOOK,
    OPEN_LOCAL,
    OWNER,
    PHONE_PREFIXES,
    PLANS,
    SECOND_GIVEN,
    SERVICES,
    SETTINGS,
    SHOWCASE,
    STAFF,
    STREETS,
    SURNAMES,
    TECHNICIAN_WEEKS,
    TECHNICIANS,
    VIP_SHARE,
    WORK_DAYS,
    _weighted_table,
)
from salontui.store.demo.office import make_back_office
from salontui.store.demo.sinks import BATCH
from salontui.store.demo.state import _State
from salontui.store.text import MAX_NAME_WORDS, fold


def _staff_name(number: int) -> str:
    """A later branch's staff member's name, fixed by their number (no random draw: the
    main stream stays the single salon's); mostly women, as in the first branch."""
    surname = SURNAMES[(number * 8 + 3) % len(SURNAMES)][0]
    if number % 4 == 3:
        return (f"{surname} {MALE_MIDDLE[(number * 5 + 1) % len(MALE_MIDDLE)]} "
                f"{MALE_GIVEN[(number * 11 + 2) % len(MALE_GIVEN)]}")
    return (f"{surname} {FEMALE_MIDDLE[(number * 5 + 1) % len(FEMALE_MIDDLE)]} "
            f"{FEMALE_GIVEN[(number * 13 + 5) % len(FEMALE_GIVEN)]}")


class _People(_State):
    """The salon and its customers (methods of the builder)."""

    # -- the fixed part -------------------------------------------------------------------
    def salon(self) -> None:
        self.s_settings.rows.append(tuple(SETTINGS.values()))
        opened = self.cal.ts(self.cal.at_local(0, 8 * 60))
        # the first branch, as the migrations make it: the salon itself
        self.s_branch.rows.append((1, "1", SETTINGS["name"], SETTINGS["address"],
                                   SETTINGS["phone"], "", "", True, opened))
        first = self.first_branch  # 0: NULL, a single salon's staff (every branch)
        self.work_days = {}
        self.staff_names = {}
        for i, (name, role, active) in enumerate(STAFF, start=1):
            days = self.work_days[i] = WORK_DAYS.get(i, NOT_IN_BOOK) if active else NOT_IN_BOOK
            self.staff_names[i] = name
            self.s_staff.rows.append((i, name, role, active, opened,
                                      0 if role == "owner" else first, days))
        self._branches()
        self._back_office()

    def _back_office(self) -> None:
        """The catalogue, payment methods, card types, programmes and customer groups, made
        by the store's own functions (``office.py``); their rows and audit rows go to the
        load as those functions wrote them. The audit rows wait for their time: the
        history writes its own in time order and lets each of these in when it comes."""
        office = self.office = make_back_office(self.cal, today=self.today_i, now_t=self.now_t)
        for table, shape in self.office_shapes.items():
            shape.rows.extend(office.tables[table])
        self.office_audit = list(reversed(office.audit))  # the next one last, to pop
        self.service_table = _weighted_table([s[-1] for s in SERVICES])
        self.plan_table = _weighted_table([p[-1] for p in PLANS])
        self.programs = office.programs

    def _audit_until(self, stamp: str) -> None:
        """Write the back office's audit rows done by ``stamp`` (a stored time)."""
        pending, rows = self.office_audit, self.s_audit.rows
        while pending and pending[-1][0] <= stamp:
            rows.append(pending.pop())

    def _branches(self) -> None:
        """A chain's later branches and their staff; per branch (by its stored value) the
        prefix of its invoice codes and who does each first-branch staff member's job."""
        identity = list(range(FORMER_TECHNICIAN + 1))
        self.staff_of = [identity] * (self.branches + 1)
        self.code_heads = ["HD"] * (self.branches + 1)
        # Per branch (by its stored value), its technicians in the book's order.
        self.technicians_of = [list(TECHNICIANS)] * (self.branches + 1)
        staff_id = len(STAFF)
        for j in range(2, self.branches + 1):
            code, name, address, phone, header, prefix = BRANCHES[j - 2]
            since = self.cal.ts(self.branch_opened[j])
            self.s_branch.rows.append((j, code, name, address, phone, header, prefix, True,
                                       since))
            self.code_heads[j] = f"{prefix}HD"
            ids = []
            technicians: list[int] = []
            for role in BRANCH_ROLES:
                staff_id += 1
                days = NOT_IN_BOOK
                if role == "technician":  # the first branch's weeks, shifted per branch
                    days = TECHNICIAN_WEEKS[(len(technicians) + j) % len(TECHNICIAN_WEEKS)]
                    technicians.append(staff_id)
                self.work_days[staff_id] = days
                self.staff_names[staff_id] = _staff_name(staff_id)
                self.s_staff.rows.append((staff_id, self.staff_names[staff_id], role, True, since,
                                          j, days))
                ids.append(staff_id)
            self.technicians_of[j] = technicians
            self.staff_of[j] = [ids[BRANCH_STAFF_OF[s]] if s in BRANCH_STAFF_OF else s
                                for s in identity]

    # -- customers ------------------------------------------------------------------------
    def people(self) -> None:
        rng = self.rng
        n = self.n
        rand = rng.random
        surnames = _weighted_table([w for _s, w in SURNAMES], 1000)
        # Joins spread from opening day to an hour before now (the last one may join at
        # up to an hour past its slot, still before now).
        start_t = self.cal.at_local(0, OPEN_LOCAL)
        span = max(0, self.now_t - 61 - start_t)
        self.join_t = join_t = []
        self.state = []  # member_state per customer
        self.active = bytearray(n)  # 1: an active member (earns and spends points)
        self.deleted: dict[int, int] = {}  # customer index -> when deleted
        self.cust = []  # (name, folded name, gender, birthday, email, address, note, national)
        self.used_phones = used_phones = set()  # (a phone changed later takes a new one)
        words: dict[str, str] = {}

        def fold_word(word: str) -> str:  # fold() works letter by letter: fold each word once
            found = words.get(word)
            if found is None:
                found = words[word] = fold(word)
            return found

        n_prefix = len(PHONE_PREFIXES)
        for k in range(n):
            female = rand() < 0.78
            surname = SURNAMES[surnames[int(rand() * 1000)]][0]
            if female:
                middle = FEMALE_MIDDLE[int(rand() * len(FEMALE_MIDDLE))]
                given = FEMALE_GIVEN[int(rand() * len(FEMALE_GIVEN))]
                if rand() < 0.08:
                    given += " " + SECOND_GIVEN[int(rand() * len(SECOND_GIVEN))]
            else:
                middle = MALE_MIDDLE[int(rand() * len(MALE_MIDDLE))]
                given = MALE_GIVEN[int(rand() * len(MALE_GIVEN))]
            name = f"{surname} {middle} {given}"
            folded = f"{fold_word(surname)} {fold_word(middle)} {fold_word(given)}"
            while True:
                number = int(rand() * n_prefix) * 10_000_000 + int(rand() * 10_000_000)
                if number not in used_phones:
                    used_phones.add(number)
                    break
            national = PHONE_PREFIXES[number // 10_000_000] + f"{number % 10_000_000:07d}"
            birthday = ""
            if rand() < 0.7:
                birthday = (date(1962, 1, 1) + timedelta(days=int(rand() * 16000))).isoformat()
            email = ""
            if rand() < 0.2:
                email = folded.replace(" ", "") + f"{int(rand() * 100):02d}@gmail.com"
            address = ""
            if rand() < 0.4:
                address = (f"{1 + int(rand() * 300)} {STREETS[int(rand() * len(STREETS))]}, "
                           f"{DISTRICTS[int(rand() * len(DISTRICTS))]}, Đà Nẵng")
            note = CUSTOMER_NOTES[int(rand() * len(CUSTOMER_NOTES))] if rand() < 0.05 else ""
            r = rand()
            self.state.append("active" if r < 0.88 else "not_activated" if r < 0.97
                              else "excluded")
            self.active[k] = r < 0.88
            # Customers arrive through the whole history; the first ones on opening day.
            join_t.append(start_t + int(span * k / n) + int(rand() * 60))
            self.cust.append((name, folded, "female" if female else "male", birthday, email,
                              address, note, national))
        # Two of the showcase's customers have their birthday this week (today, in three
        # days): the desk's reminders always have some (1988: 29 February is a day then).
        for k, days in ((8, 0), (9, 3)):
            if k < n:
                when = self.today + timedelta(days=days)
                self.cust[k] = (*self.cust[k][:3], date(1988, when.month, when.day).isoformat(),
                                *self.cust[k][4:])
        self._homes()
        self.progress("customers", 0.05)

    def _homes(self) -> None:
        """Each customer's own branch (its stored value): in a chain, one of those open when
        they joined, drawn from the chain's own stream; the showcase's customers are the
        first branch's. A single salon's are all 0 (NULL)."""
        n = self.n
        self.home = home = bytearray(n)
        if self.branches == 1:
            return
        draw = self.branch_rng.random
        opened, join_t = self.branch_opened, self.join_t
        for k in range(n):
            if k < SHOWCASE:
                home[k] = 1
                continue
            open_now = bisect_right(opened, join_t[k], 1) - 1  # branches 1.. open by then
            home[k] = 1 + int(draw() * open_now)

    # -- the customers' rows, written at the end (tier and deletion known by then) ---------
    def _customers(self) -> None:
        """The customers' rows, and this morning's sorting of some into the groups: VIPs
        among the best spenders, staff family and corporate customers among the others
        (each as ``set_customer_group`` writes it: the group, the time, an audit row)."""
        cal = self.cal
        rows, key_rows = self.s_customer.rows, self.s_name_key.rows
        keys_of: dict[str, list[str]] = {}
        self._audit_until(cal.ts(self.now_t))  # the back office's last (the groups made)
        audit_rows = self.s_audit.rows
        sorted_at = cal.ts(self.now_t - 1)
        vip, family, corporate = self.office.groups
        draw = self.office_rng.random
        for k in range(self.n):
            name, norm, gender, birthday, email, address, note, national = self.cust[k]
            national = self.new_phone.get(k, national)  # (a phone changed: loyalty.py)
            keys = keys_of.get(norm)
            if keys is None:  # text.name_keys from the folded name (check.py verifies it)
                parts = norm.split()[:MAX_NAME_WORDS]
                keys = keys_of[norm] = [" ".join(parts[i:]) for i in range(len(parts))]
            created = cal.ts(self.join_t[k])
            deleted = cal.ts(self.deleted[k]) if k in self.deleted else ""
            tier, tier_id, hold, reason = self.tier_columns(k)  # (loyalty.py)
            cid = k + 1
            r = draw()
            group = 0
            if not deleted:
                if r < FAMILY_SHARE:
                    group = family
                elif r < FAMILY_SHARE + CORPORATE_SHARE:
                    group = corporate
                elif r < FAMILY_SHARE + CORPORATE_SHARE + VIP_SHARE.get(tier, 0):
                    group = vip
            if group:
                audit_rows.append((sorted_at, OWNER, "set_customer_group", "customer", cid,
                                   '{"group_id": null}', f'{{"group_id": {group}}}'))
            updated = sorted_at if group or k in self.new_phone else deleted or created
            rows.append((cid, f"KH{cid:06d}", name, norm, "+84" + national[1:], national,
                         national[::-1], birthday, gender, email, address, note, tier,
                         self.state[k], created, updated, deleted, group, tier_id, hold,
                         reason))
            for key in keys:
                key_rows.append((cid, key))
            if len(rows) >= BATCH:
                self.sink.flush(self.s_customer)
                self.sink.flush(self.s_name_key)
