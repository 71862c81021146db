"""Search keys for names: lowercase, without diacritics, đ folded to d.

FTS5's ``remove_diacritics`` leaves ``đ`` alone and so misses every "Đặng";
NFD + dropping combining marks does too, because đ is a letter of its own,
not d plus a mark. So đ/Đ are mapped first.
"""

from __future__ import annotations

import unicodedata

_FOLD = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
MAX_NAME_WORDS = 8


def fold(text: str) -> str:
    """'Nguyễn Thị Hương' → 'nguyen thi huong'; collapses white space."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def name_keys(name: str) -> list[str]:
    """Every word-suffix of a folded name: 'nguyen thi huong', 'thi huong', 'huong'.

    A prefix search over these keys finds a customer by the start of any word
    of the name ("huong", "thi h", "nguyen t"), through one index range scan.
    """
    words = fold(name).split()[:MAX_NAME_WORDS]
    return [" ".join(words[i:]) for i in range(len(words))]


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``.

    Used as ``key >= :prefix AND key < :upper`` so SQLite walks an index
    (``LIKE 'p%'`` cannot, and is ~70× slower at 100k customers).
    """
    return prefix + "\U0010ffff"


def cell_width(text: str) -> int:
    """Terminal/printer columns a string takes: wide (CJK) characters count two,
    combining marks none (a receipt of Chinese item names still lines up)."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def fit(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns."""
    out, used = [], 0
    for ch in text:
        w = 0 if unicodedata.combining(ch) else cell_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def clean_line(value: str | None, *, field: str, limit: int, too_long: str,
               required: str | None = None) -> str:
    """One line of typed text, spaces tidied, or a ValidationError at ``field``.

    ``required``: the message when it is empty and must not be; ``too_long``: the
    message (with ``{limit}``) when it is longer than ``limit`` characters. The
    messages come translated from the caller, whole sentences.
    """
    from salontui.store.errors import ValidationError

    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationError(required, field=field)
    if len(text) > limit:
        raise ValidationError(too_long.format(limit=limit), field=field)
    return text


QUOTE_LIMIT = 30


def quote(text: object, *, limit: int = QUOTE_LIMIT) -> str:
    """What was typed, for a message that repeats it: at most ``limit`` characters, then
    '…' ("abcdefghij…"), spaces tidied and control characters shown as '�', so a pasted
    page never makes a message (and its dialog) grow off the screen.

    The quote marks belong to the sentence, translated with it ("'{text}' is not an
    amount." in English, "“{text}”不是有效金额。" in Chinese): every message that
    repeats an input formats it with ``text=quote(raw)``.
    """
    raw = (text if isinstance(text, str) else str(text)).strip()
    head = raw[: limit * 4]  # enough to fill ``limit`` after tidying; never the whole paste
    visible = "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cs") and ch not in
                      "\t\n\r" else ch for ch in head)
    tidy = " ".join(visible.split())
    if len(tidy) > limit or len(raw) > len(head):
        return tidy[: limit - 1].rstrip() + "…"
    return tidy
