"""The payment panel of the checkout: one field per method the salon takes (its list of
payment methods, in its order), each with its key (Alt+letter by default; the checkout
hands the keys over as its bindings have them, after the keymap).

A :class:`PayInput` takes digits and separators; a letter typed in it jumps to
that method's field instead (by default c cash, k or b bank card, t transfer,
e e-wallet, v stored value, p points, a on account, w or f waived; a method the
salon added, by its own letter), so inside the panel the letters work even where
the terminal does not send Alt. A :class:`PayField` shows its message under
itself with a ``▲``, like the desk's form fields.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label

from salontui.i18n import N_, _
from salontui.store.kinds import PAYMENT_METHOD_LABELS
from salontui.widgets.checkout_fields import AMOUNT_CHARS, POINTS_CHARS, DeskMethod
from salontui.widgets.inputs import DeskInput

# Shorter names where the panel is tight (80 columns: two columns of four): "Stored value"
# would take two columns more from every hint, which then cuts a card's balance and the
# points the customer has. (A built-in method still under its own name: a name the salon
# gave is shown as typed.)
PANEL_LABELS = {"value": N_("Card value")}
# The labels' column: at least this wide, wider when a key and its method's name need it
# (a key rebound in the keymap, a longer name in a translation).
LABEL_WIDTH = 17


class BoundedInput(DeskInput):
    """A field of the checkout and its dialogs: a paste too long is refused as in every
    :class:`DeskInput` (``TooLong``), and Alt+letter is never typed as text."""

    async def _on_key(self, event) -> None:
        # Alt+letter is a key of the checkout (pay by a method, top up…), never text: in a
        # dialog opened from the checkout it would otherwise type its letter into the field.
        if "alt+" in event.key:
            event.prevent_default()


class PayInput(BoundedInput):
    """An amount field of the panel; a letter jumps to another method's field (a letter
    that would not move anywhere, its own or one of no method, is typed, and the field
    refuses it: "1e9" is not an amount, never 19)."""

    class Jump(Message):
        def __init__(self, letter: str) -> None:
            super().__init__()
            self.letter = letter

    def __init__(self, method: str, letters: dict[str, str] | None = None, **kwargs) -> None:
        kwargs.setdefault("max_length", POINTS_CHARS if method == "points" else AMOUNT_CHARS)
        super().__init__(id=f"pay-{method}", **kwargs)
        self.method = method
        self.letters = letters if letters is not None else {}  # letter → method code

    class Confirm(Message):
        """Enter in a payment field: confirm, with the amounts as typed up to this key."""

    async def _on_key(self, event) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Confirm())
            return
        char = event.character or ""
        if len(char) == 1 and char.isalpha() and "+" not in event.key:
            target = self.letters.get(char.lower())
            if target is None or target == self.method:
                return  # typed into the field, which then says it is not an amount
            event.stop()
            event.prevent_default()
            self.post_message(self.Jump(char.lower()))


class PayField(Vertical):
    """Label (with its key), amount, a hint (card, points' worth) and a message line."""

    DEFAULT_CSS = """
    PayField { height: auto; width: 1fr; }
    PayField > Horizontal { height: 1; }
    PayField .pay-label { color: $text-muted; }
    PayField:focus-within .pay-label { color: $text; text-style: bold; }
    PayField PayInput { width: 11; }
    PayField .pay-hint { width: 1fr; color: $text-muted; padding-left: 1;
                         text-wrap: nowrap; text-overflow: ellipsis; }
    PayField .pay-error { display: none; color: $error; text-style: bold; }
    PayField .pay-note { display: none; width: 1fr; color: $text-muted; text-wrap: nowrap;
                         text-overflow: ellipsis; }
    PayField.-invalid .pay-error { display: block; }
    """

    def __init__(self, method: DeskMethod, key: str,
                 letters: dict[str, str] | None = None) -> None:
        super().__init__(id=f"field-{method.code}")
        self.method = method.code
        self.kind = method.kind
        self.key = method.code
        self.keys = {method.code}
        label = method.label
        if method.code in PANEL_LABELS and method.name == PAYMENT_METHOD_LABELS.get(
                method.code):  # type: ignore[call-overload]
            label = _(PANEL_LABELS[method.code])
        self.label_text = f"{key} {label}" if key else label
        self.label_width = LABEL_WIDTH  # the panel widens it to its widest label
        self.control = PayInput(method.code, letters, placeholder="0")

    def compose(self) -> ComposeResult:
        with Horizontal():
            label = Label(self.label_text, classes="pay-label")
            label.styles.width = self.label_width
            yield label
            yield self.control
            yield Label("", classes="pay-hint")
        yield Label("", classes="pay-error")
        yield Label("", classes="pay-note")

    @property
    def value(self) -> str:
        return self.control.value or ""

    def set_hint(self, text: str) -> None:
        self.query_one(".pay-hint", Label).update(Content(text))

    def set_note(self, text: str) -> None:
        """A line under the field (the card paid from, and the key to take the next one);
        shown only when there is one."""
        note = self.query_one(".pay-note", Label)
        if str(note.content) != text:
            note.update(Content(text))
        note.display = bool(text)

    def show_error(self, message: str) -> None:
        self.query_one(".pay-error", Label).update(Content(f"▲ {message}"))
        self.add_class("-invalid")
        self.control.add_class("-invalid")

    def clear_error(self) -> None:
        self.remove_class("-invalid")
        self.control.remove_class("-invalid")

    @property
    def error_text(self) -> str:
        if not self.has_class("-invalid"):
            return ""
        return str(self.query_one(".pay-error", Label).content)


class PaymentPanel(Horizontal):
    """The salon's methods in two columns, in its order (by default four and four: money on
    the left, the customer's own on the right). ``keys`` are the keys that jump to each
    method's field, as shown ("Alt+C"), by code; ``letters`` the plain letters that jump
    inside the panel (letter → code)."""

    DEFAULT_CSS = """
    PaymentPanel { height: auto; }
    PaymentPanel > Vertical { height: auto; width: 1fr; }
    """

    def __init__(self, methods: tuple[DeskMethod, ...], keys: dict[str, str],
                 letters: dict[str, str] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.methods = methods
        self.keys = keys
        self.letters = letters

    def compose(self) -> ComposeResult:
        fields = [PayField(method, self.keys.get(method.code, ""), self.letters)
                  for method in self.methods]
        # One column of labels as wide as the widest, and a space before the amounts.
        width = max([LABEL_WIDTH, *(cell_len(f.label_text) + 1 for f in fields)])
        half = (len(fields) + 1) // 2
        for column in (fields[:half], fields[half:]):
            with Vertical():
                for field in column:
                    field.label_width = width
                    yield field

    def field(self, method: str) -> PayField:
        return self.by_method()[method]

    def has(self, method: str) -> bool:
        """Whether the salon takes ``method`` here (a retired one has no field)."""
        return any(m.code == method for m in self.methods)

    def first_cash(self) -> str:
        """The field money goes into by default: the first cash method (else the first)."""
        return next((m.code for m in self.methods if m.kind == "cash"),
                    self.methods[0].code if self.methods else "")

    def fields(self) -> list[PayField]:
        return list(self.by_method().values())

    def by_method(self) -> dict[str, PayField]:
        """The fields by method (looked up once: they never change)."""
        found = self.__dict__.get("_by_method")
        if found is None:
            found = {f.method: f for f in self.query(PayField)}
            if len(found) == len(self.methods):
                self._by_method = found
        return found
