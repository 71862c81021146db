"""Inputs of the desk.

:class:`DeskInput` never blinks: a blinking cursor redraws twice a second and
costs ~2.3 KB/s over SSH while the desk sits idle. :class:`Field` is one form
row: a label, the input and, under it, the message for that field (shown
only when there is one, with a ``▲`` so it does not rely on colour; editing the
field clears it).
:class:`RadioChoice` picks one of a few values with Left/Right/Space or the first
letter, and lets Enter through to the dialog (which confirms).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label

from salontui.i18n import _

DEFAULT_MAX_LENGTH = 250  # the longest one-line text the store takes (reasons, notes)


def too_long(limit: int) -> str:
    """The message for a paste longer than its field."""
    return _("That is too long: {limit} characters at most.").format(limit=limit)


class DeskInput(Input):
    """An :class:`Input` with a steady cursor (no blink timer, no idle traffic).

    Every one has a ``max_length`` (``DEFAULT_MAX_LENGTH`` unless given): an Input
    redraws its whole value on every key, so a 10,000-character paste typed key by key
    made each key slower than the last. A key typed into a full field rings the bell.
    A paste longer than the room left is not taken, and :class:`TooLong` says so (a
    :class:`Field` shows it under the field): what a person pasted is never cut without
    a word, the store's own rule for text (a cut amount would be another amount, a cut
    note loses its end). With ``keep_what_fits`` (the search box: nothing is kept) the
    part that fits is taken instead, as a browser's ``maxlength`` does.
    """

    cursor_blink = reactive(False, init=False)

    class TooLong(Message):
        """A paste longer than the room left in ``box``: not taken."""

        def __init__(self, box: DeskInput, limit: int) -> None:
            super().__init__()
            self.box = box
            self.limit = limit

        @property
        def control(self) -> DeskInput:
            return self.box

    def __init__(self, *args, keep_what_fits: bool = False, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        if not kwargs.get("max_length"):
            kwargs["max_length"] = DEFAULT_MAX_LENGTH
        super().__init__(*args, **kwargs)
        self.keep_what_fits = keep_what_fits

    def _on_paste(self, event) -> None:
        line = event.text.splitlines()[0] if event.text else ""
        start, end = sorted(self.selection)
        if (not self.keep_what_fits and self.max_length
                and len(self.value) - (end - start) + len(line) > self.max_length):
            event.stop()
            event.prevent_default()
            self.restricted()
            self.post_message(self.TooLong(self, self.max_length))

    def replace(self, text: str, start: int, end: int) -> None:
        if self.max_length and text:
            value = self.value
            start, end = sorted((max(0, start), min(len(value), end)))
            room = self.max_length - (len(value) - (end - start))
            if room <= 0:
                self.restricted()
                return
            text = text[:room]
        super().replace(text, start, end)


class RadioChoice(Widget, can_focus=True):
    """One value out of a few, shown as ``(•) Female ( ) Male``; Enter is left to the form."""

    DEFAULT_CSS = """
    RadioChoice { height: 1; width: 1fr; }
    RadioChoice:focus { text-style: bold; background: $boost; }
    """

    BINDINGS = [
        Binding("right,space,down", "move(1)", "Next choice", id="choice.next", show=False),
        Binding("left,up", "move(-1)", "Previous choice", id="choice.previous", show=False),
    ]

    value: reactive[str] = reactive("")

    class Changed(Message):
        def __init__(self, choice: RadioChoice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> RadioChoice:
            return self.choice

    def __init__(self, options: Sequence[tuple[str, str]], *, value: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = list(options)
        self.set_reactive(RadioChoice.value, value if value is not None else self.options[0][0])

    def render(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        for value, label in self.options:
            if parts:
                parts.append("  ")
            if value == self.value:
                parts.append((f"(•) {label}", "bold reverse"))
            else:
                parts.append(f"( ) {label}")
        return Content.assemble(*parts)

    def _index(self) -> int:
        values = [v for v, _ in self.options]
        return values.index(self.value) if self.value in values else 0

    def action_move(self, step: int) -> None:
        self.value = self.options[(self._index() + step) % len(self.options)][0]

    def on_key(self, event) -> None:
        char = (event.character or "").lower()
        if len(char) == 1 and char.isalpha():
            for value, label in self.options:
                if label.lower().startswith(char):
                    self.value = value
                    event.stop()
                    return

    def on_click(self, event) -> None:
        x = event.get_content_offset(self)
        if x is None:
            return
        position = 0
        for value, label in self.options:
            width = len(label) + 4
            if position <= x.x < position + width:
                self.value = value
                return
            position += width + 2

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))


class Field(Vertical):
    """A labelled form row with its own message line (``show_error``).

    The message line and the focused row's label change by inline style (display, text
    style), not by CSS classes: a class change restyles the whole subtree, which costs
    ~15 ms a time on the desk's PCs, and forms change these on every Enter.
    """

    DEFAULT_CSS = """
    Field { height: auto; }
    Field > Horizontal { height: auto; }
    Field .field-label { width: 16; color: $text-muted; }
    Field DeskInput { width: 1fr; }
    Field .field-error {
        display: none; width: 1fr; color: $error; text-style: bold; padding-left: 16;
    }
    Field .field-hint { width: 1fr; color: $text-muted; padding-left: 16; }
    """

    def __init__(self, label: str, control: Widget, *, key: str,
                 aliases: Sequence[str] = (), required: bool = False, hint: str = "") -> None:
        super().__init__(id=f"field-{key}")
        self.key = key
        self.keys = {key, *aliases}
        self.label_text = f"{label} *" if required else label
        self.control = control
        self.hint = hint
        # The limit a paste into this field was refused at, until the field is edited:
        # the form is not saved without what the person meant to put there.
        self.refused_paste = 0

    def compose(self):
        with Horizontal():
            yield Label(self.label_text, classes="field-label")
            yield self.control
        if self.hint:
            yield Label(self.hint, classes="field-hint")
        yield Label("", classes="field-error")

    @property
    def value(self) -> str:
        return getattr(self.control, "value", "") or ""

    def _error_label(self) -> Label:
        return self.query_one(".field-error", Label)

    def show_error(self, message: str) -> None:
        label = self._error_label()
        label.update(Content(f"▲ {message}"))
        label.display = True

    def clear_error(self) -> None:
        label = self._error_label()
        if label.display:
            label.display = False
            label.update("")

    @property
    def error_text(self) -> str:
        label = self._error_label()
        return str(label.content) if label.display else ""

    def on_input_changed(self, _event) -> None:
        """A corrected field drops its old message at once (the form still hears the
        change: the event goes on up)."""
        self.refused_paste = 0
        self.clear_error()

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        """A paste too long for this field: said under it (the form hears it too), and
        the form waits until the field is typed in again (:attr:`refused_paste`)."""
        self.refused_paste = event.limit
        self.show_error(too_long(event.limit))

    def on_radio_choice_changed(self, _event) -> None:
        self.clear_error()

    def on_descendant_focus(self, _event) -> None:
        self.query_one(".field-label", Label).styles.text_style = "bold underline"

    def on_descendant_blur(self, _event) -> None:
        self.query_one(".field-label", Label).styles.text_style = "none"
