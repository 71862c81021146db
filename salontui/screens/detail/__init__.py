"""The customer detail: a screen of tabs, one module per tab (see ``screen.py``).

``CustomerDetailScreen`` is the screen; ``DETAIL_TABS`` the tabs it shows, in the order
of their number keys; ``TABS`` their ids.
"""

from __future__ import annotations

PAGE = 100  # rows per page of a paged tab (one more is asked for, to know if more follow)

from salontui.screens.detail.ledger import signed  # noqa: E402
from salontui.screens.detail.screen import (  # noqa: E402
    DETAIL_TABS,
    CustomerDetailScreen,
    tab_ids,
)
from salontui.screens.detail.tab import DetailTab  # noqa: E402

TABS = tab_ids(DETAIL_TABS)

__all__ = ["DETAIL_TABS", "PAGE", "TABS", "CustomerDetailScreen", "DetailTab",
           "signed"]
