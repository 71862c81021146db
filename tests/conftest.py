"""Fixtures: a real SQLite file under tmp_path, migrated by the real migrations."""

from __future__ import annotations

import os
from datetime import datetime

import pytest

from salontui import i18n
from salontui.store import clock
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.schema import upgrade
from salontui.store.staff import create_staff

# Tests read the English text whatever the machine's LANG; before any screen is imported
# (their key labels are translated when the class is made).
i18n.install("en")
# And the desk's own keys, whatever keymap the developer keeps in their config folder (a
# test of the keymap names its own file).
os.environ["SALONTUI_KEYMAP"] = os.devnull


def pytest_addoption(parser):
    parser.addoption("--soak", action="store_true", default=False,
                     help="run the long soak versions (thousands of rounds)")


@pytest.fixture(autouse=True)
def _machine_calendar():
    """Each test starts with the machine's calendar; a desk test may switch to the salon's."""
    clock.use_salon_offset(None)
    yield
    clock.use_salon_offset(None)


@pytest.fixture
def soak(request) -> bool:
    """True when the long soak versions were asked for with --soak."""
    return request.config.getoption("--soak")


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'salon.db'}"


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def staff_id(engine) -> int:
    """An owner to act as, the way the desk signs someone in."""
    with write_session(engine) as s:
        return create_staff(s, name="Trần Thu Hà", role="owner").id


@pytest.fixture
def technician_id(engine, staff_id) -> int:
    with write_session(engine) as s:
        return create_staff(s, name="Lê Văn Tài", role="technician", staff_id=staff_id).id


@pytest.fixture
def fixed_now():
    """Pin the store's clock to a known moment (a Monday morning)."""
    moment = datetime(2026, 11, 23, 9, 30)
    with clock.pinned(moment):
        yield moment


@pytest.fixture
def customer_id(engine, staff_id) -> int:
    from salontui.store.customers import create_customer

    with write_session(engine) as s:
        return create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                               phone="0935 320 888").id


@pytest.fixture
def reader(engine):
    """Open a read session: ``with reader() as s: ...``."""
    return lambda: read_session(engine)


@pytest.fixture
def writer(engine):
    """Open a write session: ``with writer() as s: ...``."""
    return lambda: write_session(engine)
