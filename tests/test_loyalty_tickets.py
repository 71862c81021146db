"""Adjustment tickets (store/loyalty/tickets.py) on both engines: a ticket with three lines
applied once by a manager (points first, then the tier; every entry and tier change names
the ticket; a second apply refused and nothing more written; two desks applying at once:
one wins), a draft changed and cancelled, a ticket read-only once applied or cancelled,
bad input refused at its field with nothing written, and the list's filters."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store import clock
from salontui.store.admin.permissions import NotPermitted
from salontui.store.customers import create_customer, delete_customer
from salontui.store.db import read_session, write_session
from salontui.store.errors import RuleViolation, SalonError, ValidationError
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.loyalty.tickets import (
    TicketLineIn,
    apply_ticket,
    cancel_ticket,
    check_can_apply,
    check_line,
    create_ticket,
    get_ticket,
    list_tags,
    list_tickets,
    update_ticket,
)
from salontui.store.loyalty.tiers import set_tier_by_hand
from salontui.store.models import Customer, Tier
from salontui.store.staff import create_staff

NOW = datetime(2026, 11, 23, 2, 30)  # 09:30 in the salon (UTC+7)


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def people(engine, staff_id, now):
    """A manager, a receptionist, three customers (one with 300 points) and two tiers
    above the first (Gold with a reward of 100 points on reaching it)."""
    with write_session(engine) as s:
        manager = create_staff(s, name="Lê Minh Tuấn", role="manager", staff_id=staff_id).id
        desk = create_staff(s, name="Phạm Thu Trang", role="receptionist", staff_id=staff_id).id
        hương = create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                                phone="0935 320 888").id
        mai = create_customer(s, staff_id=staff_id, name="Lê Thị Mai", phone="0905 123 456").id
        đức = create_customer(s, staff_id=staff_id, name="Phạm Văn Đức", phone="0913 222 333").id
        adjust_points(s, staff_id=staff_id, customer_id=mai, amount=300, reason="Khách quen")
        silver = Tier(name="Silver", position=1, min_spend=5_000_000, created_at=NOW)
        gold = Tier(name="Gold", position=2, min_spend=20_000_000, reward_points=100,
                    created_at=NOW)
        s.add(silver)
        s.add(gold)
        s.flush()
        member = s.execute(text("SELECT id FROM tier WHERE position = 0")).scalar_one()
        return {"member": member, "manager": manager, "desk": desk, "huong": hương,
                "mai": mai, "duc": đức, "silver": silver.id, "gold": gold.id}


def counts(engine) -> dict[str, int]:
    tables = ("adjustment_ticket", "adjustment_line", "ledger_entry", "tier_event",
              "audit_log")
    with read_session(engine) as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def three_lines(p) -> list[TicketLineIn]:
    return [TicketLineIn(p["huong"], points=500, note="Bù điểm hóa đơn lỗi"),
            TicketLineIn(p["mai"], points=-200, tier_id=p["gold"]),
            TicketLineIn(p["duc"], tier_id=p["silver"])]


def test_a_ticket_with_three_lines_applied_once(engine, staff_id, people, now):
    p = people
    with write_session(engine) as s:
        made = create_ticket(s, staff_id=p["desk"], note="Đối soát tháng 11",
                             tags="sửa lỗi, VIP ,  vip", lines=three_lines(p))
    ticket = made.ticket
    assert (ticket.code, ticket.status, ticket.lines, ticket.tags) == (
        "DC000001", "waiting", 3, ("sửa lỗi", "VIP"))
    assert ticket.created_by == "Phạm Thu Trang"
    assert [(x.code, x.name, x.phone, x.points, x.tier_name, x.current_tier, x.balance)
            for x in made.lines] == [
        ("KH000001", "Nguyễn Thị Hương", "+84935320888", 500, None, "Member", 0),
        ("KH000002", "Lê Thị Mai", "+84905123456", -200, "Gold", "Member", 300),
        ("KH000003", "Phạm Văn Đức", "+84913222333", 0, "Silver", "Member", 0)]

    # A receptionist drafts; she may not apply.
    before = counts(engine)
    with pytest.raises(RuleViolation) as refused, write_session(engine) as s:
        apply_ticket(s, staff_id=p["desk"], ticket_id=ticket.id)
    assert isinstance(refused.value, NotPermitted) and "manager" in refused.value.message
    assert counts(engine) == before
    with read_session(engine) as s:
        with pytest.raises(RuleViolation):
            check_can_apply(s, staff_id=p["desk"])
        check_can_apply(s, staff_id=p["manager"])

    with clock.pinned(NOW + timedelta(hours=1)), write_session(engine) as s:
        applied = apply_ticket(s, staff_id=p["manager"], ticket_id=ticket.id)
    assert applied.ticket.status == "applied"
    assert applied.ticket.applied_by == "Lê Minh Tuấn"
    assert applied.ticket.applied_at == NOW + timedelta(hours=1)
    with read_session(engine) as s:
        entries = s.execute(text(
            "SELECT customer_id, amount, kind, reason, ref_type, ref_id FROM ledger_entry "
            "WHERE ref_type = 'ticket' ORDER BY id")).all()
        assert [tuple(e) for e in entries] == [
            (p["huong"], 500, "adjust", "DC000001 · Bù điểm hóa đơn lỗi", "ticket", ticket.id),
            (p["mai"], -200, "adjust", "DC000001 · Đối soát tháng 11", "ticket", ticket.id)]
        events = s.execute(text(
            "SELECT customer_id, to_tier_id, ticket_id, reason FROM tier_event "
            "WHERE ticket_id IS NOT NULL ORDER BY id")).all()
        assert [(e[0], e[1], e[2]) for e in events] == [
            (p["mai"], p["gold"], ticket.id), (p["duc"], p["silver"], ticket.id)]
        assert all("DC000001" in e[3] for e in events)
        mai = s.get(Customer, p["mai"])
        assert (mai.tier_id, mai.tier) == (p["gold"], "Gold")
        assert s.get(Customer, p["duc"]).tier == "Silver"
        # Points first, then the tier: the deduction is taken from the 300 she had, before
        # Gold's reward of 100 on reaching it.
        mai_points = s.execute(text(
            "SELECT amount FROM ledger_entry WHERE customer_id = :c AND account = 'points' "
            "ORDER BY id"), {"c": p["mai"]}).scalars().all()
        assert mai_points[:3] == [300, -200, 100]
        assert points_balance(s, customer_id=p["mai"]) == 200
        assert points_balance(s, customer_id=p["huong"]) == 500
        actions = s.execute(text(
            "SELECT action FROM audit_log WHERE entity = 'adjustment_ticket' ORDER BY id"
        )).scalars().all()
        assert actions == ["create_ticket", "apply_ticket"]

    # Applying twice is impossible: said with who applied it and when; nothing written.
    before = counts(engine)
    for staff in (p["manager"], staff_id):  # the manager again, the owner
        with pytest.raises(RuleViolation) as refused, write_session(engine) as s:
            apply_ticket(s, staff_id=staff, ticket_id=ticket.id)
        assert refused.value.field == "ticket"
        assert "DC000001 was already applied by Lê Minh Tuấn on 23/11/2026 at 10:30" in (
            refused.value.message)
    # Nor changed or cancelled once applied.
    with pytest.raises(RuleViolation, match="already applied"), write_session(engine) as s:
        update_ticket(s, staff_id=p["manager"], ticket_id=ticket.id, note="x", tags="",
                      lines=three_lines(p))
    with pytest.raises(RuleViolation, match="already applied"), write_session(engine) as s:
        cancel_ticket(s, staff_id=p["manager"], ticket_id=ticket.id)
    assert counts(engine) == before


def test_two_desks_applying_at_once_one_wins(engine, people, now):
    p = people
    with write_session(engine) as s:
        ticket = create_ticket(s, staff_id=p["desk"], lines=three_lines(p)).ticket
    with write_session(engine) as s:
        owner = create_staff(s, name="Trần Văn Chủ", role="owner", staff_id=p["manager"]).id
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def desk(staff: int) -> None:
        start.wait()
        try:
            with write_session(engine) as s:
                outcomes.append(apply_ticket(s, staff_id=staff, ticket_id=ticket.id)
                                .ticket.status)
        except SalonError as error:
            outcomes.append("refused: " + error.message)
        except Exception as error:  # every failure is the finding
            outcomes.append(f"error: {error!r}")

    threads = [threading.Thread(target=desk, args=(staff,)) for staff in (p["manager"], owner)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcomes.sort()
    assert outcomes[0] == "applied", outcomes
    assert outcomes[1].startswith("refused: DC000001 was already applied by"), outcomes
    with read_session(engine) as s:
        assert s.execute(text("SELECT count(*) FROM ledger_entry WHERE ref_type = 'ticket'")
                         ).scalar_one() == 2
        assert s.execute(text("SELECT count(*) FROM tier_event WHERE ticket_id = :t"),
                         {"t": ticket.id}).scalar_one() == 2
        assert points_balance(s, customer_id=p["mai"]) == 200


def test_a_draft_is_changed_then_cancelled_and_is_read_only_after(engine, people, now):
    p = people
    with write_session(engine) as s:
        ticket = create_ticket(s, staff_id=p["desk"], note="Nháp",
                               lines=[TicketLineIn(p["huong"], points=50)]).ticket
    with write_session(engine) as s:
        changed = update_ticket(s, staff_id=p["desk"], ticket_id=ticket.id, note="Sửa lại",
                                tags="Tết", lines=[TicketLineIn(p["mai"], points=-100),
                                                   TicketLineIn(p["duc"], points=20)])
    assert (changed.ticket.note, changed.ticket.tags, changed.ticket.lines) == (
        "Sửa lại", ("Tết",), 2)
    assert [x.name for x in changed.lines] == ["Lê Thị Mai", "Phạm Văn Đức"]
    before = counts(engine)
    with write_session(engine) as s:
        cancelled = cancel_ticket(s, staff_id=p["desk"], ticket_id=ticket.id)
    assert cancelled.ticket.status == "cancelled"
    assert cancelled.ticket.cancelled_by == "Phạm Thu Trang"
    after = counts(engine)
    assert after["audit_log"] == before["audit_log"] + 1
    assert after["ledger_entry"] == before["ledger_entry"]  # a cancelled ticket moved nothing
    for attempt in (
        lambda s: apply_ticket(s, staff_id=p["manager"], ticket_id=ticket.id),
        lambda s: update_ticket(s, staff_id=p["desk"], ticket_id=ticket.id, note="", tags="",
                                lines=[TicketLineIn(p["huong"], points=1)]),
        lambda s: cancel_ticket(s, staff_id=p["desk"], ticket_id=ticket.id),
    ):
        with pytest.raises(RuleViolation) as refused, write_session(engine) as s:
            attempt(s)
        assert "DC000001 was cancelled by Phạm Thu Trang on 23/11/2026 at 09:30" in (
            refused.value.message)
    assert counts(engine) == after


def test_bad_input_is_refused_at_its_field_and_nothing_is_written(engine, people, now):
    p = people
    with write_session(engine) as s:
        retired = Tier(name="Bronze", position=3, active=False, created_at=NOW)
        s.add(retired)
        s.flush()
        retired_id = retired.id
        gone = create_customer(s, staff_id=p["manager"], name="Đặng Văn Lâm",
                               phone="0912 345 678").id
        delete_customer(s, staff_id=p["manager"], customer_id=gone)
        out = create_customer(s, staff_id=p["manager"], name="Võ Thị Sáu",
                              phone="0987 654 321").id
        lan = create_customer(s, staff_id=p["manager"], name="Hồ Ngọc Lan",
                              phone="0977 111 222").id
        s.get(Customer, out).member_state = "excluded"
    ok = TicketLineIn(p["huong"], points=10)
    cases = [
        ({"lines": []}, "lines", "at least one line"),
        ({"note": "x" * 501}, "note", "500"),
        ({"note": "a\x00b"}, "note"),
        ({"tags": "t" * 31}, "tags", "30"),
        ({"tags": ",".join(f"{n:02d}" + "t" * 27 for n in range(8))}, "tags", "200"),
        ({"lines": [TicketLineIn(999_999, points=10)]}, "line0.customer", "#999999"),
        ({"lines": [ok, TicketLineIn(p["mai"])]}, "line1.points", "points, a new tier"),
        ({"lines": [TicketLineIn(p["huong"], tier_id=999)]}, "line0.tier", "#999"),
        ({"lines": [TicketLineIn(p["huong"], tier_id=retired_id)]}, "line0.tier", "retired"),
        ({"lines": [TicketLineIn(p["huong"], tier_id=p["member"])]}, "line0.tier",
         "Nguyễn Thị Hương is already in Member"),
        ({"lines": [ok, TicketLineIn(p["mai"], 5), TicketLineIn(p["huong"], 3)]},
         "line2.customer", "Nguyễn Thị Hương is on the ticket twice"),
        ({"lines": [TicketLineIn(p["huong"], points=100_000_001)]}, "line0.points"),
        ({"lines": [TicketLineIn(p["huong"], points=-100_000_001)]}, "line0.points"),
        ({"lines": [TicketLineIn(p["huong"], points=True)]}, "points"),  # type: ignore[arg-type]
        ({"lines": [TicketLineIn(p["huong"], points=5, note="n" * 251)]}, "line0.note", "250"),
        ({"lines": [TicketLineIn(gone, points=5)]}, "line0.customer", "Đặng Văn Lâm is deleted"),
        ({"lines": [TicketLineIn(out, points=5)]}, "line0.points", "Võ Thị Sáu is excluded"),
        ({"staff_id": p["desk"] + 1000}, "staff"),
    ]

    def written():
        return counts(engine)

    def create(changes):
        args = {"staff_id": p["desk"], "note": "", "tags": "", "lines": [ok]} | changes
        with write_session(engine) as s:
            create_ticket(s, **args)

    assert refused_wrongly(cases, create, written, error=SalonError) == []
    with write_session(engine) as s:
        draft = create_ticket(s, staff_id=p["desk"], lines=[ok]).ticket

    def update(changes):
        args = {"staff_id": p["desk"], "ticket_id": draft.id, "note": "", "tags": "",
                "lines": [ok]} | changes
        with write_session(engine) as s:
            update_ticket(s, **args)

    assert refused_wrongly([*cases, ({"ticket_id": 999}, "ticket")], update, written,
                           error=SalonError) == []

    # One line on its own (the line dialog) is refused at the line's own field.
    line_cases = [
        ({"line": TicketLineIn(p["huong"])}, "points"),
        ({"line": TicketLineIn(p["huong"], tier_id=999)}, "tier"),
        ({"line": TicketLineIn(999_999, points=1)}, "customer"),
        ({"line": TicketLineIn(p["huong"], 1, note="n" * 251)}, "note"),
    ]

    def one_line(changes):
        with read_session(engine) as s:
            check_line(s, **changes)

    assert refused_wrongly(line_cases, one_line, written, error=SalonError) == []
    with read_session(engine) as s:
        preview = check_line(s, line=TicketLineIn(p["mai"], points=-50, tier_id=p["silver"]))
    assert (preview.name, preview.balance, preview.tier_name, preview.id) == (
        "Lê Thị Mai", 300, "Silver", None)

    # Apply: the whole ticket refused, the customer named, when one line cannot go.
    with write_session(engine) as s:
        short = create_ticket(s, staff_id=p["desk"], lines=[
            TicketLineIn(lan, points=100), TicketLineIn(p["mai"], points=-301)]).ticket
        soon_out = create_ticket(s, staff_id=p["desk"], lines=[
            TicketLineIn(p["duc"], points=5, tier_id=p["silver"])]).ticket
        soon_gone = create_ticket(s, staff_id=p["desk"], lines=[
            TicketLineIn(p["huong"], tier_id=p["gold"])]).ticket
        moved = create_ticket(s, staff_id=p["desk"], lines=[
            TicketLineIn(lan, points=5), TicketLineIn(p["mai"], tier_id=p["silver"])]).ticket
        s.get(Customer, p["duc"]).member_state = "excluded"
    with write_session(engine) as s:
        delete_customer(s, staff_id=p["manager"], customer_id=p["huong"])
        set_tier_by_hand(s, staff_id=p["manager"], customer_id=p["mai"], tier_id=p["silver"],
                         reason="Khách thân thiết")
    apply_cases = [
        ({"ticket_id": short.id}, "lines", "Lê Thị Mai: only 300 points left; cannot deduct 301"),
        ({"ticket_id": soon_out.id}, "lines", "Phạm Văn Đức is excluded"),
        ({"ticket_id": soon_gone.id}, "lines", "Nguyễn Thị Hương is deleted"),
        ({"ticket_id": moved.id}, "lines", "Lê Thị Mai is already in Silver"),
        # A receptionist with a ticket refused anyway hears why, not "needs a manager":
        # no manager is called over for it (a good ticket: NotPermitted, above).
        ({"ticket_id": short.id, "staff_id": p["desk"]}, "lines", "only 300 points left"),
        ({"ticket_id": 999}, "ticket"),
    ]

    def apply(changes):
        with write_session(engine) as s:
            apply_ticket(s, **({"staff_id": p["manager"]} | changes))

    assert refused_wrongly(apply_cases, apply, written, error=SalonError) == []
    with read_session(engine) as s:
        assert {r.status for r in list_tickets(s).rows} == {"waiting"}


def test_the_list_filters_by_status_tag_and_day(engine, people, now):
    p = people
    day = date(2026, 11, 23)

    def make(at: datetime, tags: str, points: int = 10):
        with clock.pinned(at), write_session(engine) as s:
            return create_ticket(s, staff_id=p["desk"], tags=tags, note=f"{at:%d/%m}",
                                 lines=[TicketLineIn(p["huong"], points=points)]).ticket

    # 23:30 in the salon on the 20th is 16:30 UTC: the salon's day, not the machine's.
    first = make(datetime(2026, 11, 20, 16, 30), "VIP,Tết")
    second = make(datetime(2026, 11, 21, 3, 0), "sửa lỗi")
    third = make(datetime(2026, 11, 22, 3, 0), "vip")
    fourth = make(datetime(2026, 11, 23, 2, 0), "")
    with write_session(engine) as s:
        apply_ticket(s, staff_id=p["manager"], ticket_id=second.id)
        cancel_ticket(s, staff_id=p["desk"], ticket_id=third.id)
    with read_session(engine) as s:
        page = list_tickets(s)
        assert [r.code for r in page.rows] == ["DC000004", "DC000003", "DC000002", "DC000001"]
        assert page.total == 4
        assert page.counts == {"waiting": 2, "applied": 1, "cancelled": 1}
        assert page.rows[2].applied_by == "Lê Minh Tuấn" and page.rows[2].lines == 1
        assert [r.id for r in list_tickets(s, status="waiting").rows] == [fourth.id, first.id]
        assert list_tickets(s, status="waiting").total == 2
        # A tag ignoring case and accents; the counts follow the other filters.
        vip = list_tickets(s, tag="vip")
        assert [r.id for r in vip.rows] == [third.id, first.id]
        assert vip.counts == {"waiting": 1, "cancelled": 1}
        assert [r.id for r in list_tickets(s, tag="sua loi").rows] == [second.id]
        assert list_tickets(s, tag="Tế").rows == ()  # a whole tag, not a part of one
        assert list_tickets(s, tag="100%").total == 0
        assert [r.id for r in list_tickets(s, date_from=date(2026, 11, 21),
                                           date_to=date(2026, 11, 22)).rows] == [
            third.id, second.id]
        assert [r.id for r in list_tickets(s, date_to=date(2026, 11, 20)).rows] == [first.id]
        assert [r.id for r in list_tickets(s, date_from=day).rows] == [fourth.id]
        assert [r.id for r in list_tickets(s, status="waiting", tag="VIP",
                                           date_from=date(2026, 11, 20)).rows] == [first.id]
        # Paged: the counts are of everything matching, the rows of the page.
        paged = list_tickets(s, limit=2, offset=2)
        assert [r.id for r in paged.rows] == [second.id, first.id] and paged.total == 4
        assert list_tags(s) == ["sửa lỗi", "Tết", "VIP"]
        detail = get_ticket(s, second.id)
        assert detail.ticket.status == "applied" and detail.lines[0].balance == 10
        for bad, field in (({"status": "done"}, "status"), ({"limit": 0}, "limit"),
                           ({"offset": -1}, "limit"), ({"tag": "t" * 31}, "tag"),
                           ({"date_from": day, "date_to": day - timedelta(days=1)}, "date_to")):
            with pytest.raises(ValidationError) as refused:
                list_tickets(s, **bad)
            assert refused.value.field == field, bad
