"""A report as a PDF: landscape A4, its heading, then each table (header row repeated on
every page a long table runs over, totals last) and its charts as bars of figures.

The fonts (Roboto for Latin and Vietnamese, STSong-Light for Chinese, chosen run by run)
are store/pdf_text.py's, as the receipts' are. Written under a temporary name and moved
to its name when complete (``sheet_writer.replace_when_written``).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from salontui.i18n import _
from salontui.store.io.sheet_writer import check_target, replace_when_written
from salontui.store.pdf_text import LATIN, all_latin, fonts, markup
from salontui.store.reports.figures import NUMERIC, Figures, heading
from salontui.store.reports.shape import Cell, Report, Series, Table

SIZE = 8.5
BAR_ROWS = 40  # the most bars a chart draws (the rest are in its table)


def _cell(text: str, style: Any) -> Any:
    """A plain string where Roboto has every letter (fast); a Paragraph with font runs
    otherwise."""
    from reportlab.platypus import Paragraph

    if all_latin(text):
        return text
    return Paragraph(markup(text), style)


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("cell", fontName=LATIN, fontSize=SIZE, leading=SIZE * 1.25)
    return {"cell": base,
            "number": ParagraphStyle("number", parent=base, alignment=TA_RIGHT),
            "title": ParagraphStyle("title", parent=base, fontSize=14, leading=18,
                                    spaceAfter=4),
            "section": ParagraphStyle("section", parent=base, fontSize=11, leading=14,
                                      spaceBefore=10, spaceAfter=4)}


def _table(table: Table, figures: Figures, styles: dict[str, Any], width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    columns = table.columns
    numeric = [c.cell in NUMERIC for c in columns]

    def row_of(values) -> list:
        return [_cell(figures.cell(v, c.cell), styles["number" if n else "cell"])
                for v, c, n in zip(values, columns, numeric, strict=False)]

    data = [[_cell(c.label, styles["cell"]) for c in columns]]
    data += [row_of(row) for row in table.rows]
    if table.totals is not None:
        totals = row_of(table.totals)
        if columns and not numeric[0] and not totals[0]:
            totals[0] = _("Total")
        data.append(totals)
    # Figures and dates 2.6 cm each; text columns share what they leave.
    figure_w = 2.6 * 72 / 2.54
    fixed = [n or c.cell is Cell.DATE for n, c in zip(numeric, columns, strict=True)]
    texts = sum(1 for f in fixed if not f) or 1
    text_w = max((width - figure_w * sum(fixed)) / texts, figure_w)
    widths = [figure_w if f else text_w for f in fixed]
    if sum(widths) > width:  # many columns: each gives up its share
        widths = [w * width / sum(widths) for w in widths]
    shown_table = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), LATIN, SIZE),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
    ]
    commands += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]
    if table.totals is not None:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black))
    shown_table.setStyle(commands)
    parts: list = [Paragraph(markup(table.title), styles["section"]), shown_table]
    if not table.rows:
        parts.append(Paragraph(markup(_("Nothing in this period.")), styles["cell"]))
    return parts


def _chart(series: Series, figures: Figures, styles: dict[str, Any], width: float) -> list:
    """A chart as a table of label, bar and figure (the bar a drawn rectangle)."""
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as PdfTable

    pairs = list(zip(series.labels, series.values, strict=True))[:BAR_ROWS]
    top = max((v for _label, v in pairs), default=0)
    parts: list = [Paragraph(markup(series.title), styles["section"])]
    if top <= 0:
        return [*parts, Paragraph(markup(_("Nothing to draw in this period.")),
                                  styles["cell"])]
    label_w, value_w = width * 0.25, 3.2 * 72 / 2.54
    bar_w = width - label_w - value_w - 12
    rows = []
    for label, value in pairs:
        drawing = Drawing(bar_w, 9)
        if value > 0:
            drawing.add(Rect(0, 1, bar_w * value / top, 7, fillColor=colors.HexColor("#3a7d44"),
                             strokeColor=None))
        rows.append([_cell(label, styles["cell"]), drawing,
                     _cell(figures.cell(value, series.cell), styles["number"])])
    bars = PdfTable(rows, colWidths=[label_w, bar_w + 6, value_w], hAlign="LEFT")
    bars.setStyle([("FONT", (0, 0), (-1, -1), LATIN, SIZE),
                   ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                   ("TOPPADDING", (0, 0), (-1, -1), 1),
                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1)])
    return [*parts, bars]


def report_story(report: Report, figures: Figures, *, where: str, width: float) -> list:
    from reportlab.platypus import Paragraph

    fonts()  # registered before the styles name them
    styles = _styles()
    story: list = [Paragraph(markup(heading(report, figures, where)), styles["title"])]
    for table in report.tables:
        story += _table(table, figures, styles, width)
    for series in report.charts:
        story += _chart(series, figures, styles, width)
    return story


def write_report_pdf(report: Report, path: str | Path, figures: Figures, *,
                     where: str = "", overwrite: bool = False) -> Path:
    """Write ``report`` to ``path`` (a .pdf name; refused at ``path`` otherwise)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    target = check_target(path, overwrite=overwrite, extensions=(".pdf",))
    margin = 1.2 * cm
    page = landscape(A4)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(LATIN, 7)
        canvas.drawRightString(page[0] - margin, margin / 2,
                               _("Page {page}").format(page=doc.page))
        canvas.restoreState()

    def write(out: IO[bytes]) -> None:
        doc = SimpleDocTemplate(out, pagesize=page, leftMargin=margin, rightMargin=margin,
                                topMargin=margin, bottomMargin=margin, title=report.title,
                                author="salontui")
        doc.build(report_story(report, figures, where=where, width=doc.width),
                  onFirstPage=footer, onLaterPages=footer)

    replace_when_written(target, write)
    return target
