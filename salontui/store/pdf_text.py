"""Text in a PDF (ReportLab), for the receipts and the owner's reports alike.

Fonts are the hard part: Vietnamese needs a font with every diacritic, Chinese a CJK
font. Latin and Vietnamese text is set in Roboto (the ``font-roboto`` package, embedded
as a subset); a run of characters Roboto has no glyph for (Chinese) is set in
STSong-Light, one of the standard CJK fonts every PDF reader carries (Adobe's Asian
fonts; ReportLab names it and maps Unicode to it), so nothing is embedded for it and the
text is still text (it can be searched and copied).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

LATIN = "Roboto"
CJK = "STSong-Light"


def _font_path() -> Path:
    import font_roboto

    return Path(font_roboto.__file__).parent / "files" / "Roboto-Regular.ttf"


@lru_cache(maxsize=1)
def fonts() -> frozenset[int]:
    """Register the two fonts with ReportLab (once) and answer the characters Roboto has."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    roboto = TTFont(LATIN, str(_font_path()))
    pdfmetrics.registerFont(roboto)
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    return frozenset(roboto.face.charToGlyph)


def all_latin(text: str) -> bool:
    """Whether Roboto has every letter of ``text`` (one font will do)."""
    latin = fonts()
    return all(ord(ch) in latin or ch.isspace() for ch in text)


def runs(text: str) -> Iterator[tuple[str, str]]:
    """``text`` (composed: NFC) cut into (font, run): Roboto where it has the glyph,
    STSong-Light else."""
    latin = fonts()
    text = unicodedata.normalize("NFC", text)
    start, font = 0, ""
    for index, ch in enumerate(text):
        wanted = LATIN if ord(ch) in latin or ch.isspace() else CJK
        if wanted != font:
            if index > start:
                yield font, text[start:index]
            start, font = index, wanted
    if len(text) > start:
        yield font or LATIN, text[start:]


def markup(text: str) -> str:
    """``text`` as Paragraph markup, each run in its font (Roboto the style's own)."""
    return "".join(escape(run) if font == LATIN else f'<font name="{font}">{escape(run)}</font>'
                   for font, run in runs(text))


def width(text: str, size: float) -> float:
    """How wide ``text`` is set at ``size`` points, each run in its font."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return sum(stringWidth(run, font, size) for font, run in runs(text))


def draw(canvas: Any, x: float, y: float, text: str, size: float, *,
         align: str = "left") -> None:
    """Draw one line of ``text`` on a ReportLab canvas with its baseline at ``y``: from
    ``x`` (``align="left"``), ending at ``x`` ("right") or centred on it ("center")."""
    if align == "right":
        x -= width(text, size)
    elif align == "center":
        x -= width(text, size) / 2
    shown = canvas.beginText(x, y)
    for font, run in runs(text):
        shown.setFont(font, size)
        shown.textOut(run)
    canvas.drawText(shown)
