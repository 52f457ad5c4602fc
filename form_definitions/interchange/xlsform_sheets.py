"""Reading an XLSForm workbook into rows of normalised cells, and noting what no one read."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook

from form_definitions.interchange.columns import BILINGUAL_BASES, CellError, decode, text_value
from form_definitions.interchange.common import language_code
from form_definitions.problems import Problem

_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, TypeError, EOFError)


def empty(value: Any) -> bool:
    """Whether a cell holds nothing (blank or only spaces)."""
    return value is None or (isinstance(value, str) and value.strip() == "")


@dataclass
class Row:
    """One non-empty sheet row: its number, its cells by normalised header, and the headers read so far."""

    sheet: str
    number: int
    cells: dict[str, Any]
    headers: dict[str, str]  # normalised -> as written, for messages
    used: set[str] = field(default_factory=set)

    @property
    def path(self) -> str:
        return f"{self.sheet}:{self.number}"

    def has(self, column: str) -> bool:
        return column in self.cells

    def raw(self, column: str) -> Any:
        """A cell's value, marking it as read; None when blank."""
        self.used.add(column)
        return self.cells.get(column)

    def take(self, column: str, codec: str, problems: list[Problem]) -> Any:
        """A decoded cell (None when blank); an unreadable one becomes a problem and None."""
        value = self.raw(column)
        if value is None:
            return None
        try:
            return decode(codec, value)
        except CellError as error:
            problems.append(self.problem(error.code, column=self.headers[column], value=text_value(value)[:80]))
            return None

    def bilingual(self, base: str) -> dict[str, str] | None:
        """{"vi": …, "en": …} from base::vi / base::en, only the languages present; None if neither."""
        texts = {lang: text_value(self.raw(f"{base}::{lang}")) for lang in ("vi", "en") if self.has(f"{base}::{lang}")}
        return texts or None

    def problem(self, code: str, **params: Any) -> Problem:
        return Problem(self.path, code, params)

    def leftovers(self) -> list[Problem]:
        """One problem per filled cell that nothing read: every skipped construct gets reported."""
        return [
            self.problem("import_unsupported_column", column=self.headers[c], value=text_value(v)[:80])
            for c, v in self.cells.items()
            if c not in self.used
        ]


@dataclass
class Sheet:
    """A sheet's non-empty rows and its (normalised) column names."""

    rows: list[Row]
    columns: set[str]


def open_workbook(data: bytes) -> Workbook | None:
    """The workbook, or None when the bytes are not an .xlsx file."""
    try:
        return load_workbook(io.BytesIO(data), data_only=False)
    except _UNREADABLE:
        return None


def find_sheet(book: Workbook, name: str) -> Any:
    """A sheet by name, ignoring case and surrounding spaces."""
    for title in book.sheetnames:
        if title.strip().lower() == name:
            return book[title]
    return None


def normalise_header(text: str, default_language: str) -> str | None:
    """'Label::Vietnamese (vi)' -> 'label::vi'; 'label' -> 'label::<default>'; None for other languages."""
    base, _, language = text.strip().partition("::")
    base = re.sub(r"\s+", "_", base.strip().lower())
    if base not in BILINGUAL_BASES:
        return f"{base}::{language.strip().lower()}" if language else base
    code = language_code(language) if language else default_language
    return f"{base}::{code}" if code else None


def read_sheet(sheet: Any, name: str, default_language: str, problems: list[Problem]) -> Sheet:
    """Rows of a sheet with normalised headers; columns in other languages or Kobo bookkeeping are reported once."""
    values = list(sheet.iter_rows(values_only=True))
    header_cells = [text_value(h).strip() if not empty(h) else "" for h in (values[0] if values else ())]
    keys: list[str | None] = []
    for index, header in enumerate(header_cells):
        key = normalise_header(header, default_language) if header else None
        filled = any(len(r) > index and not empty(r[index]) for r in values[1:])
        if header and filled and (key is None or key.startswith("$")):
            problems.append(Problem(f"{name}:1", "import_unsupported_column", {"column": header, "value": ""}))
            key = None
        keys.append(key)
    headers = {k: h for k, h in zip(keys, header_cells, strict=True) if k}
    rows = []
    for number, row in enumerate(values[1:], start=2):
        cells = {k: v for k, v in zip(keys, row, strict=False) if k and not empty(v)}
        if cells:
            rows.append(Row(name, number, cells, headers))
    return Sheet(rows, set(headers))
