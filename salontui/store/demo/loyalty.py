"""The demo's loyalty programme: each customer's tier, the few moved by hand, points bought
into vouchers and members whose phone changed, written the way the store writes them.

The salon set its tiers up this afternoon (``office.py``: Silver, Gold and Diamond through
``loyalty.tier_admin.create_tier``, a minute before now), and every customer was then ranked
by the store's rule: their ranking spend over the salon's 12 months (``summary.spend_sql``
under the default "a top-up counts when spent": what they paid for services, products and
packages, less what points or a waiver paid, net of refunds; the history adds it up as it
goes, ``history.py``), the highest tier whose threshold it reaches. No sale before earned
a tier's benefit (there were no tiers), so the history is as it was. A customer ranked
above the first tier has one row of tier history (from Member, why, when, by the owner),
the audit row ``refresh_tier`` writes for it, and, an active member, the tier's one-time
reward (a ``reward`` entry of the points ledger naming the tier). A deleted customer is
not ranked (Member).

Then, the same minute, the showcase of the rules:

* three customers moved up one tier by hand (``set_tier_by_hand``: held "up", a second
  row of history saying why, the reward of the tier reached);
* three adjustment tickets (``loyalty.tickets``): one applied by the manager (points given
  to one member, an entry naming the ticket's code; another moved up a tier, the history
  naming the ticket), one waiting, one cancelled;
* every excluded member has the reason they were excluded (``customer.member_reason``);
* three members bought a voucher with points (a programme with a points price:
  ``promotions.redeem_points_for_code``: the code, the points taken off by an adjustment
  naming the programme and the code, both audit rows);
* two members changed their phone, approved by the manager, the points and tier kept
  with the new number (``loyalty.phone.change_phone``: the old number in
  ``customer_phone``, a care note, the ``phone_change`` audit row).

Everything here happens at one moment, the minute before now (``rank_at``), after every
row of the history, so the rows it appends keep the tables' order by time.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from salontui.store.demo.catalog_data import (
    EXCLUDED_REASONS,
    HELD_UP,
    MANAGER,
    OWNER,
    PHONE_PREFIXES,
    RANKED,
    SETTINGS,
    SHOWCASE,
    STAFF,
    TICKETS,
)
from salontui.store.demo.history import _PTS, _SPEND
from salontui.store.demo.state import _State

RECEPTIONIST = 3  # who typed in the phone changes (the manager approved them)
HELD = 3  # customers moved up by hand
REDEEMERS = 3  # members who bought a voucher with points
PHONES = 2  # members whose phone changed


def _dumps(value) -> str:
    """As the audit log writes it (``audit._dumps``)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class _Loyalty(_State):
    """The ranking and the loyalty showcase (methods of the builder)."""

    def rank_window(self) -> None:
        """The moment the customers are ranked (``rank_at``: a minute before now, after
        the tiers are made) and the first minute of their ranking period
        (``rank_from``): the salon's months back from it, as the store counts them."""
        from salontui.store.loyalty.tiers import months_before

        self.rank_at = self.now_t - 1
        start = datetime.combine(self.cal.first_day, time())
        months = SETTINGS["tier_period_months"]
        assert isinstance(months, int)
        since = months_before(start + timedelta(minutes=self.rank_at), months)
        self.rank_from = int((since - start).total_seconds() // 60)

    # -- the moment -----------------------------------------------------------------------
    def _iso(self, t: int) -> str:
        """A time as the audit log's JSON writes it (datetime.isoformat)."""
        return (datetime.combine(self.cal.first_day, time()) + timedelta(minutes=t)).isoformat()

    def _entry_id(self) -> int:
        """The id the next ledger entry gets (the load numbers them as they come)."""
        return self.sink.counts.get("ledger_entry", 0) + len(self.s_ledger.rows) + 1

    def loyalty(self) -> None:
        """Rank every customer, then the showcase (see the module). Sets, per customer,
        ``tier_level`` (index in the back office's tiers), ``tier_hold`` and, for a phone
        changed, the number now (``new_phone``); writes the rows of everything else."""
        self._audit_until(self.cal.ts(self.now_t))  # the back office's (the tiers made)
        self.tier_level = bytearray(self.n)
        self.tier_hold: dict[int, str] = {}
        self.new_phone: dict[int, str] = {}
        self.tier_event_id = 0
        stamp = self.cal.ts(self.rank_at)
        self._rank(stamp)
        self._hold_up(stamp)
        self._tickets(stamp)
        self._redeem(stamp)
        self._change_phones(stamp)
        self.counters["care"] = self.care_id

    def live(self, k: int) -> bool:
        return k not in self.deleted

    # -- tiers ----------------------------------------------------------------------------
    def _rank(self, stamp: str) -> None:
        tiers = self.office.tiers
        floors = [t.min_spend for t in tiers]
        st, level_of = self.st, self.tier_level
        for k in range(self.n):
            if not self.live(k):
                continue
            spend = st[(k << 3) + _SPEND]
            level = 0
            for i in range(len(floors) - 1, 0, -1):
                if spend >= floors[i]:
                    level = i
                    break
            if level:
                level_of[k] = level
                self._tier_event(k, 0, level, stamp, reason=RANKED, staff=OWNER,
                                 action="tier_change", hold="")

    def _tier_event(self, k: int, old: int, new: int, stamp: str, *, reason: str, staff: int,
                    action: str, hold: str, ticket_id: int | None = None) -> None:
        """One row of the customer's tier history, the reward of the tier reached (an
        active member's, once) and the audit row, as ``tiers._move`` writes them."""
        tiers = self.office.tiers
        cid = k + 1
        self.tier_event_id += 1
        event_id = self.tier_event_id
        self.s_tier_event.rows.append((event_id, cid, tiers[old].id, tiers[new].id, reason,
                                       ticket_id or 0, stamp, staff))
        reward = tiers[new].reward_points if new > old and self.active[k] else 0
        if reward:
            self.s_ledger.rows.append((cid, "points", 0, stamp, reward, "reward",
                                       f"Thưởng khi lên hạng {tiers[new].name}", "tier",
                                       tiers[new].id, staff))
            self.st[(k << 3) + _PTS] += reward
        self.s_audit.rows.append((
            stamp, staff, action, "customer", cid,
            _dumps({"tier_id": tiers[old].id, "tier": tiers[old].name,
                    "hold": self.tier_hold.get(k, ""), "tier_before_id": None}),
            _dumps({"tier_id": tiers[new].id, "tier": tiers[new].name, "hold": hold,
                    "tier_before_id": None, "reason": reason, "ticket_id": ticket_id,
                    "event_id": event_id, "reward_points": reward})))

    def _hold_up(self, stamp: str) -> None:
        """The owner moves a few members up one tier by hand (held up)."""
        top = len(self.office.tiers) - 1
        held = 0
        for k in range(SHOWCASE, self.n):
            if held == HELD:
                break
            level = self.tier_level[k]
            if not self.live(k) or not self.active[k] or level >= top:
                continue
            self._tier_event(k, level, level + 1, stamp, reason=HELD_UP[held], staff=OWNER,
                             action="set_tier_by_hand", hold="up")
            self.tier_level[k] = level + 1
            self.tier_hold[k] = "up"
            held += 1

    # -- adjustment tickets -----------------------------------------------------------------
    def _tickets(self, stamp: str) -> None:
        """The tickets of TICKETS, each on members of its own (live, active, not moved by
        hand, below the top tier), as ``create_ticket``, ``apply_ticket`` and
        ``cancel_ticket`` write them."""
        top = len(self.office.tiers) - 1
        picked = iter(k for k in range(max(SHOWCASE, self.n // 2), self.n)
                      if self.live(k) and self.active[k] and k not in self.tier_hold
                      and self.tier_level[k] < top)
        for ticket_id, (status, note, tags, lines) in enumerate(TICKETS, start=1):
            chosen = [next(picked, None) for _line in lines]
            if None in chosen:  # (a demo too small for them)
                return
            code = f"DC{ticket_id:06d}"
            written = []
            for k, (points, up, line_note) in zip(chosen, lines, strict=True):
                assert k is not None
                tier_id = self.office.tiers[self.tier_level[k] + 1].id if up else None
                written.append((k, points, tier_id, line_note))
                self.s_ticket_line.rows.append((ticket_id, k + 1, points, tier_id or 0,
                                                line_note))
            self.counters["ticket"] = ticket_id
            applied = status == "applied"
            self.s_ticket.rows.append((
                ticket_id, code, note, tags, status, stamp, RECEPTIONIST,
                stamp if applied else "", MANAGER if applied else 0,
                stamp if status == "cancelled" else "",
                MANAGER if status == "cancelled" else 0))
            self.s_audit.rows.append((stamp, RECEPTIONIST, "create_ticket", "adjustment_ticket",
                                      ticket_id, None, _dumps({
                                          "code": code, "note": note, "tags": tags,
                                          "lines": [{"customer_id": k + 1, "points": points,
                                                     "tier_id": tier_id, "note": line_note}
                                                    for k, points, tier_id, line_note
                                                    in written]})))
            if status == "cancelled":
                self.s_audit.rows.append((stamp, MANAGER, "cancel_ticket", "adjustment_ticket",
                                          ticket_id, _dumps({"status": "waiting"}),
                                          _dumps({"status": "cancelled", "code": code})))
            if applied:
                self._apply_ticket(ticket_id, code, note, written, stamp)

    def _apply_ticket(self, ticket_id: int, code: str, note: str, lines: list[tuple],
                      stamp: str) -> None:
        """Points first, then the tier, line by line; the ticket's own audit row last."""
        done = []
        for k, points, tier_id, line_note in lines:
            cid = k + 1
            reason = f"{code} · {line_note or note}" if line_note or note else code
            line: dict = {"customer_id": cid}
            if points:
                b = k << 3
                before = self.st[b + _PTS]
                entry_id = self._entry_id()
                self.s_ledger.rows.append((cid, "points", 0, stamp, points, "adjust", reason,
                                           "ticket", ticket_id, MANAGER))
                self.st[b + _PTS] = before + points
                self.s_audit.rows.append((stamp, MANAGER, "ticket_points", "customer", cid,
                                          _dumps({"points": before}),
                                          _dumps({"points": before + points, "amount": points,
                                                  "reason": reason, "entry_id": entry_id,
                                                  "ticket_id": ticket_id})))
                line.update(points=points, points_before=before)
            if tier_id is not None:
                level = self.tier_level[k]
                self._tier_event(k, level, level + 1, stamp, reason=reason, staff=MANAGER,
                                 action="set_tier_by_hand", hold="up", ticket_id=ticket_id)
                self.tier_level[k] = level + 1
                self.tier_hold[k] = "up"
                line["tier_id"] = tier_id
            done.append(line)
        self.s_audit.rows.append((stamp, MANAGER, "apply_ticket", "adjustment_ticket",
                                  ticket_id, _dumps({"status": "waiting"}),
                                  _dumps({"status": "applied", "code": code, "lines": done})))

    # -- vouchers bought with points ------------------------------------------------------
    def _redeem(self, stamp: str) -> None:
        priced = sorted((p for p in self.office.programs if p.points_price),
                        key=lambda p: (p.points_price, p.id))
        if not priced:
            return
        program = priced[0]
        price = program.points_price
        assert price is not None
        bought = 0
        st = self.st
        for k in range(SHOWCASE, self.n):
            if bought == REDEEMERS:
                break
            b = k << 3
            if not self.live(k) or not self.active[k] or st[b + _PTS] < price:
                continue
            self._buy(k, program, price, stamp)
            bought += 1

    def _buy(self, k: int, program, price: int, stamp: str) -> None:
        cid = k + 1
        staff = RECEPTIONIST
        self.counters["promotion"] += 1
        promo_id = self.counters["promotion"]
        code = f"{program.prefix}KM{promo_id:06d}"
        note = f"Đổi bằng {price:,} điểm".replace(",", ".")
        self.promos.append([promo_id, cid, program.id, code, stamp, None, None, None, note])
        self.s_audit.rows.append((stamp, staff, "give_promotion", "customer_promotion",
                                  promo_id, None, _dumps({
                                      "id": promo_id, "customer_id": cid,
                                      "program_id": program.id, "code": code,
                                      "created_at": self._iso(self.rank_at),
                                      "expires_on": None, "used_on": None,
                                      "invoice_id": None, "note": note})))
        reason = f"Đổi điểm lấy mã '{program.name}': {code}"
        entry_id = self._entry_id()
        self.s_ledger.rows.append((cid, "points", 0, stamp, -price, "adjust", reason,
                                   "adjustment", None, staff))
        b = k << 3
        before = self.st[b + _PTS]
        self.st[b + _PTS] = before - price
        self.s_audit.rows.append((stamp, staff, "adjust_points", "customer", cid,
                                  _dumps({"points": before}),
                                  _dumps({"points": before - price, "amount": -price,
                                          "reason": reason, "entry_id": entry_id})))

    # -- phones changed -------------------------------------------------------------------
    def _change_phones(self, stamp: str) -> None:
        """Two members changed their number this afternoon; the manager approved, the
        points and tier stay with the profile (keep with the new number)."""
        from salontui.store.phones import format_phone

        changed = 0
        number = 0
        approver = STAFF[MANAGER - 1][0]
        for k in range(self.n - 1, SHOWCASE - 1, -1):  # among the newest customers
            if changed == PHONES:
                break
            if not self.live(k) or not self.active[k]:
                continue
            old = self.cust[k][7]
            while True:  # a number nobody has (the people's draws are not touched)
                number += 7_919_993
                candidate = number % (len(PHONE_PREFIXES) * 10_000_000)
                if candidate not in self.used_phones:
                    self.used_phones.add(candidate)
                    break
            new = PHONE_PREFIXES[candidate // 10_000_000] + f"{candidate % 10_000_000:07d}"
            self.new_phone[k] = new
            cid = k + 1
            old_e164, new_e164 = "+84" + old[1:], "+84" + new[1:]
            self.s_customer_phone.rows.append((cid, old_e164, old, old[::-1], stamp,
                                               RECEPTIONIST, MANAGER))
            self.care_id += 1
            shown_old, shown_new = format_phone(old_e164), format_phone(new_e164)
            self.s_care.rows.append((
                self.care_id, cid, "care", f"Đổi số điện thoại sang {shown_new}",
                f"Số cũ {shown_old} được giữ trong lịch sử; điểm và hạng vẫn ở hồ sơ này. "
                f"{approver} duyệt.", RECEPTIONIST, stamp, stamp, ""))
            self.s_audit.rows.append((stamp, RECEPTIONIST, "phone_change", "customer", cid,
                                      _dumps({"phone": old_e164}),
                                      _dumps({"phone": new_e164, "new_phone": new_e164,
                                              "keep_with": "new", "customer_id": cid,
                                              "code": f"KH{cid:06d}", "approved_by": MANAGER,
                                              "approver": approver})))
            changed += 1

    # -- the customer's row ---------------------------------------------------------------
    def tier_columns(self, k: int) -> tuple[str, int, str, str]:
        """The customer's tier name, tier id, hold and the reason they are excluded."""
        tier = self.office.tiers[self.tier_level[k]]
        reason = EXCLUDED_REASONS[k % len(EXCLUDED_REASONS)] \
            if self.state[k] == "excluded" else ""
        return tier.name, tier.id, self.tier_hold.get(k, ""), reason
