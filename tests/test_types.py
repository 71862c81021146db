"""The type checker keeps the whole of ``salontui/`` clean, and the bugs it found stay fixed.

``mypy`` is configured in pyproject.toml (``[tool.mypy]``). The package is checked
here, so ``.ci/run`` (which runs the suite) fails on a new type error anywhere in it:
the store, the screens, the widgets and the app.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from salontui.store.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_type_checks():
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "salontui"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# The demo builder reads the file name back from the engine's URL; mypy saw it may be
# None: make_engine refused only two spellings of an in-memory SQLite database, so
# these made an engine on a database that vanishes (and the demo then crashed).
@pytest.mark.parametrize("url", ["sqlite+pysqlite://", "sqlite:///", "sqlite:///:memory:",
                                 "sqlite://"])
def test_every_in_memory_sqlite_url_is_refused(url):
    with pytest.raises(ValueError, match="in-memory"):
        make_engine(url)
