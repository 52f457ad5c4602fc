"""Streaming CSV and XLSX writers for exports: rows go to disk as they come, so memory stays flat.

XLSX: openpyxl builds the workbook's shell (styles, header rows, frozen panes, column widths and one
Excel table per sheet, so every sheet filters and sorts as a real table); the data rows are streamed
into each sheet's XML as inline strings and numbers, then spliced into the shell's package. Measured
on the 2-core development machine, openpyxl's own write-only mode does about 110,000 cells per CPU
second, which is 50 s for a 100,000 × 55 sheet before any database work; the splice writes the same
XML several times faster. A table longer than an Excel sheet continues on a second sheet.

CSV: UTF-8 with a byte-order mark (Excel then reads Vietnamese correctly); one table gives one .csv
file, several give a .zip of one .csv per table.

DOCX and PDF: one table laid out on A4 pages by renderers.tables (the dashboards' writers), so the
rows are kept until the end: these formats suit what people print or file (thousands of rows), not
what they analyse (XLSX, CSV).
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from renderers.export_plan import Cell, ExportTable
from renderers.pdf_rows import rows_pdf
from renderers.tables import DataTable, table_docx
from renderers.values import Gettext

MAX_SHEET_ROWS = 1_048_576
MAX_CELL_TEXT = 32_767
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_INVALID_SHEET = re.compile(r"[\[\]:*?/\\]")
COPY_CHUNK = 1 << 20


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name (at most 31 characters, none of []:*?/\\)."""
    base = " ".join(_INVALID_SHEET.sub(" ", title).split())[:28].strip("'") or "Sheet"
    name, number = base, 1
    while name.casefold() in taken:
        number += 1
        name = f"{base[: 31 - len(str(number)) - 3]} ({number})"
    taken.add(name.casefold())
    return name


class _SheetPart:
    """One sheet's data rows as XML on disk."""

    def __init__(self, table: ExportTable, title: str, folder: Path, index: int) -> None:
        self.table = table
        self.title = title
        self.path = folder / f"part-{index}.xml"
        self.stream: IO[str] = self.path.open("w", encoding="utf-8")
        self.rows = 1  # the header row
        self.letters = [get_column_letter(i) for i in range(1, len(table.columns) + 1)]

    def write(self, row: list[Cell]) -> None:
        self.rows += 1
        number = self.rows
        cells = []
        for letter, value in zip(self.letters, row, strict=False):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                cells.append(f'<c r="{letter}{number}"><v>{value!r}</v></c>')
            else:
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is>{_text_xml(value)}</is></c>')
        self.stream.write(f'<row r="{number}">{"".join(cells)}</row>')


def _text_xml(value: Any) -> str:
    text = _ILLEGAL_XML.sub("", str(value))[:MAX_CELL_TEXT]
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{escape(text)}</t>"


class XlsxStream:
    """Rows of several tables → one .xlsx file, a sheet (or more) per table."""

    def __init__(self, tables: list[ExportTable], folder: Path) -> None:
        self.tables = tables
        self.folder = folder
        self.parts: list[_SheetPart] = []
        self.current: list[_SheetPart] = []
        self.taken: set[str] = set()
        for table in tables:
            self.current.append(self._new_part(table))

    def _new_part(self, table: ExportTable) -> _SheetPart:
        part = _SheetPart(table, sheet_name(table.title, self.taken), self.folder, len(self.parts))
        self.parts.append(part)
        return part

    def add(self, table: int, row: list[Cell]) -> None:
        part = self.current[table]
        if part.rows >= MAX_SHEET_ROWS:
            part = self.current[table] = self._new_part(part.table)
        part.write(row)

    def close(self, target: Path) -> None:
        """Write the finished workbook to `target`."""
        for part in self.parts:
            part.stream.close()
        shell = self.folder / "shell.xlsx"
        self._shell().save(shell)
        with zipfile.ZipFile(shell) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in source.infolist():
                data = source.read(item.filename)
                spliced = _sheet_part(item.filename, self.parts)
                if spliced is None:
                    out.writestr(item, data)
                    continue
                with out.open(item.filename, "w", force_zip64=True) as entry:
                    _splice(data.decode("utf-8"), spliced, entry)

    def _shell(self) -> Workbook:
        book = Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        header_font = Font(bold=True)
        header_fill = PatternFill("solid", fgColor="DCE6F1")
        for number, part in enumerate(self.parts, start=1):
            sheet = book.create_sheet(part.title)
            sheet.append([c.header for c in part.table.columns])
            for cell, column in zip(sheet[1], part.table.columns, strict=True):
                cell.font = header_font
                cell.fill = header_fill
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                width = 12 if column.numeric else min(max(len(column.header) * 0.9, 14), 48)
                sheet.column_dimensions[cell.column_letter].width = width
            sheet.freeze_panes = "A2"
            last = f"{part.letters[-1]}{max(part.rows, 2)}"
            table = Table(displayName=f"Table{number}", ref=f"A1:{last}")
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            # Named here: otherwise openpyxl reads the names from `sheet[table.ref]`, which creates every
            # cell of the whole range in memory (200 MB for 20,000 rows of 53 columns).
            table._initialise_columns()  # type: ignore[attr-defined]
            for table_column, column in zip(table.tableColumns, part.table.columns, strict=True):
                table_column.name = column.header
            sheet.add_table(table)
        return book


def _sheet_part(filename: str, parts: list[_SheetPart]) -> _SheetPart | None:
    match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", filename)
    if match is None:
        return None
    return parts[int(match.group(1)) - 1]


def _splice(xml: str, part: _SheetPart, entry: IO[bytes]) -> None:
    """The shell's sheet XML with the streamed rows inserted after its header row."""
    head, marker, tail = xml.partition("</sheetData>")
    if not marker:
        raise ValueError("unexpected worksheet XML from openpyxl")
    last = f"{part.letters[-1]}{part.rows}"
    head = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{last}"/>', head, count=1)
    entry.write(head.encode("utf-8"))
    with part.path.open("rb") as rows:
        shutil.copyfileobj(rows, entry, COPY_CHUNK)
    entry.write((marker + tail).encode("utf-8"))


class CsvStream:
    """Rows of several tables → one .csv (one table) or a .zip of .csv files."""

    def __init__(self, tables: list[ExportTable], folder: Path, names: list[str]) -> None:
        self.names = names
        self.paths = [folder / f"table-{i}.csv" for i in range(len(tables))]
        self.files = [p.open("w", encoding="utf-8-sig", newline="") for p in self.paths]
        self.writers = [csv.writer(f) for f in self.files]
        for writer, table in zip(self.writers, tables, strict=True):
            writer.writerow([c.header for c in table.columns])

    @property
    def zipped(self) -> bool:
        return len(self.paths) > 1

    def add(self, table: int, row: list[Cell]) -> None:
        self.writers[table].writerow(["" if v is None else v for v in row])

    def close(self, target: Path) -> None:
        for stream in self.files:
            stream.close()
        if not self.zipped:
            shutil.move(self.paths[0], target)
            return
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for path, name in zip(self.paths, self.names, strict=True):
                out.write(path, name)


class PagedStream:
    """Rows of one table → a Word document or a PDF (see the module's note on memory)."""

    def __init__(self, table: ExportTable, kind: str, *, subtitle: str, locale: str, gettext: Gettext) -> None:
        if kind not in ("docx", "pdf"):
            raise ValueError(kind)
        self.kind = kind
        self.gettext = gettext
        self.table = DataTable(
            table.title,
            [c.header for c in table.columns],
            [],
            subtitle=subtitle,
            numeric=[c.numeric for c in table.columns],
            locale=locale,
            plain=[c.plain for c in table.columns],
        )

    def add(self, table: int, row: list[Cell]) -> None:
        if table != 0:
            raise ValueError("Word and PDF exports hold one table")
        self.table.rows.append(row)

    def close(self, target: Path) -> None:
        content = table_docx(self.table) if self.kind == "docx" else rows_pdf(self.table, gettext=self.gettext)
        target.write_bytes(content)


def work_folder() -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder for an export's intermediate files."""
    return tempfile.TemporaryDirectory(prefix="fp-export-")
