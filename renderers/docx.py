"""render_docx: a report as a Word document laid out like the print view, for printing and filing.

Built from the same field views as the PDF (renderers.build), so every answer reads exactly as it does
there. Styled as a Vietnamese administrative document: A4, Times New Roman 13 pt, margins of Decree
30/2020/NĐ-CP. The bytes are reproducible (fixed zip timestamps, dates from the heading) so a filed
copy can be compared with a fresh rendering. The Word helpers here also serve renderers.tables.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from datetime import UTC, datetime
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from form_definitions.answers import compute
from renderers.build import ViewBuilder
from renderers.form import _score_view
from renderers.pdf import CREATOR, DEFAULT_DATE, _heading_rows, report_keywords
from renderers.pdf_layout import NUMERIC_COLUMNS, clean_text
from renderers.values import Gettext
from renderers.views import Context, FieldView

FONT = "Times New Roman"  # what Vietnamese administrative documents use; it has every Vietnamese letter
BODY_PT, TABLE_PT, NOTE_PT, FOOTER_PT = 13, 11, 11, 10
GREY = RGBColor(0x59, 0x59, 0x59)
HEADER_FILL = "E8ECF1"  # the PDF's table heading colour
LANGUAGES = {"vi": "vi-VN", "en": "en-US"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest zip date: a constant, so equal content gives equal bytes
_PAGE, _PAGES = "\x01", "\x02"


def _identity(text: str) -> str:
    return text


# --- document shell (shared with renderers.tables) ---------------------------------------------


def new_document(*, landscape: bool = False, locale: str = "vi") -> Document:
    """An A4 document with Times New Roman styles; the default template is US Letter in Calibri."""
    doc = new_docx()
    section = doc.sections[0]
    width, height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name, size in [("Normal", BODY_PT), ("Title", 15), ("Footer", FOOTER_PT)] + [
        (f"Heading {n}", 14 if n == 1 else BODY_PT) for n in range(1, 10)
    ]:
        _style_font(doc.styles[name], size, LANGUAGES.get(locale, "vi-VN"))
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    title = doc.styles["Title"]
    title.element.get_or_add_pPr().remove_all("w:pBdr")  # the template underlines titles in blue
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(6)
    title.font.bold = True
    for n in range(1, 10):
        doc.styles[f"Heading {n}"].paragraph_format.space_before = Pt(12 if n == 1 else 8)
    return doc


def _style_font(style: BaseStyle, size: float, language: str) -> None:
    """Times New Roman everywhere: theme font attributes would otherwise win over the explicit name."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.attrib.clear()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)
    rpr.remove_all("w:lang")
    rpr.append(_element("w:lang", val=language))  # the proofing language, so Word spell-checks in Vietnamese
    style.font.size = Pt(size)  # type: ignore[attr-defined]
    style.font.color.rgb = RGBColor(0, 0, 0)  # type: ignore[attr-defined]


def word_table(
    doc: Document, header: list[str], rows: list[list[str]], numeric: list[bool], *, bold_last: bool = False
) -> Table:
    """A 'Table Grid' table whose shaded header row repeats on every page; numbers right-aligned.
    `bold_last`: the last row holds totals."""
    table = doc.add_table(rows=0, cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_row(table, header, numeric, bold=True, header=True)
    for number, row in enumerate(rows, start=1):
        _table_row(table, row, numeric, bold=bold_last and number == len(rows))
    weights, section = column_weights(header, rows), doc.sections[-1]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    for column, weight in zip(table.columns, weights, strict=False):
        for cell in column.cells:  # Word reads the cells' widths, LibreOffice the grid's
            cell.width = column.width = Emu(width * weight // sum(weights))
    doc.add_paragraph().paragraph_format.space_after = Pt(2)  # adjacent tables would merge into one
    return table


def column_weights(header: list[str], rows: list[list[str]]) -> list[int]:
    """Shares of a table's width by content: long labels get room, numbers stay narrow (headers wrap)."""
    return [
        min(max([len(word) for word in text.split()] + [len(row[i]) for row in rows if i < len(row)] + [6]), 40)
        for i, text in enumerate(header)
    ]


def _table_row(
    table: Table, texts: list[str], numeric: list[bool], *, bold: bool = False, header: bool = False
) -> None:
    row = table.add_row()
    for cell, text, right in zip(row.cells, texts, numeric, strict=False):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(clean_text(text))
        run.bold = bold or None
        run.font.size = Pt(TABLE_PT)
        if header:
            cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", fill=HEADER_FILL))
    if header:
        row._tr.get_or_add_trPr().append(_element("w:tblHeader"))  # repeat this row at the top of each page


def page_footer(doc: Document, left: str, page_template: str) -> None:
    """`left` at the left margin and the page template (with _PAGE/_PAGES markers) at the right."""
    section = doc.sections[0]
    paragraph = section.footer.paragraphs[0]
    style = doc.styles["Footer"]
    style.paragraph_format.tab_stops.clear_all()  # the template's stops are placed for US Letter
    paragraph.style = style
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(width), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.add_run(f"{clean_text(left)}\t")
    for part in re.split(f"([{_PAGE}{_PAGES}])", page_template):
        if part in (_PAGE, _PAGES):
            _field(paragraph, "PAGE" if part == _PAGE else "NUMPAGES")
        elif part:
            paragraph.add_run(part)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out the pages."""
    field, run, text = _element("w:fldSimple", instr=instruction), _element("w:r"), _element("w:t")
    text.text = "1"  # shown by readers that do not update fields
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _element(tag: str, **attributes: str) -> BaseOxmlElement:
    return OxmlElement(tag, {qn(f"w:{name}"): value for name, value in attributes.items()})


def page_template(gettext: Gettext | None) -> str:
    """ "Page %(page)s of %(pages)s" with markers where the page fields go; without gettext (or with a
    broken translation) the wordless "1 / 3"."""
    if gettext is None:
        return f"{_PAGE} / {_PAGES}"
    try:
        return gettext("Page %(page)s of %(pages)s") % {"page": _PAGE, "pages": _PAGES}
    except (KeyError, ValueError, TypeError):
        return f"{_PAGE} / {_PAGES}"


def docx_bytes(doc: Document) -> bytes:
    """The saved document with constant zip timestamps (python-docx stamps each entry with the time)."""
    saved, stable = io.BytesIO(), io.BytesIO()
    doc.save(saved)
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(zipfile.ZipInfo(item.filename, ZIP_TIME), source.read(item.filename), zipfile.ZIP_DEFLATED)
    return stable.getvalue()


def set_properties(doc: Document, title: str, locale: str, date: Any = None, **extra: str) -> None:
    """Core properties: title, language and fixed dates (the template's say "generated by python-docx")."""
    props = doc.core_properties
    when = date if isinstance(date, datetime) else DEFAULT_DATE
    when = when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when  # naive means UTC
    props.title = clean_text(title)
    props.language = LANGUAGES.get(locale, locale)
    props.created = props.modified = when
    props.author = clean_text(extra.get("author", ""))
    props.subject = clean_text(extra.get("subject", ""))
    props.keywords = extra.get("keywords", "")
    props.comments, props.last_modified_by, props.revision = CREATOR, "", 1


# --- the report --------------------------------------------------------------------------------


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
