"""SettingsSection: one section of the back office (catalogue, payment methods, …).

A section is a :class:`TabPane` of :class:`~salontui.screens.settings.screen.SettingsScreen`
that lists the salon's rows of one kind and edits them through single named store
functions (so a permission check can wrap each later). It knows

* who it is: ``section_id`` (the pane's id; its list is ``#<section_id>-table``, its
  status line ``#<section_id>-bar`` and, when ``filterable``, its filter
  ``#<section_id>-filter``), ``title`` (and ``short_title`` for 80 columns);
* how to read its rows (:meth:`reader`, a function of a session run in a thread worker)
  and show one (:meth:`cells`, under ``COLUMNS``);
* what the screen's common keys do here: ``a`` adds (:meth:`add_dialog`), ``e`` or Enter
  edits the row under the cursor (:meth:`edit_dialog`), ``x`` retires or brings it back
  (:meth:`toggle_job`). A section without one of them returns None and the key is off;
* its own keys (``KEYS``, whose ``action_<name>`` methods live in the section; the screen
  gathers them so the footer, F1 and the palette read as one list) and palette entries
  (:meth:`commands`).

A section that is one form (the points scheme, the salon) shows its values as rows of
(setting, value) and ``e`` opens the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static, TabPane

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.store.errors import SalonError
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.screens.commands import Command
    from salontui.screens.settings.screen import SettingsScreen


# The keys that show the sections, in order: the number row, 1 to 9, then 0, then the two
# keys after it (- and =). (Textual's name of each key, and what its tab shows.)
SECTION_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "minus", "equals_sign")
SECTION_KEY_LABELS = "1234567890-="


class SectionBar(Static):
    """A section's one-line status: how many rows, what the filter matched, a refusal."""

    DEFAULT_CSS = "SectionBar { height: 1; width: 1fr; padding: 0 1; color: $text-muted; }"


class SettingsSection(StoreCalls, TabPane):
    """One section of the Settings screen (see the module's docstring)."""

    section_id: ClassVar[str] = ""
    title: ClassVar[str] = ""  # marked with N_(); translated when shown
    short_title: ClassVar[str | None] = None  # on a terminal under 90 columns
    filterable: ClassVar[bool] = False  # a filter line over the list, read as typed
    filter_placeholder: ClassVar[str] = ""  # marked with N_()
    # The palette's names of the common keys here ("Add payment method"…), marked with N_().
    add_name: ClassVar[str] = ""
    edit_name: ClassVar[str] = ""
    toggle_name: ClassVar[str] = ""
    # The status line of an empty list, marked with N_(); it may name the add key {key}.
    empty_text: ClassVar[str] = ""
    KEYS: ClassVar[tuple[Binding, ...]] = ()

    def __init__(self, number: int) -> None:
        super().__init__(f"{SECTION_KEY_LABELS[number - 1]} {_(self.title)}",
                         id=self.section_id)
        self.number = number
        self.rows: list[Any] = []
        self.loaded = False
        self.saying = False  # the bar holds a message, not the rows' status

    @classmethod
    def actions(cls) -> set[str]:
        return {binding.action for binding in cls.KEYS}

    def label(self, narrow: bool) -> str:
        title = self.short_title if narrow and self.short_title else self.title
        return f"{SECTION_KEY_LABELS[self.number - 1]} {_(title)}"

    @property
    def settings_screen(self) -> SettingsScreen:
        return self.screen  # type: ignore[return-value]

    # -- for subclasses -------------------------------------------------------------
    def columns(self) -> Sequence[Col]:  # pragma: no cover - every section has its own
        raise NotImplementedError

    def reader(self) -> Callable[[Session], Sequence[Any]]:  # pragma: no cover
        """A function of a session that reads the rows shown (the filter applied)."""
        raise NotImplementedError

    def cells(self, row: Any) -> Sequence:  # pragma: no cover - every section has its own
        raise NotImplementedError

    def row_key(self, row: Any) -> str:
        return str(row.id)

    def add_dialog(self) -> ModalScreen | None:
        """The dialog ``a`` opens (None: nothing is added here)."""
        return None

    def edit_dialog(self, row: Any) -> ModalScreen | None:
        """The dialog ``e`` opens on ``row`` (None: the row is not edited here)."""
        return None

    def toggle_job(self, row: Any) -> Callable[[Session], Any] | None:
        """The store call ``x`` makes on ``row``: retire it or bring it back (None: off)."""
        return None

    def move_job(self, row: Any, direction: str) -> Callable[[Session], Any] | None:
        """The store call that moves ``row`` one place in ``direction`` (the section's
        own words: "up"/"down", "lower"/"higher"); None: rows are not moved here."""
        return None

    def move(self, direction: str) -> None:
        """Move the selected row one place (the keys of a section that orders its rows)."""
        row = self.selected()
        job = self.move_job(row, direction) if row is not None else None
        if job is None:
            return
        screen = self.settings_screen
        screen.ask(job, screen.saved, write=True, failed=self.show_error)

    def can_add(self) -> bool:
        return type(self).add_dialog is not SettingsSection.add_dialog

    def can_edit(self) -> bool:
        return type(self).edit_dialog is not SettingsSection.edit_dialog

    def can_toggle(self) -> bool:
        return type(self).toggle_job is not SettingsSection.toggle_job

    def status(self) -> str:
        """The status line under the list once rows are shown."""
        n = len(self.rows)
        if not n and self.empty_text:
            return _(self.empty_text).format(key=key_of(self.settings_screen, "settings.add"))
        return ngettext("{n} row", "{n} rows", n).format(n=n)

    def commands(self) -> list[Command]:
        """Palette entries of the section's own keys (the common ones are the screen's)."""
        return []

    # -- widgets ----------------------------------------------------------------------
    def widgets(self) -> list:
        found: list = []
        if self.filterable:
            found.append(DeskInput(placeholder=_(self.filter_placeholder),
                                   id=f"{self.section_id}-filter", max_length=60))
        found += [DeskTable(self.columns(), id=f"{self.section_id}-table"),
                  SectionBar("", id=f"{self.section_id}-bar")]
        return found

    def compose(self):
        yield from self.widgets()

    def table(self) -> DeskTable:
        return self.query_one(f"#{self.section_id}-table", DeskTable)

    def filter_text(self) -> str:
        if not self.filterable:
            return ""
        return self.query_one(f"#{self.section_id}-filter", Input).value

    def bar(self, text: str, *, message: bool = True) -> None:
        """Say ``text`` on the section's bar: a message (a refusal, what was done) stays
        until the rows change, so a reload after another desk's write that changes nothing
        here does not take it away before it is read."""
        self.saying = message
        # One line of fixed height: no layout pass (a keystroke of the filter redraws it).
        self.query_one(f"#{self.section_id}-bar", SectionBar).update(Content(text),
                                                                     layout=False)

    # -- loading ----------------------------------------------------------------------
    def load(self, select: str | None = None) -> None:
        """Read the rows again (after a change, a filter, another desk's write); the cursor
        goes to ``select`` (a row key) when given, else stays on its row."""
        self.ask(self.reader(), lambda rows: self.show_rows(rows, select),
                 failed=self.show_error, tag="rows")

    def show_rows(self, rows: Sequence[Any], select: str | None = None) -> None:
        same = self.loaded and list(rows) == self.rows
        self.rows = list(rows)
        self.loaded = True
        table = self.table()
        table.set_rows([(self.row_key(row), self.cells(row)) for row in self.rows])
        if select is not None:
            table.select_key(select)
        if not (same and self.saying):
            self.bar(self.status(), message=False)
        self.settings_screen.refresh_bindings()

    def show_error(self, error: SalonError) -> None:
        self.bar(f"▲ {error.message}")

    def selected(self) -> Any | None:
        key = self.table().current_key
        return next((row for row in self.rows if self.row_key(row) == key), None)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == f"{self.section_id}-filter":
            event.stop()
            self.load()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == f"{self.section_id}-filter":
            event.stop()
            self.table().focus()
