"""Aggregate tables (dashboards) and their writers: CSV, XLSX, DOCX and PDF.

A DataTable arrives localized: title, subtitle and headers are already in the reader's language, so
the writers add no words of their own except the PDF's "page x of y". The four writers agree: the same
header, the same rows, None as an empty cell. CSV and XLSX keep numbers as numbers (for further
work); DOCX and PDF show them as the locale writes them (vi 1.234,5 · en 1,234.5).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from renderers.pdf import CREATOR, DEFAULT_DATE, ReportPdf, _page_text
from renderers.pdf_layout import FONT, HEADINGS, SMALL, clean_text
from renderers.values import Gettext, format_number, is_number, plain_text
from renderers.word import column_weights, docx_bytes, new_document, page_footer, set_properties, word_table
from renderers.word import page_template as docx_page_template

Cell = str | int | float | None
LANDSCAPE_COLUMNS = 6  # more columns than this do not fit across a portrait A4 page
A3_COLUMNS = 14  # more than this do not fit across a landscape A4 page (an export of ratings has 27)
HEADER_ROW = 3  # XLSX: title in row 1, subtitle in row 2, the table from row 3
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def _identity(text: str) -> str:
    return text


@dataclass
class DataTable:
    """A titled table of already-localized text and raw numbers."""

    title: str  # already localized
    columns: list[str]  # localized headers
    rows: list[list[Cell]]
    subtitle: str = ""  # e.g. filters applied, localized
    numeric: list[bool] | None = None  # per column; None → guess from values
    locale: str = "vi"  # how DOCX and PDF write numbers
    plain: list[bool] | None = None  # per column: years, codes, ids — digits as written, never grouped

    def cells(self) -> list[list[Cell]]:
        """The rows cut or padded to the number of columns, so every writer gets the same grid."""
        width = len(self.columns)
        return [(list(row) + [None] * width)[:width] for row in self.rows]

    def numeric_columns(self) -> list[bool]:
        """The given flags, or: a column is numeric when it holds numbers and nothing but numbers."""
        if self.numeric is not None and len(self.numeric) == len(self.columns):
            return list(self.numeric)
        columns = list(zip(*self.cells(), strict=True)) or [() for _ in self.columns]
        return [bool(values) and _all_numbers(values) for values in columns]

    def plain_columns(self) -> list[bool]:
        """The given flags, or no plain column."""
        if self.plain is not None and len(self.plain) == len(self.columns):
            return list(self.plain)
        return [False] * len(self.columns)

    def texts(self) -> list[list[str]]:
        """Every cell as display text: numbers in the locale's format (plain columns as written), None as ''."""
        plain = self.plain_columns()
        return [
            [plain_text(v) if p and is_number(v) else _text(v, self.locale) for v, p in zip(row, plain, strict=True)]
            for row in self.cells()
        ]


def _all_numbers(values: tuple[Cell, ...]) -> bool:
    present = [v for v in values if v is not None and v != ""]
    return bool(present) and all(is_number(v) for v in present)


def _text(value: Cell, locale: str) -> str:
    return format_number(value, locale) if is_number(value) else clean_text(value)


# --- CSV --------------------------------------------------------------------------------------


def table_csv(table: DataTable) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Vietnamese), the header row, then the rows."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.cells():
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode("utf-8-sig")


# --- XLSX -------------------------------------------------------------------------------------


def sheet_title(title: str) -> str:
    """A valid Excel sheet name: at most 31 characters, none of []:*?/\\, no apostrophe at either end."""
    name = " ".join(_BAD_SHEET_CHARACTERS.sub(" ", clean_text(title)).split())
    if len(name) > 31:
        cut = name[:32]  # one past the limit, to see whether the last word is whole
        name = cut.rsplit(" ", 1)[0] if " " in cut else name[:31]
    name = name.strip("'").strip()
    if name.casefold() == "history":  # Excel reserves this name
        name = f"{name} 1"
    return name or "Sheet"


def table_xlsx(table: DataTable) -> bytes:
    """One sheet: title (A1), subtitle (A2), a frozen and filterable header row, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook always has one worksheet
    sheet.title = sheet_title(table.title)
    sheet["A1"] = _xlsx_text(table.title)
    sheet["A1"].font = Font(bold=True, size=14)
    if table.subtitle:
        sheet["A2"] = _xlsx_text(table.subtitle)
        sheet["A2"].font = Font(italic=True, color="595959")
    numeric = table.numeric_columns()
    _xlsx_header(sheet, table.columns)
    plain = table.plain_columns()
    for number, row in enumerate(table.cells(), start=HEADER_ROW + 1):
        for column, value in enumerate(row, start=1):
            _xlsx_cell(sheet, number, column, value, plain[column - 1])
    last = get_column_letter(max(len(table.columns), 1))
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(table.rows), 1)}"
    _xlsx_widths(sheet, table, numeric)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"  # the header on every printed page
    if len(table.columns) > LANDSCAPE_COLUMNS:
        sheet.page_setup.orientation = "landscape"
    book.properties.title = clean_text(table.title)
    book.properties.creator = CREATOR
    book.properties.created = DEFAULT_DATE.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_text(value: Any) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", clean_text(value))


def _xlsx_header(sheet: Worksheet, columns: list[str]) -> None:
    font, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")  # the submissions export's header
    for column, header in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=_xlsx_text(header))
        cell.data_type = "s"
        cell.font, cell.fill = font, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _xlsx_cell(sheet: Worksheet, row: int, column: int, value: Cell, plain: bool = False) -> None:
    if value is None:
        return
    if is_number(value):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.number_format = "0" if plain else "#,##0" if isinstance(value, int) else "#,##0.0#"
        return
    cell = sheet.cell(row=row, column=column, value=_xlsx_text(value))
    cell.data_type = "s"  # openpyxl would store "=…" text as a formula that Excel then runs


def _xlsx_widths(sheet: Worksheet, table: DataTable, numeric: list[bool]) -> None:
    """Wide enough for the longest value (headers wrap, so count their longest word), within limits."""
    texts = table.texts()
    for index, header in enumerate(table.columns):
        longest = max([len(word) for word in header.split()] + [len(row[index]) for row in texts] + [0])
        width = min(max(longest + 2, 10 if numeric[index] else 12), 60)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


# --- DOCX -------------------------------------------------------------------------------------


def table_docx(table: DataTable) -> bytes:
    """A Word document: the title as a heading, the subtitle, then the table (header repeated per page)."""
    doc = new_document(landscape=len(table.columns) > LANDSCAPE_COLUMNS, locale=table.locale, paper=_paper(table))
    set_properties(doc, table.title, table.locale)
    page_footer(doc, table.title, docx_page_template(None))  # no gettext here: "1 / 3" needs no words
    doc.add_paragraph(clean_text(table.title), style="Title")
    if table.subtitle:
        doc.add_paragraph(clean_text(table.subtitle)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    word_table(doc, [clean_text(c) for c in table.columns], table.texts(), table.numeric_columns())
    return docx_bytes(doc)


# --- PDF --------------------------------------------------------------------------------------


def table_pdf(table: DataTable, *, gettext: Gettext = _identity) -> bytes:
    """An A4 PDF in DejaVu Sans (every Vietnamese letter), landscape when the table is wide."""
    doc = pdf_document(table, gettext)
    _pdf_table(doc, table)
    return bytes(doc.output())


def pdf_document(table: DataTable, gettext: Gettext) -> ReportPdf:
    """The PDF's first page with the title and subtitle, ready for the table."""
    title = clean_text(table.title)
    doc = ReportPdf(title, _page_text(gettext))
    doc.set_creation_date(DEFAULT_DATE)  # reproducible bytes, as for reports
    doc.set_title(title)
    doc.set_creator(CREATOR)
    doc.set_lang(table.locale)
    doc.add_page(orientation="L" if len(table.columns) > LANDSCAPE_COLUMNS else "P", format=_paper(table))
    doc.set_font(FONT, "B", 13)
    doc.multi_cell(0, 6.5, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if table.subtitle:
        doc.set_font(FONT, "", SMALL)
        doc.set_text_color(95)
        doc.multi_cell(0, 4.2, clean_text(table.subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(0)
    doc.ln(3)
    return doc


def _paper(table: DataTable) -> str:
    return "A3" if len(table.columns) > A3_COLUMNS else "A4"


def _pdf_table(doc: ReportPdf, table: DataTable) -> None:
    if not table.columns:
        return
    numeric, texts = table.numeric_columns(), table.texts()
    header = [clean_text(c) for c in table.columns]
    doc.set_font(FONT, "", SMALL)
    with doc.table(
        col_widths=column_weights(header, texts),
        text_align=["RIGHT" if n else "LEFT" for n in numeric],
        headings_style=HEADINGS,
        line_height=3.8,
        padding=1,
        repeat_headings=1,
    ) as pdf_table:
        pdf_table.row(header)
        for row in texts:
            pdf_table.row(row)
