"""render_docx: a report as a Word document laid out like the print view, for printing and filing.

Built from the same field views as the PDF (renderers.build), so every answer reads exactly as it does
there. Styled as a Vietnamese administrative document: A4, Times New Roman 13 pt, margins of Decree
30/2020/NĐ-CP. The bytes are reproducible (fixed zip timestamps, dates from the heading) so a filed
copy can be compared with a fresh rendering. The Word helpers here also serve renderers.tables.
"""

from __future__ import annotations

import copy
from typing import Any

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from form_definitions.answers import compute
from renderers.build import ViewBuilder
from renderers.form import _score_view
from renderers.pdf import _heading_rows, report_keywords
from renderers.pdf_layout import NUMERIC_COLUMNS, clean_text
from renderers.values import Gettext
from renderers.views import Context, FieldView
from renderers.word import (
    GREY,
    NOTE_PT,
    TABLE_PT,
    _identity,
    docx_bytes,
    new_document,
    page_footer,
    page_template,
    set_properties,
    word_table,
)


def render_docx(
    definition: dict[str, Any],
    data: dict[str, Any] | None,
    *,
    locale: str = "vi",
    totals: dict[str, Any] | None = None,
    score: dict[str, Any] | None = None,
    gettext: Gettext = _identity,
    heading: dict[str, Any],
) -> bytes:
    """The report as .docx bytes: heading block, title, score, sections, answers, tables, page numbers.

    `heading` is render_pdf's: agency, period, report_id, form_key, version, digest and `date`.
    """
    values, computed = compute(definition, copy.deepcopy(data or {}))
    ctx = Context("print", locale, gettext, "filler", dict(totals or computed), score)
    fields = ViewBuilder(ctx).fields(definition.get("fields") or [], values, values)
    title = ctx.text(definition.get("title"))
    doc = new_document(locale=locale)
    subject = " · ".join(str(heading[k]) for k in ("agency", "period") if heading.get(k))
    keywords = report_keywords(str(heading.get("report_id") or ""), str(heading.get("digest") or ""))
    author = str(heading.get("agency") or "")
    set_properties(doc, title, locale, heading.get("date"), author=author, subject=subject, keywords=keywords)
    page_footer(doc, ctx.tr("Report %(id)s", id=heading.get("report_id") or ""), page_template(gettext))
    writer = _Writer(doc, ctx)
    writer.heading_block(_heading_rows(heading, ctx))
    doc.add_paragraph(clean_text(title), style="Title")
    description = clean_text(ctx.text(definition.get("description")))
    if description:
        writer.note(description).alignment = WD_ALIGN_PARAGRAPH.CENTER
    writer.score(_score_view(definition, score, ctx))
    for view in fields:
        writer.field(view, 1)
    return docx_bytes(doc)


class _Writer:
    """Writes field views in reading order, dispatched on the field type like pdf_layout.Layout."""

    def __init__(self, doc: Document, ctx: Context) -> None:
        self.doc = doc
        self.ctx = ctx

    def heading_block(self, rows: list[tuple[str, str]]) -> None:
        """The report's identity as a borderless two-column table (the template's table style has no lines)."""
        if not rows:
            return
        table = self.doc.add_table(rows=0, cols=2)
        for label, value in rows:
            cells = table.add_row().cells
            for cell, text, bold, width in ((cells[0], label, True, 45), (cells[1], value, False, 120)):
                cell.width = Mm(width)
                paragraph = cell.paragraphs[0]
                paragraph.paragraph_format.space_after = Pt(0)
                run = paragraph.add_run(text)
                run.bold, run.font.size = bold or None, Pt(TABLE_PT)
        self.doc.add_paragraph()

    def score(self, score: dict[str, str] | None) -> None:
        if score:
            text = f"{score['text']} — {score['band']}" if score.get("band") else score["text"]
            self.label_value(self.ctx.tr("Score"), clean_text(text))

    def field(self, view: FieldView, depth: int) -> None:
        if view.kind == "section":
            self.doc.add_heading(clean_text(view.label), level=min(depth, 9))
            if view.help:
                self.note(clean_text(view.help))
            self.paragraph(clean_text(view.content))
            for child in view.children:
                self.field(child, depth + 1)
        elif view.kind == "static":
            self.paragraph(clean_text(view.content or view.label))
        elif view.kind == "grid":
            self._caption(view)
            self._grid(view)
        elif view.kind == "group":
            self._caption(view)
            self._group(view, depth)
        else:
            self._answer(view)

    def paragraph(self, text: str) -> None:
        if text:
            self.doc.add_paragraph(text)

    def note(self, text: str) -> Paragraph:
        """Help text and points: smaller, grey and italic, as the print view shows them."""
        paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(text)
        run.italic, run.font.size, run.font.color.rgb = True, Pt(NOTE_PT), GREY
        return paragraph

    def label_value(self, label: str, value: str, *, below: bool = False, empty: bool = False) -> None:
        """`label: value` in one paragraph; long text (textarea) in its own paragraph below the label."""
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(label if below else f"{label}: ").bold = True
        if below:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph = self.doc.add_paragraph()
        run = paragraph.add_run(value)
        if empty:
            run.italic, run.font.color.rgb = True, GREY

    def _answer(self, view: FieldView) -> None:
        text = clean_text(view.text) or self.ctx.tr("No answer")
        self.label_value(clean_text(view.label), text, below=view.kind == "textarea", empty=not view.text)
        if view.points:
            self.note(f"{self.ctx.tr('Points')}: {clean_text(view.points)}")

    def _caption(self, view: FieldView) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run(clean_text(view.label)).bold = True
        paragraph.paragraph_format.keep_with_next = True
        if view.help:
            self.note(clean_text(view.help)).paragraph_format.keep_with_next = True

    def _grid(self, view: FieldView) -> None:
        """Rows labelled in the first column, one column per grid column, then row and column totals."""
        extra, tr, columns = view.extra, self.ctx.tr, view.columns
        addable, units, sums = bool(extra.get("addable")), int(bool(extra.get("has_units"))), extra.get("row_total")
        width = int(bool(sums))  # 1 when the grid has a row-total column
        header = ["#" if addable else tr("Item")] + [tr("Unit")] * units
        header += [f"{c.label} ({c.unit})" if c.unit else c.label for c in columns] + [str(sums)] * width
        numeric = [addable] + [False] * units + [c.type in NUMERIC_COLUMNS for c in columns] + [True] * width
        rows = [
            [row.number if addable else row.label]
            + [row.unit] * units
            + [c.text for c in row.cells]
            + [row.total_text] * width
            for row in view.rows
        ]
        if extra.get("has_totals"):
            rows.append(
                [tr("Total")] + [""] * units + [c.total_text if c.total else "" for c in columns] + [""] * width
            )
        word_table(self.doc, header, rows, numeric, bold_last=bool(extra.get("has_totals")))

    def _group(self, view: FieldView, depth: int) -> None:
        """One table row per item when every child is a simple field; otherwise numbered items in turn."""
        if not view.rows:
            self.note(self.ctx.tr("No answer"))
        elif view.extra.get("tabular"):
            headers = view.extra.get("headers") or []
            rows = []
            for number, row in enumerate(view.rows, start=1):
                cells = row.by_name
                rows.append([str(number)] + [cells[name].text if name in cells else "" for name, _, _ in headers])
            word_table(self.doc, ["#"] + [label for _, label, _ in headers], rows, [True] + [n for _, _, n in headers])
        else:
            for row in view.rows:
                self._caption(FieldView({}, "row", row.key, label=row.label))
                for child in row.fields:
                    self.field(child, depth + 1)
