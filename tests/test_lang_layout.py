"""Nothing a receptionist must read is cut, in Vietnamese and Chinese, at 80×24 and 120×40:
no table header and no cell of a fixed column (a status, a date, an amount, a code) is
shortened with "…" on the search list, any tab of a busy customer, the checkout or the day
close. (English is covered by the same walk; only the flexible column, a name or a note,
may give way.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from salontui.store.demo import build_demo

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def salon(tmp_path_factory):
    path = tmp_path_factory.mktemp("lang") / "salon.db"
    url = f"sqlite:///{path}"
    build_demo(url, customers=300, seed=5, today=date(2026, 11, 23))
    import sqlite3

    conn = sqlite3.connect(path)
    busy = conn.execute("SELECT customer_id FROM customer_package GROUP BY customer_id "
                        "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    conn.close()
    return url, busy


@pytest.mark.parametrize("lang", ["vi", "zh_CN", "en"])
def test_no_table_cuts_what_must_be_read(salon, lang):
    url, customer = salon
    env = dict(os.environ, SALONTUI_LANG=lang,
               PYTHONPATH=os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(HERE / "lang_layout.py"), url, str(customer)],
                          capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    cut = json.loads(done.stdout.strip().splitlines()[-1])
    assert cut == {}, cut
