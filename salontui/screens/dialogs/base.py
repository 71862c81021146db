"""FormDialog: the shared behaviour of the desk's form dialogs.

A subclass composes its :class:`Field` rows in ``compose_body`` and returns,
from ``prepare``, the store call to make: a function of the write session.
``prepare`` parses what was typed (dates, numbers) and raises a
:class:`SalonError` with ``field=`` for input it cannot read; the store
validates the rest and raises the same way. Either way the message appears
under the field it names (or above the buttons if it names none) and the
dialog stays open. On success the dialog answers with ``result(value)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Literal, TypeVar, overload

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.store.errors import SalonError
from salontui.widgets.inputs import Field, too_long

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter

V = TypeVar("V")  # what the store call of the dialog returns
T = TypeVar("T")


class DialogButtons(Horizontal):
    """The Confirm / Cancel row under a dialog."""


def refuse_pasted(node) -> bool:
    """Whether a field of ``node`` holds a paste too long to take (and not typed over
    since): the first says so at its field and takes the focus. Nothing is saved without
    what was meant to be there."""
    field = next((f for f in node.query(Field) if f.refused_paste), None)
    if field is None:
        return False
    field.show_error(too_long(field.refused_paste))
    field.control.focus()
    return True


class FormDialog(StoreCalls, ModalScreen, Generic[V]):
    """A modal form that writes through the store and shows refusals at their fields."""

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="dialog.cancel"),
        Binding("enter", "confirm", _("Confirm"), id="dialog.confirm"),
    ]

    title_text = ""
    confirm_label = ""
    # Whether confirming writes (the store's write session) or only checks and reads (a
    # filter, a file written from a read): a read never waits for the salon's write turn.
    store_writes = True

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    # -- for subclasses -------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield from ()

    def prepare(self) -> Callable[[Session], V] | None:
        """Read the fields; return the store call to make (or None to close at once)."""
        raise NotImplementedError

    def result(self, value: V) -> object:
        """What the dialog answers once the store call returned ``value``."""
        return value

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield from self.compose_body()
            yield Label("", id="form-error", classes="form-error")
            with DialogButtons(classes="dialog-buttons"):
                confirm = f"{self.confirm_label or _('Confirm')} ({key_of(self, 'dialog.confirm')})"
                yield Button(Content(confirm), id="confirm", compact=True, variant="primary")
                yield Button(Content(_("Cancel (Esc)")), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.focus_first()

    def focus_first(self) -> None:
        fields = list(self.query(Field))
        if fields:
            fields[0].control.focus()
        else:
            self.query_one("#confirm", Button).focus()

    # -- fields and messages --------------------------------------------------------
    def field(self, key: str) -> Field:
        return self.query_one(f"#field-{key}", Field)

    def value(self, key: str) -> str:
        return self.field(key).value.strip()

    def field_for(self, name: str | None) -> Field | None:
        if not name:
            return None
        for field in self.query(Field):
            if name in field.keys:
                return field
        return None

    def clear_errors(self) -> None:
        for field in self.query(Field):
            field.clear_error()
        label = self.query_one("#form-error", Label)
        if label.display:
            label.display = False
            label.update("")

    def show_error(self, error: SalonError | str, field: str | None = None) -> None:
        message = error.message if isinstance(error, SalonError) else str(error)
        name = error.field if isinstance(error, SalonError) else field
        target = self.field_for(name)
        if target is not None:
            target.show_error(message)
            target.control.focus()
            return
        label = self.query_one("#form-error", Label)
        label.update(Content(f"▲ {message}"))
        label.display = True

    def errors(self) -> dict[str, str]:
        """Messages now shown, by field key ('' for the dialog's own line): for tests."""
        shown = {f.key: f.error_text[2:] for f in self.query(Field) if f.error_text}
        label = self.query_one("#form-error", Label)
        general = str(label.content) if label.display else ""
        if general:
            shown[""] = general[2:]
        return shown

    # -- actions --------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    def read_form(self, read: Callable[[], T]) -> T | None:
        """What ``read`` makes of the form (the store call :meth:`prepare` makes, or what a
        dialog confirms in a read), or None when confirming must stop here: the dialog is
        busy, a field holds a paste too long (said at that field: nothing is saved without
        what was pasted), or ``read`` refused a field (said at it)."""
        if self.busy or refuse_pasted(self):
            return None
        self.clear_errors()
        try:
            return read()
        except SalonError as error:
            self.show_error(error)
            return None

    def action_confirm(self) -> None:
        job = self.read_form(self.prepare)
        if job is None:
            return
        self.busy = True
        self.ask(job, self.saved, write=self.store_writes, failed=self.save_refused,
                 crashed=self.save_crashed)

    def saved(self, value: V) -> None:
        """The store call of :meth:`prepare` is done: the dialog answers."""
        self.busy = False
        self.dismiss(self.result(value))

    def save_refused(self, error: SalonError) -> None:
        """The store (or :meth:`prepare`'s parsing) refused: the message at its field."""
        self.busy = False
        self.show_error(error)

    def save_crashed(self, error: BaseException) -> None:
        self.busy = False
        self.store_crashed(error)
        self.show_error(_("Not saved: {error}").format(error=error))

    # -- helpers for subclasses -----------------------------------------------------
    @property
    def staff_id(self) -> int | None:
        return self.desk.staff_id

    @property
    def formatter(self) -> Formatter:
        return self.desk.formatter


@overload
def parse_count(text: str, *, field: str, label: str, allow_zero: bool = True,
                required: Literal[True] = True) -> int: ...


@overload
def parse_count(text: str, *, field: str, label: str, allow_zero: bool = True,
                required: bool) -> int | None: ...


def parse_count(text: str, *, field: str, label: str, allow_zero: bool = True,
                required: bool = True) -> int | None:
    """A whole number typed in a form (sessions, days); a message at ``field`` otherwise.

    Length and shape first, then ``int``: only ASCII digits (with dots, commas or
    spaces grouping them) and at most ``MAX_NUMBER_TEXT`` characters, so a pasted page
    of digits is refused at once instead of converted. "-0" is zero, not negative.
    """
    from salontui.store.bounds import MAX_NUMBER_TEXT
    from salontui.store.errors import ValidationError
    from salontui.store.text import quote

    typed = (text or "").strip()
    raw = "".join(typed.split()).replace(".", "").replace(",", "")
    if not raw:
        if required:
            raise ValidationError(_("Enter a number."), field=field)
        return None
    sign, digits = ("-", raw[1:]) if raw[0] in "+-" else ("", raw)
    if raw[0] == "+":
        sign = ""
    if not digits or not _ASCII_DIGITS.fullmatch(digits):
        raise ValidationError(_("'{text}' is not a whole number.").format(text=quote(typed)),
                              field=field)
    if len(digits) > MAX_NUMBER_TEXT or len(digits.lstrip("0")) > 7:
        raise ValidationError(_("{label} is too large.").format(label=label), field=field)
    number = int(digits)
    if sign and number:
        raise ValidationError(_("{label} cannot be negative.").format(label=label), field=field)
    if number == 0 and not allow_zero:
        raise ValidationError(_("{label} must be more than zero.").format(label=label),
                              field=field)
    if number > 1_000_000:
        raise ValidationError(_("{label} is too large.").format(label=label), field=field)
    return number


_ASCII_DIGITS = re.compile(r"[0-9]+")
