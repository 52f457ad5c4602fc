"""Drawing field views (renderers.views, built in print mode) onto an fpdf2 page, like the print view."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from renderers.views import Context, FieldView

FONT = "DejaVu"
BODY, SMALL, LINE = 9.5, 8, 5.0
INDENT = 6.0
GREY = 95
HEADINGS = FontFace(family=FONT, emphasis="BOLD", fill_color=(232, 236, 241), size_pt=SMALL)
TOTALS = FontFace(family=FONT, emphasis="BOLD", size_pt=SMALL)
NUMERIC_COLUMNS = ("integer", "decimal", "calculated")


_CONTROL = {c: " " for c in range(32) if c != 10}  # tabs, carriage returns, NULs… → spaces


def clean_text(text: Any) -> str:
    """Text a PDF font can draw: NFC (DejaVu holds precomposed Vietnamese letters), no control characters."""
    value = "" if text is None else str(text)
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").translate(_CONTROL))


_clean = clean_text


class Layout:
    """Writes the heading block, title, score and every field box in reading order."""

    def __init__(self, doc: FPDF, ctx: Context) -> None:
        self.doc = doc
        self.ctx = ctx

    # --- page furniture -----------------------------------------------------------------------

    def heading_block(self, rows: list[tuple[str, str]]) -> None:
        """The report's identity (agency, period, id, version, digest) in a small two-column table."""
        doc = self.doc
        doc.set_font(FONT, "", SMALL)
        with doc.table(
            col_widths=(1, 3),
            first_row_as_headings=False,
            text_align=("LEFT", "LEFT"),
            line_height=4.2,
            padding=1.2,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            for label, value in rows:
                row = table.row()
                row.cell(label, style=FontFace(emphasis="BOLD"))
                row.cell(value)
        doc.ln(4)

    def title(self, title: str, description: str) -> None:
        doc = self.doc
        doc.set_font(FONT, "B", 14)
        doc.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
        if description:
            doc.ln(1)
            doc.set_font(FONT, "", SMALL)
            doc.set_text_color(GREY)
            doc.multi_cell(0, 4.2, description, align="C", new_x="LMARGIN", new_y="NEXT")
            doc.set_text_color(0)
        doc.ln(3)

    def score(self, score: dict[str, str] | None) -> None:
        if not score:
            return
        text = f"{score['text']} — {score['band']}" if score.get("band") else score["text"]
        self._label_value(self.ctx.tr("Score"), _clean(text))
        self.doc.ln(2)

    # --- fields -------------------------------------------------------------------------------

    def field(self, view: FieldView) -> None:
        """One field box, dispatched on its type like renderers/templates/renderers/fields/<type>.html."""
        if view.kind == "section":
            self._section(view)
        elif view.kind == "static":
            self._paragraph(_clean(view.content or view.label))
        elif view.kind == "grid":
            self._grid(view)
        elif view.kind == "group":
            self._group(view)
        else:
            self._answer(view)

    def _section(self, view: FieldView) -> None:
        doc = self.doc
        doc.ln(2)
        if doc.will_page_break(18):
            doc.add_page()  # never strand a heading at the foot of a page
        doc.set_font(FONT, "B", 11.5)
        doc.multi_cell(0, 6, _clean(view.label), align="L", new_x="LMARGIN", new_y="NEXT")
        if view.help:
            self._note(_clean(view.help))
        if view.content:
            self._paragraph(_clean(view.content))
        doc.ln(1)
        for child in view.children:
            self.field(child)

    def _paragraph(self, text: str) -> None:
        if text:
            self.doc.set_font(FONT, "", BODY)
            self.doc.multi_cell(0, LINE, text, align="L", new_x="LMARGIN", new_y="NEXT")
            self.doc.ln(1)

    def _note(self, text: str) -> None:
        self.doc.set_font(FONT, "", SMALL)
        self.doc.set_text_color(GREY)
        self.doc.multi_cell(0, 4, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.doc.set_text_color(0)

    def _answer(self, view: FieldView) -> None:
        """`label: value` on one flowing line; long text (textarea) starts below its label."""
        text = _clean(view.text)
        if not text:
            text = self.ctx.tr("No answer")
        self._label_value(_clean(view.label), text, below=view.kind == "textarea", empty=not view.text)
        if view.points:
            self._note(f"{self.ctx.tr('Points')}: {_clean(view.points)}")
        self.doc.ln(1.2)

    def _label_value(self, label: str, value: str, *, below: bool = False, empty: bool = False) -> None:
        doc = self.doc
        doc.set_font(FONT, "B", BODY)
        if below:
            doc.multi_cell(0, LINE, label, align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            doc.write(LINE, f"{label}: ")
        doc.set_font(FONT, "", BODY)
        if empty:
            doc.set_text_color(GREY)
        if below:
            doc.multi_cell(0, LINE, value, align="L", new_x="LMARGIN", new_y="NEXT")
        else:
            doc.write(LINE, value)
            doc.ln(LINE)
        doc.set_text_color(0)

    # --- repeatable groups: numbered items ----------------------------------------------------

    def _group(self, view: FieldView) -> None:
        doc = self.doc
        doc.set_font(FONT, "B", BODY)
        doc.multi_cell(0, LINE, _clean(view.label), align="L", new_x="LMARGIN", new_y="NEXT")
        if not view.rows:
            self._note(self.ctx.tr("No answer"))
        for number, row in enumerate(view.rows, start=1):
            doc.set_font(FONT, "B", BODY)
            with self._indented(INDENT):
                doc.multi_cell(0, LINE, f"{number}.", align="L", new_x="LMARGIN", new_y="NEXT")
                with self._indented(INDENT):
                    for child in row.fields:
                        self.field(child)
        doc.ln(1)

    @contextmanager
    def _indented(self, by: float) -> Iterator[None]:
        margin = self.doc.l_margin
        self.doc.set_left_margin(margin + by)
        self.doc.set_x(margin + by)
        try:
            yield
        finally:
            self.doc.set_left_margin(margin)
            self.doc.set_x(margin)

    # --- grids: real tables with column and row totals ----------------------------------------

    def _grid(self, view: FieldView) -> None:
        doc, extra = self.doc, view.extra
        doc.set_font(FONT, "B", BODY)
        doc.multi_cell(0, LINE, _clean(view.label), align="L", new_x="LMARGIN", new_y="NEXT")
        if view.help:
            self._note(_clean(view.help))
        doc.ln(1)
        header, widths, aligns = self._grid_columns(view)
        doc.set_font(FONT, "", SMALL)
        with doc.table(
            col_widths=widths,
            text_align=aligns,
            headings_style=HEADINGS,
            line_height=3.8,
            padding=1,
            repeat_headings=1,
        ) as table:
            table.row([_clean(h) for h in header])
            for row in view.rows:
                cells = [row.label if not extra.get("addable") else row.number]
                cells += [row.unit] if extra.get("has_units") else []
                cells += [cell.text for cell in row.cells]
                cells += [row.total_text] if extra.get("row_total") else []
                table.row([_clean(c) for c in cells])
            if extra.get("has_totals"):
                totals = [self.ctx.tr("Total")] + ([""] if extra.get("has_units") else [])
                totals += [c.total_text if c.total else "" for c in view.columns]
                totals += [""] if extra.get("row_total") else []
                table.row([_clean(t) for t in totals], style=TOTALS)
        doc.ln(3)

    def _grid_columns(self, view: FieldView) -> tuple[list[str], list[float], list[str]]:
        """Header texts, relative widths and alignments: row labels wide, numbers narrow and right-aligned."""
        extra = view.extra
        header = ["#" if extra.get("addable") else self.ctx.tr("Item")]
        widths = [0.6 if extra.get("addable") else 3.2]
        aligns = ["LEFT"]
        if extra.get("has_units"):
            header, widths, aligns = header + [self.ctx.tr("Unit")], widths + [1.2], aligns + ["LEFT"]
        for column in view.columns:
            header.append(f"{column.label} ({column.unit})" if column.unit else column.label)
            numeric = column.type in NUMERIC_COLUMNS
            widths.append(1.3 if numeric else 2.0)
            aligns.append("RIGHT" if numeric else "LEFT")
        if extra.get("row_total"):
            header, widths, aligns = header + [str(extra["row_total"])], widths + [1.3], aligns + ["RIGHT"]
        return header, widths, aligns
