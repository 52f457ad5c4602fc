"""Dossier sheets uploaded by staff (CSV or XLSX): reading the file as Excel writes it, and the preview of
what importing each row would do before anything is written.

CSV files come as UTF-8 (with or without the BOM of Excel's "CSV UTF-8") or as Windows-1258 (Excel's plain
"CSV" on Vietnamese Windows, tone marks as combining characters), separated by commas, semicolons (where the
decimal mark is a comma) or tabs; the reader detects both and says which it used.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from formplatform.errors import BadRequest, localize_problems
from formplatform.permissions import Principal
from formplatform.satisfaction.codes import normalize_code
from formplatform.satisfaction.dossier_input import COLUMNS, MAX_BYTES, MAX_ROWS, REQUIRED, DossierRow
from formplatform.satisfaction.dossier_writes import pending_changes
from formplatform.satisfaction.dossiers import plan_dossiers
from formplatform.satisfaction.models import Dossier

MAX_COLUMNS = 60


def rows_from_table(table: list[list[str]]) -> list[DossierRow]:
    """Rows of a sheet whose first row names the columns (others, like a row number, are ignored)."""
    if not table:
        raise BadRequest("dossier_import_empty")
    header = [str(name).strip().lower() for name in table[0]]
    if not set(REQUIRED) <= set(header):
        raise BadRequest("dossier_import_columns")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {name: str(cells[i]).strip() if i < len(cells) else "" for i, name in enumerate(header)}
        if any(values.get(column) for column in COLUMNS):
            rows.append(DossierRow(str(number), {column: values.get(column, "") for column in COLUMNS}))
    if not rows:
        raise BadRequest("dossier_import_empty")
    if len(rows) > MAX_ROWS:
        raise BadRequest("dossier_import_too_many_rows")
    return rows


EXAMPLE_CODE = "000.00.31.H29-261110-0012"  # the template's example row: an import skips it
DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal mark is a comma (Vietnamese settings)


@dataclass(frozen=True)
class Sheet:
    """An uploaded sheet's rows and how its file was read (shown in the import preview)."""

    rows: list[DossierRow]
    kind: str  # "csv" or "xlsx"
    encoding: str = ""  # "UTF-8", "UTF-8 (BOM)" or "Windows-1258" for CSV
    delimiter: str = ""  # ",", ";" or "\t" for CSV


def decode_csv(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with: UTF-8 (with or without the BOM Excel's
    "CSV UTF-8" writes), else Windows-1258, what Excel's plain "CSV" writes on Vietnamese Windows."""
    if content.startswith(b"\xef\xbb\xbf"):
        text, encoding = content[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    else:
        try:
            text, encoding = content.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            # Windows-1258 writes tone marks as combining characters: compose them as UTF-8 text does
            text, encoding = unicodedata.normalize("NFC", content.decode("cp1258", errors="replace")), "Windows-1258"
    if "\x00" in text:
        raise BadRequest("import_file_type")
    return text, encoding


def guess_delimiter(text: str) -> str:
    """The separator that splits the header row into the most known column names (comma on a tie)."""
    header = text.split("\n", 1)[0]

    def known(delimiter: str) -> int:
        names = next(csv.reader(io.StringIO(header), delimiter=delimiter), [])
        return sum(name.strip().lower() in COLUMNS for name in names)

    return max(DELIMITERS, key=lambda d: (known(d), d == ","))


def csv_table(content: bytes) -> tuple[list[list[str]], str, str]:
    """A CSV file's cells, its encoding and its delimiter."""
    try:
        text, encoding = decode_csv(content)
    except UnicodeDecodeError as error:
        raise BadRequest("import_file_type") from error
    delimiter = guess_delimiter(text)
    try:
        table = [row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise BadRequest("import_unreadable") from error
    return table[: MAX_ROWS + 2], encoding, delimiter


def read_upload(filename: str, content: bytes) -> Sheet:
    """Rows of an uploaded CSV or XLSX file, with the same size and type checks as the account import."""
    from formplatform.accounts import importing

    if len(content) > MAX_BYTES:
        raise BadRequest("import_too_large")
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    zipped = content.startswith(b"PK\x03\x04")
    if extension == "xlsx" and zipped:
        return Sheet(rows_from_table(importing._xlsx_table(content)), "xlsx")
    if extension == "csv" and not zipped:
        table, encoding, delimiter = csv_table(content)
        return Sheet(rows_from_table(table), "csv", encoding, delimiter)
    raise BadRequest("import_file_type")


def is_example(row: DossierRow) -> bool:
    """Whether a row is the template's example, left in the sheet."""
    return normalize_code(row.values.get("code", "")) == EXAMPLE_CODE


@dataclass
class RowVerdict:
    """What importing one row of a sheet would do: "new", "update", "unchanged", "example" (skipped) or
    "invalid" (its problems, localized), with what changes for an update."""

    where: str
    values: dict[str, str]
    verdict: str
    changes: list[str] = field(default_factory=list)
    status_before: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)


def preview_dossiers(rows: list[DossierRow], actor: Principal) -> list[RowVerdict]:
    """Every row of a sheet with what importing it would do; nothing is written."""
    real = [row for row in rows if not is_example(row)]
    problems, plan = plan_dossiers(real, actor)
    by_row: dict[str, list[dict[str, Any]]] = {}
    for problem in localize_problems(problems):
        by_row.setdefault(problem["path"].partition(".")[0], []).append(problem)
    planned = {data.code: data for data in plan}
    stored = {d.id: d for d in Dossier.objects(id__in=list(planned))}
    verdicts = []
    for row in rows:
        code = normalize_code(row.values.get("code", ""))
        if is_example(row):
            verdicts.append(RowVerdict(row.where, row.values, "example"))
        elif row.where in by_row or code not in planned:
            verdicts.append(RowVerdict(row.where, row.values, "invalid", problems=by_row.get(row.where, [])))
        elif code not in stored:
            verdicts.append(RowVerdict(row.where, row.values, "new"))
        else:
            changed = sorted(pending_changes(stored[code], planned[code]))
            verdict = "update" if changed else "unchanged"
            verdicts.append(RowVerdict(row.where, row.values, verdict, changed, stored[code].status))
    return verdicts
