"""The back office's catalogue at 80×24, driven by keys: add a service, a product and a plan
covering that service (the kind first, only its fields shown), edit a price, retire and
restore, filter as typed (diacritics not needed), show one kind with k, bad input answered
at its field with nothing written, and Ctrl+D deleting only an item never sold."""

from __future__ import annotations

from test_ui_helpers import (
    SIZE,
    count_rows,
    make_customer,
    make_service,
    pay_service,
    plain,
    read,
    settle,
    table_rows,
    type_text,
)
from test_ui_settings import open_settings
from textual import events

from salontui.app import SalonApp
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.item_form import ItemDialog

TABLE = "#catalogue-table"


def items(engine):
    from salontui.store.catalog import search_catalogue

    return read(engine, lambda s: search_catalogue(s, query=""))


def item(engine, code):
    from salontui.store.catalog import get_item

    return read(engine, lambda s: get_item(s, code=code))


async def put(pilot, widget_id: str, text: str) -> None:
    """Go to the field ``#widget_id`` of the dialog, clear it and type ``text``."""
    pilot.app.screen.query_one(f"#{widget_id}").focus()
    await pilot.pause()
    await pilot.press("ctrl+u")
    await type_text(pilot, text)


def bar(screen) -> str:
    return plain(screen.query_one("#catalogue-bar"))


def shown(dialog: ItemDialog) -> list[str]:
    """The keys of the fields the dialog shows."""
    from salontui.widgets.inputs import Field

    return [f.key for f in dialog.query(Field) if f.display]


async def test_add_a_service_a_product_and_a_plan_covering_the_service(db_url, engine,
                                                                        staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "catalogue")
        assert "empty" in bar(screen)
        # A service: the kind first (Service is chosen), then its own fields.
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ItemDialog)
        assert shown(dialog) == ["kind", "code", "name", "category", "price",
                                 "duration_minutes", "commission_percent"]
        await pilot.press("tab", "tab")  # past the code (the next DV number) to the name
        await type_text(pilot, "Cắt tóc nữ")
        await pilot.press("tab")
        await type_text(pilot, "Tóc")
        await pilot.press("tab")
        await type_text(pilot, "150.000")
        await pilot.press("tab")
        await type_text(pilot, "45")
        await pilot.press("tab")
        await type_text(pilot, "10")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        cut = item(engine, "DV0001")
        assert (cut.name, cut.kind, cut.category, cut.price) == ("Cắt tóc nữ", "service",
                                                                 "Tóc", 150_000)
        assert (cut.duration_minutes, cut.commission_percent) == (45, 10)
        [row] = table_rows(screen, TABLE)
        assert row[:4] == ["DV0001", "Cắt tóc nữ", "service", "Tóc"]
        assert row[4] == "150.000 ₫" and row[5] == "45 min"
        # A product: Right on the kind shows the product's fields instead.
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("right")
        await pilot.pause()
        assert shown(dialog) == ["kind", "code", "name", "category", "price", "cost_price",
                                 "track_stock", "can_leave"]
        await put(pilot, "code", "sp01")
        await put(pilot, "name", "Sáp vuốt tóc")
        await put(pilot, "price", "180000")
        await put(pilot, "cost", "95.000")
        dialog.query_one("#track-stock").focus()
        await pilot.press("y", "tab", "y")  # kept in stock; may be left at the salon
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        wax = item(engine, "SP01")
        assert (wax.kind, wax.price, wax.cost_price, wax.track_stock, wax.can_leave) == (
            "product", 180_000, 95_000, True, True)
        # A count plan covering the service, by its code.
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("right", "right")
        await pilot.pause()
        assert shown(dialog) == ["kind", "code", "name", "category", "package_kind", "price",
                                 "sessions", "validity_days", "services"]
        await put(pilot, "name", "Gói cắt 5 lần")
        await put(pilot, "price", "600000")
        await put(pilot, "sessions", "5")
        await put(pilot, "validity", "180")
        await put(pilot, "services", "dv0001")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        plan = item(engine, "DV0002")
        assert (plan.package_kind, plan.price, plan.sessions, plan.validity_days) == (
            "count", 600_000, 5, 180)
        assert plan.service_ids == (cut.id,)
        assert [r[0] for r in table_rows(screen, TABLE)] == ["DV0001", "DV0002", "SP01"]
        assert table_rows(screen, TABLE)[1][2:] == ["count card", "", "600.000 ₫", "5 uses", ""]
        # A time card has no sessions; a gift has no price.
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("right", "right")
        dialog.query_one("#package-kind").focus()
        await pilot.press("right")
        await pilot.pause()
        assert "sessions" not in shown(dialog) and "price" in shown(dialog)
        await pilot.press("right")
        await pilot.pause()
        assert "sessions" in shown(dialog) and "price" not in shown(dialog)
        await put(pilot, "name", "Quà tặng 3 buổi")
        await put(pilot, "sessions", "3")
        await put(pilot, "validity", "90")
        await pilot.press("enter")
        await settle(pilot)
        gift = item(engine, "DV0003")
        assert (gift.package_kind, gift.price, gift.sessions) == ("gift", 0, 3)


async def test_edit_the_price_retire_and_restore(db_url, engine, staff_id):
    make_service(engine, staff_id, name="Gội đầu dưỡng sinh", price=120_000)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "catalogue")
        await pilot.press("enter")  # Enter on the row edits it
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ItemDialog)
        assert "cannot change" in plain(dialog.query_one("#field-kind .field-hint"))
        assert dialog.query_one("#price").value == "120000"
        await put(pilot, "price", "135.000")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert item(engine, "DV0001").price == 135_000
        assert table_rows(screen, TABLE)[0][4] == "135.000 ₫"
        await pilot.press("x")
        await settle(pilot)
        assert not item(engine, "DV0001").active
        assert table_rows(screen, TABLE)[0][-1] == "retired"
        await pilot.press("x")
        await settle(pilot)
        assert item(engine, "DV0001").active
        assert table_rows(screen, TABLE)[0][-1] == ""


async def test_filter_as_typed_without_diacritics_and_one_kind_at_a_time(db_url, engine,
                                                                        staff_id):
    from salontui.store.catalog import create_item, set_item_active
    from salontui.store.db import write_session

    with write_session(engine) as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000)
        create_item(s, staff_id=staff_id, name="Cắt tóc nam", kind="service", price=80_000)
        create_item(s, staff_id=staff_id, name="Sáp vuốt tóc", kind="product", price=180_000)
        create_item(s, staff_id=staff_id, name="Gội đầu", kind="service", price=50_000)
        set_item_active(s, staff_id=staff_id, item_id=cut.id, active=False)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "catalogue")
        await pilot.press("slash")
        await type_text(pilot, "toc")
        await settle(pilot)
        # Active ones first, the retired one last.
        assert [r[1] for r in table_rows(screen, TABLE)] == ["Cắt tóc nam", "Sáp vuốt tóc",
                                                             "Cắt tóc nữ"]
        await type_text(pilot, " n")
        await settle(pilot)
        assert [r[1] for r in table_rows(screen, TABLE)] == ["Cắt tóc nam", "Cắt tóc nữ"]
        assert bar(screen).startswith("2 items")
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert len(table_rows(screen, TABLE)) == 4
        await pilot.press("escape")  # back to the list
        await pilot.press("k")
        await settle(pilot)
        assert {r[2] for r in table_rows(screen, TABLE)} == {"service"}
        assert "showing services" in bar(screen)
        await pilot.press("k")
        await settle(pilot)
        assert [r[1] for r in table_rows(screen, TABLE)] == ["Sáp vuốt tóc"]
        assert "showing products" in bar(screen)
        await pilot.press("k", "k")
        await settle(pilot)
        assert "showing all kinds" in bar(screen) and len(table_rows(screen, TABLE)) == 4


async def test_bad_input_is_answered_at_the_field_and_nothing_is_written(db_url, engine,
                                                                        staff_id):
    make_service(engine, staff_id, name="Cắt tóc nữ", price=150_000)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "catalogue")
        written = count_rows(engine)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("enter")  # nothing typed
        await settle(pilot)
        assert dialog.errors() == {"name": "Name is required."}
        await put(pilot, "name", "Cắt tóc nam")
        await put(pilot, "code", "dv0001")  # the code of the service already there
        await put(pilot, "price", "80000")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors() == {"code": "Code DV0001 is already used."}
        await put(pilot, "code", "CTN")
        await put(pilot, "price", "-80000")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors() == {"price": "The amount cannot be negative."}
        await put(pilot, "price", "tám mươi")
        await pilot.press("enter")
        await settle(pilot)
        assert "not an amount" in dialog.errors()["price"]
        await put(pilot, "price", "80000")
        await put(pilot, "duration", "-30")
        await pilot.press("enter")
        await settle(pilot)
        assert "negative" in dialog.errors()["duration_minutes"]
        await put(pilot, "duration", "30")
        await put(pilot, "commission", "150")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors() == {"commission_percent": "The commission must be 0 to 100 %."}
        await put(pilot, "commission", "")
        # A 10,000-character paste into the name: refused whole, said at the field, and
        # the form is not saved without it.
        name = dialog.query_one("#name")
        name.focus()
        await pilot.press("ctrl+u")
        name.post_message(events.Paste("x" * 10_000))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert "120 characters at most" in dialog.errors()["name"]
        assert name.value == ""
        assert count_rows(engine) == written
        assert isinstance(app.screen, ItemDialog)
        # A plan naming a service that is not there, or not a service.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("right", "right")
        await put(pilot, "name", "Gói 5 lần")
        await put(pilot, "price", "500000")
        await put(pilot, "sessions", "5")
        await put(pilot, "validity", "0")
        await pilot.press("enter")
        await settle(pilot)
        assert "more than zero" in dialog.errors()["validity_days"]
        await put(pilot, "validity", "90")
        await put(pilot, "services", "DV0001 XX99")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors() == {"services": "There is no service with the code XX99."}
        assert count_rows(engine) == written


async def test_ctrl_d_deletes_only_an_item_never_sold(db_url, engine, staff_id):
    sold = make_service(engine, staff_id, name="Cắt tóc nữ", price=150_000)
    make_service(engine, staff_id, name="Dịch vụ gõ nhầm", price=1)
    customer = make_customer(engine, staff_id)
    pay_service(engine, staff_id, customer.id, sold, key="sold")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "catalogue")
        assert [r[1] for r in table_rows(screen, TABLE)] == ["Cắt tóc nữ", "Dịch vụ gõ nhầm"]
        written = count_rows(engine)
        await pilot.press("ctrl+d")  # the sold one: refused before anything is asked
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert "has been sold" in bar(screen) and "retire it instead" in bar(screen)
        assert count_rows(engine) == written
        await pilot.press("down", "ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # kept
        await settle(pilot)
        assert len(items(engine)) == 2
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert [i.name for i in items(engine)] == ["Cắt tóc nữ"]
        assert [r[1] for r in table_rows(screen, TABLE)] == ["Cắt tóc nữ"]
        assert count_rows(engine) == written + 1
