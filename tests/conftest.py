"""Fixtures: a real SQLite file under tmp_path, migrated by the real migrations."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url
from textual import _wait

from salontui import i18n
from salontui.store import clock
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.schema import ensure_current, upgrade
from salontui.store.staff import create_staff

# Tests read the English text whatever the machine's LANG; before any screen is imported
# (their key labels are translated when the class is made).
i18n.install("en")
# And the desk's own keys, whatever keymap the developer keeps in their config folder (a
# test of the keymap names its own file).
os.environ["SALONTUI_KEYMAP"] = os.devnull
# Nor the branch a desk remembers (a test of it names its own file).
os.environ["SALONTUI_BRANCH_FILE"] = os.devnull
# The suite's desk tests start on the customer search; the Today board's ask for it.
os.environ["SALONTUI_FIRST_SCREEN"] = "search"

# The Pilot waits for "idle" in slices of textual._wait.SLEEP_GRANULARITY (20 ms): one per
# pause, two per key pressed, so typing "200000" sat 240 ms doing nothing, and the desk's
# tests spent most of their time so. Slices of 10 ms (idle still meaning under a twentieth
# of the slice on the CPU) wait as meant; the tests wait for the desk's own work (workers,
# store answers, callbacks after a refresh) with settle(), not on time.
_wait.SLEEP_GRANULARITY = 0.01
_wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20


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


# The store's tests run on both engines; the desk's (Pilot) tests on the embedded one.
# SALONTUI_TEST_ENGINES=sqlite narrows a quick local run to one engine.
ENGINES = tuple(os.environ.get("SALONTUI_TEST_ENGINES", "sqlite,postgresql").split(","))


def _is_store_test(module_name: str) -> bool:
    name = module_name.rsplit(".", 1)[-1]
    return not (name.startswith("test_ui_") or module_name.startswith("world")
                or ".world." in module_name or name in {"test_keymap", "test_lang_layout"})


def pytest_generate_tests(metafunc):
    if "engine_name" in metafunc.fixturenames and _is_store_test(metafunc.module.__name__):
        only = metafunc.definition.get_closest_marker("sqlite_only")
        engines = ("sqlite",) if only else ENGINES
        metafunc.parametrize("engine_name", engines, indirect=True)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: a test of SQLite itself (its file, its pragmas)")


@pytest.fixture
def engine_name(request) -> str:
    """Which engine this test runs on (the store's tests run once on each)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server():
    """One real PostgreSQL server for the whole run (PyPI's pgserver: no Docker, no
    service), with a migrated template database each test's own database is copied from.
    Its folder is its own, not pytest's: pytest prunes old base folders when another run
    starts, which would pull the data from under a running server."""
    import shutil
    import tempfile
    from pathlib import Path

    from pg_testing import PgServer

    folder = Path(tempfile.mkdtemp(prefix="salontui-pg-"))
    server = PgServer(folder)
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def db_url(request, engine_name, tmp_path):
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'salon.db'}"
        return
    server = request.getfixturevalue("pg_server")
    # A test with an engine gets a copy of the migrated template (the same schema the
    # migrations build, without running them again); one with a bare URL an empty database.
    url = server.fresh_database(migrated="engine" in request.fixturenames)
    yield url
    server.drop_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file the real migrations built, once per test process: each test's database
    starts as a copy of it (2 ms) rather than running the migrations again (80 ms, over a
    thousand tests)."""
    path = tmp_path_factory.mktemp("template") / "salon.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade(eng)
    eng.dispose()  # the last connection closed: the file holds everything, no WAL beside it
    return path


@pytest.fixture
def engine(request, db_url, engine_name):
    if engine_name == "sqlite":
        target = Path(make_url(db_url).database or "")
        if not target.exists():  # a test that made its own database upgrades it below
            shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
    eng = make_engine(db_url)
    ensure_current(eng)  # (a copy of the migrated template is current already)
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
