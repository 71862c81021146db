"""The appointment book: the history's appointments, the staff's weeks, today and the
bookings ahead.

* Each history appointment (a visit booked beforehand, or one cancelled or missed) is
  written as the desk writes it: its lines (each service with its staff, start and
  minutes, one after the other from the visit's start), its history (booked, checked
  in, paid; cancelled with a reason; no-show; followed up) and, when the visit was
  followed up, the care note of it. A callback asked for long ago was made then: a care
  note of the call and the ``reminder_done`` row that took it off the list.
* The staff's weeks: technicians have one or two days off, staggered (``WORK_DAYS``);
  this week the manager entered a few exceptions (``staff_day``): someone off sick
  today, someone in on their day off, a day of leave later in the week. The history's
  visits go to a technician at work that weekday.
* Today (:meth:`_Day.plan_day`, before the history is simulated): every technician at
  work at every branch has a day of visits from opening to closing. Those over by the
  demo's "now" are paid (their invoices are simulated with the history, from a stream of
  their own), one was a no-show; those under way are checked in ("to cashier"), one of
  them recorded by its technician with a product sold; the rest are expected, one
  running late; one was cancelled this morning. A few walk-ins were checked out. Half
  the visits paid are followed up (the next visit booked, a callback, or notes), half not
  yet.
* Bookings for the coming three weeks, at a technician free then (or anyone).

A part of the one builder (:class:`salontui.store.demo.build._Builder` mixes it in).
"""

from __future__ import annotations

import random

from salontui.store.demo.catalog_data import (
    BOOK_CLOSES,
    BOOK_OPENS,
    BOOKING_NOTES,
    CALLBACK_DONE,
    CANCEL_REASONS,
    EXTRA_TODAY_NOTE,
    LEAVE_NOTE,
    MANAGER,
    NEXT_FOCUS,
    OFF_TODAY_NOTE,
    PLANS,
    SERVICE_NOTES,
    SHOWCASE,
    TECHNICIANS,
)
from salontui.store.demo.state import _State

_KEY_BITS = 21  # as history.py's keys: time << 23 | type << 21 | customer
_SHIFT = _KEY_BITS + 2
_TODAY = 3  # the key type of a visit of today's book
RECEPTIONISTS = (3, 4)  # first-branch ids: who books, checks in and cancels at the desk
SESSION_ONLY = "Dùng gói dịch vụ"  # a visit that only used a package (no plan named)


class _Visit:
    """A visit of today's book (or a walk-in of today), as planned; the simulation fills
    in its invoice."""

    __slots__ = ("branch", "cashier", "code", "customer", "invoice_id", "invoice_t", "services",
                 "start", "status", "tech", "walk_in")

    def __init__(self, branch: int, tech: int, start: int, services: list[int]):
        self.branch, self.tech, self.start, self.services = branch, tech, start, services
        self.status = "booked"
        self.customer = -1
        self.invoice_t = 0
        self.invoice_id = 0
        self.code = ""
        self.cashier = 0
        self.walk_in = False


def _show(stored: str) -> str:
    """A stored date (or time) as the desk shows a date: 23/11/2026."""
    return f"{stored[8:10]}/{stored[5:7]}/{stored[:4]}"


class _Day(_State):
    """The book (methods of the builder)."""

    # -- the staff's weeks ------------------------------------------------------------------
    def weekday(self, day: int) -> int:
        return (self.cal.first_day.weekday() + day) % 7

    def works(self, staff: int, day: int) -> bool:
        """Whether ``staff`` is in the book on history day ``day`` (exceptions first)."""
        found = self.staff_days.get((staff, day))
        if found is not None:
            return found[0]
        return self.work_days.get(staff, "0000000")[self.weekday(day)] == "1"

    def on_duty(self) -> list[list[list[int]]]:
        """Per branch value and weekday, the technician who does a visit the history's draw
        gives to each of the first branch's seven: that one, or on their day off the next
        of the branch at work that weekday."""
        table = []
        for branch in range(self.branches + 1):
            staff, technicians = self.staff_of[branch], self.technicians_of[branch]
            week = []
            for weekday in range(7):
                working = [s for s in technicians if self.work_days[s][weekday] == "1"]
                row = []
                for first in TECHNICIANS:
                    chosen = staff[first]
                    if chosen not in working and working:
                        at = technicians.index(chosen) if chosen in technicians else 0
                        chosen = next(technicians[(at + step) % len(technicians)]
                                      for step in range(1, len(technicians) + 1)
                                      if technicians[(at + step) % len(technicians)] in working)
                    row.append(chosen)
                week.append(row)
            table.append(week)
        return table

    def _exceptions(self) -> None:
        """This week's exceptions to the weekly patterns, as the manager entered them: at
        the first branch a technician off sick today and one in on their day off; at every
        branch a day of leave in three days."""
        cal, today = self.cal, self.today_i
        self.staff_days = {}
        early = min(cal.at_local(today, 7 * 60), self.now_t - 1)  # entered this morning
        for branch in self.book_branches:
            technicians = self.technicians_of[branch]
            manager = self.staff_of[branch][MANAGER]
            working = [s for s in technicians if self.works(s, today)]
            if branch == self.first_branch:
                off = [s for s in technicians if not self.works(s, today)]
                if len(working) > 2:
                    self.staff_days[(working[2], today)] = (False, OFF_TODAY_NOTE, early,
                                                            manager)
                if off:
                    self.staff_days[(off[0], today)] = (True, EXTRA_TODAY_NOTE,
                                                        self.now_t - 2 * 1440, manager)
            later = [s for s in technicians if self.works(s, today + 3)]
            if later:
                who = later[-1]
                self.staff_days[(who, today + 3)] = (False, LEAVE_NOTE, self.now_t - 5 * 1440,
                                                     manager)
        rows = self.s_staff_day.rows
        for (staff, day), (works, note, at, by) in sorted(self.staff_days.items()):
            rows.append((staff, cal.date(day), works, note, cal.ts(at), by))

    # -- rows ------------------------------------------------------------------------------
    def _new_appointment_id(self) -> int:
        self.appointment_id += 1
        return self.appointment_id

    def _write_lines(self, aid: int, start: int, spec: list[tuple[int, str, int]], staff: int,
                     recorded_at: str, recorded_by: int = 0) -> str:
        """The visit's lines one after the other from ``start``; what its history says."""
        rows, ts = self.s_appt_line.rows, self.cal.ts
        said = []
        for position, (item, label, minutes) in enumerate(spec, 1):
            at = ts(start)
            rows.append((aid, position, "service", item, 0, label, staff, at, minutes, 1,
                         recorded_by, recorded_at))
            said.append(f"{label} {at[:16]} {minutes}'" + (f" #{staff}" if staff else ""))
            start += minutes
        return ", ".join(said)

    def _event(self, aid: int, t: int, staff: int, change: str, note: str = "") -> None:
        self.s_appt_event.rows.append((aid, self.cal.ts(t), staff, change, note))

    def _care(self, cid: int, kind: str, title: str, description: str, staff: int,
              t: int) -> int:
        self.care_id += 1
        at = self.cal.ts(t)
        self.s_care.rows.append((self.care_id, cid, kind, title, description, staff, at, at,
                                 ""))
        return self.care_id

    def _follow_up(self, aid: int, cid: int, start: int, labels: str, t: int, staff: int,
                   notes: str, focus: str, step: str, remind: int | None) -> str:
        """A visit's follow-up as ``follow_up.save_follow_up`` writes it: the care note and
        the history row; returns the stored reminder (local midnight of ``remind``)."""
        date_of = self.cal.date
        parts = [notes] if notes else []
        if focus:
            parts.append(f"Trọng tâm lần sau: {focus}")
        if step == "visit":
            parts.append("Bước tiếp theo: đặt lịch lần sau.")
        elif step == "callback" and remind is not None:
            parts.append(f"Bước tiếp theo: gọi lại ngày {_show(date_of(remind))}.")
        day = self.cal.local_day(start)
        self._care(cid, "treatment", f"Lần đến {_show(date_of(day))}: {labels}"[:120],
                   "\n\n".join(parts), staff, t)
        said = {"visit": "tiếp theo: đặt lịch", "callback": "tiếp theo: gọi lại"}.get(step, "")
        if remind is not None:
            said = f"{said} {_show(date_of(remind))}".strip()
        self._event(aid, t, staff, "followed_up", said)
        return "" if remind is None else self.cal.ts(self.cal.at_local(remind, 0))

    # -- the history's appointments -----------------------------------------------------------
    def history_appointment(self, k: int, t: int, day: int, branch: int, tech: int,
                            cashier: int, invoice_id: int, code: str, mine: list[tuple],
                            redeemed, r: float, care_id: int) -> int:
        """The appointment a history visit (at ``t``, invoice ``invoice_id``) was booked as
        (``r`` < 0.06: paid; < 0.015 followed up), or one that never happened three days
        before (cancelled, or a no-show); ``r`` ≥ 0.075: one of the visits of about a month
        ago whose callback is due about now. Returns the care notes' last id."""
        cal = self.cal
        rand = self.rng.random
        cid = k + 1
        self.care_id = care_id
        force = r >= 0.075
        minutes_of = self.minutes_of
        spec = [(row[3], row[6], minutes_of[row[3]]) for row in mine if row[2] == "service"][:2]
        if not spec:  # only a session of a package: the service its plan covers
            covered = None if redeemed is None else self.covered_of.get(redeemed.plan)
            spec = [covered or (0, SESSION_ONLY if redeemed is None else redeemed.name, 60)]
        minutes = sum(m for _i, _l, m in spec)
        opens = day * 1440 - cal.offset + BOOK_OPENS
        starts = max(t - minutes, min(opens, t))
        starts -= starts % 15
        labels = ", ".join(label for _i, label, _m in spec)
        if r < 0.06 or force:
            if force:
                self.callbacks_made += 1
            booked = min(starts, max(self.join_t[k], starts - 1440 * (1 + int(rand() * 6))))
            checked = max(booked, starts - 5)
            aid = self._new_appointment_id()
            said = self._write_lines(aid, starts, spec, tech, cal.ts(booked))
            self._event(aid, booked, cashier, "booked", said)
            self._event(aid, checked, cashier, "checked_in")
            self._event(aid, t, cashier, "paid", code)
            notes = focus = step = reminder = followed = ""
            by = 0
            if r < 0.015 or force:
                notes = SERVICE_NOTES[int(rand() * len(SERVICE_NOTES))]
                focus = NEXT_FOCUS[int(rand() * len(NEXT_FOCUS))]
                step = "visit" if rand() < 0.6 else "callback"
                remind = day + 30
                if force:  # due from nine days ago to tomorrow
                    step, remind = "callback", self.today_i - 11 + 2 * self.callbacks_made
                followed, by = cal.ts(t + 3), cashier
                reminder = self._follow_up(aid, cid, starts, labels, t + 3, cashier, notes,
                                           focus, step, remind)
                if step == "callback" and remind < self.today_i - 14:  # called long ago
                    done = cal.at_local(remind, 10 * 60)
                    note = self._care(cid, "call", "Gọi lại sau dịch vụ",
                                      CALLBACK_DONE[int(rand() * len(CALLBACK_DONE))], cashier,
                                      done)
                    self.s_reminder_done.rows.append(("callback", str(aid), cid, note, cashier,
                                                      cal.ts(done)))
            self.s_appointment.rows.append((
                aid, cid, cal.ts(starts), "paid", invoice_id, "", "", cal.ts(checked), notes,
                focus, reminder, step, followed, by, cal.ts(booked), branch))
        elif starts - 3 * 1440 > max(self.join_t[k], self.branch_opened[branch]):
            status = "cancelled" if r < 0.07 else "no_show"
            starts -= 3 * 1440
            booked = starts - 1440
            aid = self._new_appointment_id()
            said = self._write_lines(aid, starts, spec, tech, cal.ts(booked))
            self._event(aid, booked, cashier, "booked", said)
            reason = ""
            if status == "cancelled":
                reason = CANCEL_REASONS[invoice_id % len(CANCEL_REASONS)]
                self._event(aid, starts - 120, cashier, "cancelled", reason)
            else:
                self._event(aid, starts + 30, cashier, "no_show")
            self.s_appointment.rows.append((
                aid, cid, cal.ts(starts), status, 0, "", reason, "", "", "", "", "", "", 0,
                cal.ts(booked), branch))
        return self.care_id

    # -- today ---------------------------------------------------------------------------------
    def plan_day(self) -> None:
        """Today's book at every branch, and which of its visits are paid by now (their keys,
        type 3, join the history's: ``self.day_plan``). Draws from the day's own stream."""
        cal, today = self.cal, self.today_i
        self.day_rng = rng = random.Random(f"day:{self.seed}")
        rand = rng.random
        services = self.office.services
        self.service_info = [(s.id, s.name, s.duration_minutes or 30) for s in services]
        self.minutes_of = {s.id: s.duration_minutes or 30 for s in services}
        covered_of = {}
        for plan, (_name, _kind, _sessions, _price, _days, covered, _w) in zip(
                self.office.plans, PLANS, strict=True):
            covered_of[plan.id] = self.service_info[covered[0]]
        self.covered_of = covered_of
        self.appointment_id = 0
        self.care_id = 0
        self.book_branches = [self.first_branch, *range(2, self.branches + 1)]
        self._exceptions()
        midnight = cal.at_local(today, 0)
        now_t = self.now_t
        self.today_visits: list[_Visit] = []
        self.day_plan: dict[int, _Visit] = {}
        self.today_customers: set[int] = set()
        table = self.service_table
        for branch in self.book_branches:
            if self.branch_opened[branch] > now_t:
                continue
            visits: list[_Visit] = []
            for tech in [s for s in self.technicians_of[branch] if self.works(s, today)]:
                at = BOOK_OPENS + 15 * int(rand() * 3)
                while True:
                    picks = [table[int(rand() * len(table))]]
                    if rand() < 0.25:
                        second = table[int(rand() * len(table))]
                        if second != picks[0]:
                            picks.append(second)
                    minutes = sum(self.service_info[i][2] for i in picks)
                    if at + minutes > BOOK_CLOSES:
                        break
                    visits.append(_Visit(branch, tech, midnight + at, picks))
                    at += minutes + 15 * int(rand() * 4)
            self._statuses(visits, rand)
            self.today_visits += visits
            if now_t >= midnight + 10 * 60:  # a few walk-ins checked out this morning
                working = sorted({v.tech for v in visits})
                for _walk_in in range(2 + int(rand() * 2)) if working else ():
                    visit = _Visit(branch, working[int(rand() * len(working))],
                                   midnight + BOOK_OPENS + int(rand() * (now_t - midnight - 9 * 60
                                                                          - 60)),
                                   [table[int(rand() * len(table))]])
                    visit.status, visit.walk_in = "paid", True
                    self.today_visits.append(visit)
        self._customers_of_the_day(rand)
        for visit in self.today_visits:
            if visit.status != "paid":
                continue
            ends = visit.start + self._minutes(visit)
            t = min(ends + 5 + int(rand() * 10), now_t - 1)
            key = (t << _SHIFT) | (_TODAY << _KEY_BITS) | visit.customer
            while key in self.day_plan:  # (one customer twice at one minute: a minute on)
                t += 1
                key = (t << _SHIFT) | (_TODAY << _KEY_BITS) | visit.customer
            visit.invoice_t = t
            self.day_plan[key] = visit

    def _minutes(self, visit: _Visit) -> int:
        return sum(self.service_info[i][2] for i in visit.services)

    def _statuses(self, visits: list[_Visit], rand) -> None:
        """Each visit's state by the demo's now: over (paid, or a no-show), under way or
        just over (checked in, "to cashier"), ahead (expected); one running late, one
        cancelled this morning."""
        now_t = self.now_t
        for visit in visits:
            ends = visit.start + self._minutes(visit)
            if ends + 5 <= now_t:
                visit.status = "paid"
            elif visit.start <= now_t:
                visit.status = "checked_in"
        past = [v for v in visits if v.status == "paid"]
        if len(past) > 2:
            past[len(past) // 3].status = "no_show"
            # the visit over last waits at the cashier
            last = max((v for v in past if v.status == "paid"),
                       key=lambda v: v.start + self._minutes(v))
            last.status = "checked_in"
            past = [v for v in past if v.status == "paid"]
        arrived = [v for v in visits if v.status == "checked_in"]
        due = [v for v in arrived if now_t - 60 <= v.start < now_t]
        if len(arrived) > 1 and due:  # running late: not in yet
            max(due, key=lambda v: (v.start, v.tech)).status = "booked"
        ahead = [v for v in visits if v.status == "booked" and v.start > now_t]
        if ahead:
            ahead[int(rand() * len(ahead))].status = "cancelled"
        elif past:
            past[0].status = "cancelled"

    def _customers_of_the_day(self, rand) -> None:
        """A customer for every visit of the day: at the first branch the showcase's three
        checked in (customers 6 to 8), otherwise customers of the branch who joined before
        yesterday, each once (as long as there are enough)."""
        n, home, join_t = self.n, self.home, self.join_t
        chain = self.branches > 1
        used = self.today_customers
        showcase = [k for k in (5, 6, 7) if k < n]
        for visit in sorted(self.today_visits, key=lambda v: (v.start, v.tech)):
            if (visit.status == "checked_in" and visit.branch == self.first_branch
                    and showcase and not visit.walk_in):
                visit.customer = showcase.pop(0)
                used.add(visit.customer)
                continue
            chosen = -1
            for _attempt in range(60):
                k = int(rand() * n)
                if (k in used or (k < SHOWCASE and n > 4 * SHOWCASE)
                        or join_t[k] >= visit.start - 1440
                        or (chain and home[k] != visit.branch)):
                    continue
                chosen = k
                break
            if chosen < 0:  # a tiny salon: someone who came before, again
                chosen = 0
            visit.customer = chosen
            used.add(chosen)

    def write_day(self) -> None:
        """Today's appointments (paid ones with their invoices), their lines, history and
        follow-ups, then the bookings ahead."""
        cal, today, now_t = self.cal, self.today_i, self.now_t
        rand = self.day_rng.random
        self.care_id = self.counters["care"]
        before = self.appointment_id
        paid = [v for v in self.today_visits if v.status == "paid" and not v.walk_in]
        paid.sort(key=lambda v: v.invoice_t)
        followed = {id(v): i for i, v in enumerate(paid[:len(paid) // 2])}
        products = self.office.products
        recorded_one: set[int] = set()
        ahead: list[tuple] = []  # next visits booked by a follow-up
        for visit in sorted(self.today_visits, key=lambda v: (v.branch, v.start, v.tech)):
            if visit.walk_in:
                continue
            k, branch = visit.customer, visit.branch
            cid = k + 1
            staff = self.staff_of[branch]
            desk = staff[RECEPTIONISTS[visit.tech % 2]]
            spec = [self.service_info[i] for i in visit.services]
            labels = ", ".join(label for _i, label, _m in spec)
            ends = visit.start + self._minutes(visit)
            if rand() < 0.2:  # booked this morning, on the phone
                booked = max(self.join_t[k] + 1, min(now_t - 30, visit.start - 60))
            else:
                booked = max(self.join_t[k] + 1, min(now_t - 30,
                                                     visit.start - 1440 * (1 + int(rand() * 6))))
            aid = self._new_appointment_id()
            status = visit.status
            # the technician records the visit (双重稽核) on half the visits paid and on the
            # first visit waiting at a branch's cashier (with a product sold)
            record = ((status == "paid" and rand() < 0.5)
                      or (status == "checked_in" and ends <= now_t and branch not in recorded_one))
            by = visit.tech if record else 0
            recorded_t = min(ends - 2, now_t - 1)
            said = self._write_lines(aid, visit.start, spec, visit.tech,
                                     cal.ts(recorded_t if record else booked), by)
            self._event(aid, booked, desk, "booked", said)
            checked_in = ""
            if status in ("paid", "checked_in"):
                checked = max(booked, visit.start - 5 - int(rand() * 10))
                checked_in = cal.ts(checked)
                self._event(aid, checked, desk, "checked_in")
            if record:
                name = self.staff_names.get(visit.tech, "")
                for _i, label, _m in spec:
                    self._event(aid, recorded_t, visit.tech, "recorded", f"{label} · {name}")
                if status == "checked_in":
                    recorded_one.add(branch)
                    product = products[visit.start % len(products)]
                    self.s_appt_line.rows.append((aid, len(spec) + 1, "product", product.id, 0,
                                                  product.name, visit.tech, "", 0, 1, visit.tech,
                                                  cal.ts(recorded_t)))
                    self._event(aid, recorded_t, visit.tech, "recorded",
                                f"{product.name} · {name}")
            reason = notes = focus = step = reminder = followed_at = ""
            followed_by = 0
            if status == "paid":
                self._event(aid, visit.invoice_t, visit.cashier, "paid", visit.code)
                order = followed.get(id(visit))
                if order is not None:
                    t = min(visit.invoice_t + 2 + int(rand() * 6), now_t - 1)
                    notes = SERVICE_NOTES[int(rand() * len(SERVICE_NOTES))]
                    focus = NEXT_FOCUS[int(rand() * len(NEXT_FOCUS))]
                    step = ("visit", "callback", "")[order % 3]
                    remind = None
                    if step == "visit":
                        day = today + 21 + int(rand() * 14)
                        remind = day - 1
                        ahead.append((k, branch, visit.tech, visit.services, day,
                                      visit.start - cal.at_local(today, 0), t, desk))
                    elif step == "callback":
                        remind = today + 14 + int(rand() * 14)
                    reminder = self._follow_up(aid, cid, visit.start, labels, t, visit.cashier,
                                               notes, focus, step, remind)
                    followed_at, followed_by = cal.ts(t), visit.cashier
            elif status == "no_show":
                self._event(aid, min(visit.start + 20, now_t - 1), desk, "no_show")
            elif status == "cancelled":
                reason = CANCEL_REASONS[int(rand() * len(CANCEL_REASONS))]
                when = max(booked + 1, min(now_t - 30, visit.start - 60))
                self._event(aid, when, desk, "cancelled", reason)
            note = BOOKING_NOTES[int(rand() * len(BOOKING_NOTES))] if rand() < 0.15 else ""
            self.s_appointment.rows.append((
                aid, cid, cal.ts(visit.start), status, visit.invoice_id, note, reason,
                checked_in, notes, focus, reminder, step, followed_at, followed_by,
                cal.ts(booked), branch))
        self.appointments_today = self.appointment_id - before
        for k, branch, tech, picks, day, at, t, desk in ahead:  # the next visits booked
            start = cal.at_local(day, at)
            if not self.works(tech, day):
                tech = 0
            self._booking(k, branch, tech, [self.service_info[i] for i in picks], start, t,
                          desk, "")
        self._bookings_ahead()
        self.counters["care"] = self.care_id

    def _booking(self, k: int, branch: int, tech: int, spec: list[tuple[int, str, int]],
                 start: int, booked: int, desk: int, note: str) -> None:
        cal = self.cal
        aid = self._new_appointment_id()
        said = self._write_lines(aid, start, spec, tech, cal.ts(booked))
        self._event(aid, booked, desk, "booked", said)
        self.s_appointment.rows.append((aid, k + 1, cal.ts(start), "booked", 0, note, "", "", "",
                                        "", "", "", "", 0, cal.ts(booked), branch))

    def _bookings_ahead(self) -> None:
        """Visits booked for the coming three weeks by customers at their own branch, about
        as many as the technicians can take (customer 9 tomorrow): at a technician at work
        and free then, or anyone's (no staff named)."""
        rng = self.rng
        rand = rng.random
        cal, n, today, now_t = self.cal, self.n, self.today_i, self.now_t
        share = min(0.04, 500 * self.branches / n)
        table, info = self.service_table, self.service_info
        busy: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for k in range(n):  # booked for the coming three weeks
            if k in self.deleted or not (k == 8 or rand() < share):
                continue
            day = today + (1 if k == 8 else 1 + int(rand() * 20))
            branch = self.home[k]  # booked at their own branch
            picks = [info[table[int(rand() * len(table))]]]
            if rand() < 0.2:
                picks.append(info[table[int(rand() * len(table))]])
            minutes = sum(m for _i, _l, m in picks)
            slots = max(1, (BOOK_CLOSES - BOOK_OPENS - minutes) // 15 + 1)
            at = BOOK_OPENS + 15 * int(rand() * slots)
            start = cal.at_local(day, at)
            tech = 0
            if rand() < 0.7:
                working = [s for s in self.technicians_of[branch] if self.works(s, day)]
                first = int(rand() * max(1, len(working)))
                for step in range(len(working)):
                    who = working[(first + step) % len(working)]
                    taken = busy.setdefault((who, day), [])
                    if all(start + minutes <= s or start >= e for s, e in taken):
                        taken.append((start, start + minutes))
                        tech = who
                        break
            note = BOOKING_NOTES[int(rand() * len(BOOKING_NOTES))] if rand() < 0.1 else ""
            booked = max(self.join_t[k], now_t - int(rand() * 5 * 1440))
            desk = self.staff_of[branch][RECEPTIONISTS[k % 2]]
            self._booking(k, branch, tech, picks, start, booked, desk, note)

