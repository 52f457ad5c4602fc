"""Word document set-up shared by the DOCX renderers: A4 page, fonts, tables, footer, properties, bytes."""

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
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from renderers.pdf import CREATOR, DEFAULT_DATE
from renderers.pdf_layout import clean_text
from renderers.values import Gettext

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


def new_document(*, landscape: bool = False, locale: str = "vi", paper: str = "A4") -> Document:
    """An A4 (or A3) document with Times New Roman styles; the default template is US Letter in Calibri."""
    doc = new_docx()
    section = doc.sections[0]
    width, height = (Mm(297), Mm(420)) if paper == "A3" else (Mm(210), Mm(297))
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
    weights, section = column_weights(header, rows), doc.sections[-1]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    for column, weight in zip(table.columns, weights, strict=False):
        # set before the rows: each new cell copies its column's width (Word reads the cells' widths,
        # LibreOffice the grid's), so no pass over every cell of a column (quadratic in python-docx)
        column.width = Emu(width * weight // sum(weights))
    _table_row(table, header, numeric, bold=True, header=True)
    template: BaseOxmlElement | None = None
    for number, row in enumerate(rows, start=1):
        bold = bold_last and number == len(rows)
        if template is None or bold or not _plain_row(row):
            _table_row(table, row, numeric, bold=bold)
            template = table._tbl.tr_lst[-1] if not bold and _plain_row(row) else None
            continue
        _copy_row(table, template, row)
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
    cells = [_Cell(tc, table) for tc in row._tr.tc_lst]  # row.cells checks spans and merges: none here
    for cell, text, right in zip(cells, texts, numeric, strict=False):
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


def _plain_row(texts: list[str]) -> bool:
    """Whether every cell is one line of text (python-docx writes line breaks and tabs as elements)."""
    return all(isinstance(t, str) and "\n" not in t and "\t" not in t and t.strip() == t for t in texts)


def _copy_row(table: Table, template: BaseOxmlElement, texts: list[str]) -> None:
    """A row like `template` (cell by cell: widths, alignment, size) with other texts, copied as XML.

    Building each cell through python-docx costs about a millisecond; a table of thousands of rows
    (an export of ratings) is written by copying the previous plain row and replacing its texts.
    """
    row = copy.deepcopy(template)
    for tc, text in zip(row.findall(qn("w:tc")), texts, strict=False):
        runs = tc.findall(f"{qn('w:p')}/{qn('w:r')}")
        if not runs:  # the template's cell was empty: write this one the python-docx way
            _Cell(tc, table).paragraphs[0].add_run(clean_text(text)).font.size = Pt(TABLE_PT)
            continue
        for extra in runs[1:]:
            extra.getparent().remove(extra)
        found = runs[0].find(qn("w:t"))
        if found is None:
            found = _element("w:t")
            runs[0].append(found)
        found.text = clean_text(text)
        if not found.text:
            runs[0].getparent().remove(runs[0])
    table._tbl.append(row)


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
