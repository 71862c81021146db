"""DetailTab: one tab of the customer detail, which loads and shows its own rows.

A tab is a :class:`TabPane` that knows

* who it is: ``tab_id`` (the pane's id; its list is ``#<tab_id>-table`` and its
  status line ``#<tab_id>-bar``), ``title`` (and ``short_title`` for 80 columns);
* its keys: ``ROW_KEYS`` (what Enter does on its rows, first in the footer), ``KEYS``
  (its actions, before the customer's keys), ``VIEW_KEYS`` (how its list is shown,
  after them). The screen gathers them from every tab, so the footer, F1 and the
  bindings read as one list; an ``action_<name>`` of a key lives in the tab, and
  :meth:`allows` says when it works (only ever asked while the tab is shown);
* its palette entries (:meth:`commands`, and :meth:`late_commands` listed after the
  customer's checkout and repayment);
* its widgets (:meth:`widgets`, built when the tab is first shown), how to read one page
  (:meth:`reader`: a function of a session, run in a thread worker, that returns a
  :class:`Page`) and how to show it (:meth:`render`).

Paged tabs ask for one row more than a page to know whether more follow (``[`` and
``]`` turn pages); the invoices count theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static, TabPane

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.store.errors import SalonError
from salontui.widgets.tables import DeskTable

if TYPE_CHECKING:
    from salontui.screens.detail.screen import CustomerDetailScreen

# Enter on a row that has an invoice to open (appointments, invoices).
OPEN_ROW = Binding("enter", "open_row", _("Open"),
                   id="detail.open_row", priority=True, tooltip=_("Open invoice"))


def page_size() -> int:
    """Rows per page of a paged tab: the package's ``PAGE`` (a test makes it small)."""
    from salontui.screens import detail

    return detail.PAGE


@dataclass(frozen=True)
class Page:
    """What a tab's reader returns: the rows of one page, whether more follow, and the
    count of all rows when the store gives it (the invoices)."""

    rows: list = field(default_factory=list)
    more: bool = False
    total: int | None = None


def paged(rows, size: int) -> Page:
    """A page from ``size + 1`` rows asked for: the extra one says more follow."""
    rows = list(rows)
    return Page(rows[:size], len(rows) > size)


class Bar(Static):
    """A one-line status of a tab (rows, pages, balance, the keys that matter there)."""

    DEFAULT_CSS = "Bar { height: 1; width: 1fr; padding: 0 1; color: $text-muted; }"


class DetailTab(StoreCalls, TabPane):
    """One tab of the customer detail (see the module's docstring)."""

    tab_id: ClassVar[str] = ""
    title: ClassVar[str] = ""  # marked with N_(); translated when shown
    short_title: ClassVar[str | None] = None  # on a terminal under 90 columns
    is_paged: ClassVar[bool] = False
    palette_rank: ClassVar[int] = 0  # the palette lists tabs' commands by rank, then order
    ROW_KEYS: ClassVar[tuple[Binding, ...]] = ()
    KEYS: ClassVar[tuple[Binding, ...]] = ()
    VIEW_KEYS: ClassVar[tuple[Binding, ...]] = ()

    def __init__(self, number: int) -> None:
        super().__init__(f"{number} {_(self.title)}", id=self.tab_id)
        self.number = number
        self.built = False
        self.reset()

    @classmethod
    def bindings(cls) -> tuple[Binding, ...]:
        return (*cls.ROW_KEYS, *cls.KEYS, *cls.VIEW_KEYS)

    @classmethod
    def actions(cls) -> set[str]:
        """The actions of the tab's keys (their ``action_<name>`` methods are the tab's)."""
        return {b.action for b in cls.bindings()}

    def label(self, narrow: bool) -> str:
        title = self.short_title if narrow and self.short_title else self.title
        return f"{self.number} {_(title)}"

    # -- state ------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the customer shown (the screen is reused for the next one)."""
        self.rows: list = []
        self.loaded = False
        self.page_offset = 0
        self.more = False
        self.total: int | None = None

    def start(self) -> None:
        """A customer is about to be loaded (after :meth:`reset`)."""

    def clear(self) -> None:
        """Empty what is shown, while the next customer loads."""
        for table in self.query(DeskTable):
            table.set_rows([], keep_cursor=False)
        for bar in self.query(Bar):
            bar.update("", layout=False)

    @property
    def detail(self) -> CustomerDetailScreen:
        return self.screen  # type: ignore[return-value]

    @property
    def customer_id(self) -> int | None:
        return self.detail.customer_id

    @property
    def summary(self):
        return self.detail.summary

    def typing(self) -> bool:
        return isinstance(self.detail.focused, Input)

    # -- widgets ----------------------------------------------------------------------
    def widgets(self) -> list:  # pragma: no cover - every tab has its own
        """The tab's widgets: built when the tab is first shown."""
        raise NotImplementedError

    def table(self) -> DeskTable:
        return self.query_one(f"#{self.tab_id}-table", DeskTable)

    def bar(self, text: str) -> None:
        self.query_one(f"#{self.tab_id}-bar", Bar).update(Content(text), layout=False)

    # -- loading ----------------------------------------------------------------------
    def reader(self) -> Callable[[Any], Page]:  # pragma: no cover - every tab has its own
        """A function of a session, run in a thread worker, that reads the page shown."""
        raise NotImplementedError

    def load(self) -> None:
        self.ask(self.reader(), self.show_page, failed=self.show_error)

    def is_loading(self) -> bool:
        return self.is_pending("show_page")

    def show_page(self, page: Page) -> None:
        self.rows, self.more, self.total = page.rows, page.more, page.total
        self.loaded = True
        self.render_rows()
        self.detail.tab_loaded(self)

    def show_error(self, error: SalonError) -> None:
        bar = self.query_one(f"#{self.tab_id}-bar", Bar)
        bar.update(Content(f"▲ {error.message}"))
        bar.display = True

    def render_rows(self) -> None:  # pragma: no cover - every tab has its own
        raise NotImplementedError

    def rows_shown(self) -> None:
        """After the rows are shown (and the cursor put back)."""

    def changed(self) -> None:
        """Something was changed from a dialog (the tab shown reloads; this one may too)."""

    # -- rows and pages ---------------------------------------------------------------
    def selected(self):
        if not self.loaded:
            return None
        key = self.table().current_key
        return next((r for r in self.rows if str(r.id) == key), None)

    def turn_page(self, step: int) -> None:
        if not self.is_paged:
            return
        if (step < 0 and self.page_offset == 0) or (step > 0 and not self.more):
            return
        self.page_offset = max(0, self.page_offset + step * page_size())
        self.load()

    def can_turn(self, step: int) -> bool:
        if not self.is_paged:
            return False
        return self.page_offset > 0 if step < 0 else self.more

    def page_text(self, count: int) -> str:
        """"12 rows", or "101–200 of 5,000 · [ previous, ] next page" when there are pages."""
        start = self.page_offset
        if count == 0:
            return ""
        if start == 0 and not self.more:
            return ngettext("{n} row", "{n} rows", count).format(n=count)
        text = _("{a}–{b}").format(a=start + 1, b=start + count)
        if self.total is not None:
            text += " " + _("of {n}").format(n=self.total)
        keys = []
        if start > 0:
            keys.append(_("{key} previous").format(key=key_of(self.detail, "detail.prev_page")))
        if self.more:
            keys.append(_("{key} next page").format(key=key_of(self.detail, "detail.next_page")))
        return text + " · " + ", ".join(keys)

    # -- keys and palette -------------------------------------------------------------
    def allows(self, action: str) -> bool:
        """Whether the tab's key ``action`` works now (the tab is shown)."""
        return True

    def show_then(self, then: Callable[[], None] | None = None) -> None:
        """Show this tab; run ``then`` once its rows are there."""
        self.detail.switch_to(self.tab_id, then)

    def commands(self) -> list[tuple[str, str, Callable]]:
        return []

    def late_commands(self) -> list[tuple[str, str, Callable]]:
        return []
