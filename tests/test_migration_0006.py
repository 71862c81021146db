"""Migration 0006 on a salon written at 0005: each appointment's free-text services become
its lines without losing a word, its staff stays on every line, a follow-up stays one,
technicians are in the book every day and the book's old 30-minute slot becomes 15."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from salontui.store.check import run_checks
from salontui.store.day.appointments import get_appointment
from salontui.store.db import make_engine, read_session
from salontui.store.models import Appointment, AppointmentLine, table_of
from salontui.store.schema import upgrade

CREATED = datetime(2026, 11, 20, 2, 0)
STARTS = datetime(2026, 11, 21, 3, 0)  # 10:00 at the salon
TWO = "Cắt tóc nữ,  Gội đầu dưỡng sinh"  # (two spaces: the parts are matched as written)
UNKNOWN = "Dịch vụ cũ không có trong danh mục"
# Services as the catalogue had them at 0005, by id: (name, minutes, active). A retired
# "Cắt tóc nữ" came first: the active one is matched; a service without a duration is
# given 30 minutes.
SERVICES = {10: ("Cắt tóc nữ", 60, False), 11: ("Cắt tóc nữ", 45, True),
            12: ("Gội đầu dưỡng sinh", 30, True), 13: ("Ủ tóc", None, True)}


@pytest.fixture
def old_engine(db_url):
    """A database at revision 0005 (an empty one on PostgreSQL, migrated here)."""
    engine = make_engine(db_url)
    upgrade(engine, "0005")
    yield engine
    engine.dispose()


def _insert(conn, table: str, **values) -> None:
    """A row as it was at 0005 (the table read from the database itself)."""
    found = sa.Table(table, sa.MetaData(), autoload_with=conn)
    conn.execute(found.insert().values(**values))


def _old_salon(engine, *, slot_minutes: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM salon_settings"))
        _insert(conn, "salon_settings", id=1, name="Salon", address="", phone="",
                receipt_footer="", currency="VND", currency_exponent=0, locale="vi_VN",
                phone_region="VN", points_per_amount=10_000, point_value=100,
                utc_offset_minutes=420, receipt_header="",
                opening_hours=",".join(["09:00-20:00"] * 7), slot_minutes=slot_minutes)
        for staff_id, name, role in ((1, "Phạm Thị Hoa Mai", "owner"),
                                     (2, "Huỳnh Thị Kim Ngân", "technician"),
                                     (3, "Trần Văn Khoa", "technician"),
                                     (4, "Võ Ngọc Hân", "receptionist")):
            _insert(conn, "staff", id=staff_id, name=name, role=role, active=True,
                    created_at=CREATED)
        _insert(conn, "customer", id=1, code="KH000001", name="Nguyễn Thị Hương",
                name_norm="nguyen thi huong", phone="+84935320888",
                phone_national="0935320888", phone_rev="8880235390", gender="female",
                email="", address="", note="", tier="Member", member_state="active",
                created_at=CREATED, updated_at=CREATED)
        for item_id, (name, minutes, active) in SERVICES.items():
            _insert(conn, "catalog_item", id=item_id, code=f"DV{item_id:04d}", name=name,
                    name_norm=name.lower(), kind="service", price=150_000, active=active,
                    category="Tóc", duration_minutes=minutes, track_stock=False,
                    can_leave=False)
        _insert(conn, "invoice", id=1, code="HD000001", customer_id=1, created_at=STARTS,
                kind="sale", subtotal=270_000, discount=0, total=270_000, change_given=0,
                staff_id=4, note="", points_rate=0)
        # (id, services, staff, status, invoice, follow-up: notes, focus, step)
        for aid, services, staff, status, invoice, notes, focus, step in (
                (1, TWO, 2, "paid", 1, "Tóc khô", "Phục hồi tóc", "callback"),
                (2, UNKNOWN, 3, "booked", None, "", "", ""),
                (3, "", None, "cancelled", None, "", "", ""),
                (4, "Ủ tóc, " + UNKNOWN, 3, "no_show", None, "", "", ""),
                (5, "Gội đầu dưỡng sinh", 2, "booked", None, "", "", "visit")):
            _insert(conn, "appointment", id=aid, customer_id=1,
                    starts_at=STARTS + timedelta(days=aid - 1), services=services,
                    staff_id=staff, status=status, invoice_id=invoice, note="",
                    service_notes=notes, next_focus=focus,
                    next_reminder_at=STARTS + timedelta(days=30) if step else None,
                    next_step=step, created_at=CREATED)


def _lines(engine) -> dict[int, list[tuple]]:
    """Each appointment's lines, read through the model (times as times on either engine)."""
    line = table_of(AppointmentLine).c
    found: dict[int, list[tuple]] = {}
    with engine.connect() as conn:
        for row in conn.execute(sa.select(
                line.appointment_id, line.position, line.kind, line.item_id, line.package_id,
                line.label, line.staff_id, line.starts_at, line.minutes, line.quantity,
                line.recorded_by, line.recorded_at).order_by(line.appointment_id,
                                                             line.position)):
            found.setdefault(row[0], []).append(tuple(row[1:]))
    return found


def test_services_text_becomes_lines_in_order(old_engine):
    _old_salon(old_engine, slot_minutes=30)
    upgrade(old_engine)
    lines = _lines(old_engine)
    start = {aid: STARTS + timedelta(days=aid - 1) for aid in range(1, 6)}
    minute = timedelta(minutes=1)

    def line(position, item, label, staff, at, minutes):
        # a booked service, one of it, recorded when the appointment was made, by nobody
        return (position, "service", item, None, label, staff, at, minutes, 1, None, CREATED)

    assert lines == {
        # the active "Cắt tóc nữ" (45), then the wash (30) from where the cut ends
        1: [line(1, 11, "Cắt tóc nữ", 2, start[1], 45),
            line(2, 12, "Gội đầu dưỡng sinh", 2, start[1] + 45 * minute, 30)],
        # text no service has: kept as written, no item, 30 minutes
        2: [line(1, None, UNKNOWN, 3, start[2], 30)],
        # nothing written, nobody named: one empty line, so the visit keeps its time
        3: [line(1, None, "", None, start[3], 30)],
        # a service without a duration (30), then the unknown text after it
        4: [line(1, 13, "Ủ tóc", 3, start[4], 30),
            line(2, None, UNKNOWN, 3, start[4] + 30 * minute, 30)],
        5: [line(1, 12, "Gội đầu dưỡng sinh", 2, start[5], 30)],
    }
    with old_engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("appointment")}
        appointment = table_of(Appointment).c
        followed = dict(conn.execute(sa.select(appointment.id, appointment.followed_up_at)
                                     .order_by(appointment.id)).all())
        other = conn.execute(sa.text(
            "SELECT count(*) FROM appointment WHERE reason != '' OR checked_in_at IS NOT NULL "
            "OR followed_up_by IS NOT NULL")).scalar_one()
        work_days = dict(conn.execute(sa.text("SELECT id, work_days FROM staff")).all())
        settings = conn.execute(sa.text(
            "SELECT slot_minutes, reminder_days FROM salon_settings")).one()
        empty = [conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                 for table in ("appointment_event", "staff_day", "reminder_done")]
    assert "services" not in columns and "staff_id" not in columns
    # the visits followed up before (notes, a focus or a next step) count as followed up
    assert followed == {1: CREATED, 2: None, 3: None, 4: None, 5: CREATED}
    assert other == 0
    assert work_days == {1: "0000000", 2: "1111111", 3: "1111111", 4: "0000000"}
    assert tuple(settings) == (15, 14)
    assert empty == [0, 0, 0]
    # the desk reads them as it reads a visit booked today; the migrated book passes check
    with read_session(old_engine) as s:
        first = get_appointment(s, appointment_id=1)
        fourth = get_appointment(s, appointment_id=4)
    assert (first.services, first.staff_name) == ("Cắt tóc nữ, Gội đầu dưỡng sinh",
                                                  "Huỳnh Thị Kim Ngân")
    assert first.ends_at == start[1] + 75 * minute and first.followed_up
    assert fourth.services == f"Ủ tóc, {UNKNOWN}" and fourth.staff_name == "Trần Văn Khoa"
    assert run_checks(old_engine, only=["appointments"]) == []


def test_a_slot_the_salon_chose_is_kept(old_engine):
    _old_salon(old_engine, slot_minutes=20)
    upgrade(old_engine)
    with old_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT slot_minutes FROM salon_settings")).scalar_one() == 20
