"""The tests of the customer detail and its dialogs share one salon with a bit of everything
(:func:`test_ui_helpers.build_world`), built once per module and copied for each test: its
engine, owner and desk shadow the empty salon of the top-level conftest."""

from __future__ import annotations

import pytest
from test_ui_helpers import world_copy, world_template  # noqa: F401  (a fixture)

from salontui.app import SalonApp
from salontui.store.db import make_engine


@pytest.fixture
def world(world_template, db_url, fixed_now):  # noqa: F811
    return world_copy(world_template, db_url)


@pytest.fixture
def engine(db_url, world):
    """The copied world (it shadows the top-level conftest's empty salon)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def staff_id(world):
    return world["staff_id"]


@pytest.fixture
def app(db_url, staff_id, world):
    return SalonApp(db_url, staff_id=staff_id)
