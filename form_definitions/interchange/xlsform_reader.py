"""Reading an XLSForm with pyxform, the XLSForm project's reference reader, and finding each element's row again.

pyxform normalises what people write (header aliases and case, every language-column spelling, choice lists,
settings) into its JSON form; it drops row numbers, so `Locator` finds them again in the raw sheet rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from form_definitions.problems import Problem

ROW_IN_MESSAGE = re.compile(r"\[row\s*:\s*(\d+)\]")
SHEET_IN_MESSAGE = re.compile(r"'?\b(survey|choices|settings|external_choices|entities)'? sheet", re.IGNORECASE)
COLUMN_IN_MESSAGE = re.compile(r"the '([^']+)' (?:value|column)", re.IGNORECASE)
# pyxform's own column aliases that people write instead of the names its JSON uses.
HEADER_ALIASES = {
    "calculate": "calculation",
    "relevance": "relevant",
    "readonly": "read_only",
    "constraint_message": "constraint_message",
    "required_message": "required_message",
    "bind::relevant": "relevant",
    "bind::calculate": "calculation",
    "bind::constraint": "constraint",
    "bind::required": "required",
    "bind::jr:constraintmsg": "constraint_message",
    "bind::jr:requiredmsg": "required_message",
    "bind::readonly": "read_only",
    "control::appearance": "appearance",
}


class ReadError(Exception):
    """A workbook pyxform refuses; `problem` names the sheet and row it gave, and its own words."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


@dataclass
class Workbook:
    """pyxform's JSON form of a workbook, its raw sheets and the warnings it gave."""

    survey: dict[str, Any]
    sheets: dict[str, list[dict[str, Any]]]
    warnings: list[str] = field(default_factory=list)


def read_workbook(data: bytes, fallback_name: str) -> Workbook:
    """The workbook as pyxform reads it; ReadError when pyxform (or the file itself) refuses it."""
    try:
        raw = get_xlsform(data, file_type=".xlsx")
    except (PyXFormError, ValueError, TypeError, KeyError, OSError) as error:
        raise ReadError(Problem("", "import_not_xlsx")) from error
    if not raw.survey and not raw.survey_header:
        raise ReadError(Problem("", "import_sheet_missing", {"sheet": "survey"}))
    if unfold_kobomatrix(raw.survey or []) and raw.survey_header:
        raw.survey_header[0].update({"field_type": None, "kobo--matrix_list": None})  # pyxform checks rows' headers
    warnings: list[str] = []
    try:
        survey = workbook_to_json(raw, fallback_form_name=fallback_name or None, warnings=warnings)
    except Exception as error:  # pyxform raises several types; every one is a refusal to report, not a crash
        raise ReadError(refusal(str(error))) from error
    sheets = {name: list(getattr(raw, name) or []) for name in ("survey", "choices", "settings")}
    return Workbook(survey, sheets, warnings)


def unfold_kobomatrix(rows: list[dict[str, Any]]) -> bool:
    """KoboToolbox's matrix rows (not XLSForm: pyxform refuses them) as the grid group our export writes.

    Rows are changed in place, never added or removed, so row numbers stay those of the sheet.
    """
    found = False
    for row in rows:
        header = next((str(h) for h in row if header_base(str(h)) == "type"), "")
        words = str(row.get(header) or "").split()
        if words and words[0].lower() == "begin_kobomatrix":
            row[header], row["field_type"], found = "begin_group", "grid", True
            if len(words) > 1 and not cell(row, "kobo--matrix_list"):
                row["kobo--matrix_list"] = words[1]
        elif words and words[0].lower() == "end_kobomatrix":
            row[header] = "end_group"
    return found


def refusal(message: str) -> Problem:
    """pyxform's message as a problem at the sheet and row it names (the survey sheet when it names none)."""
    row = ROW_IN_MESSAGE.search(message)
    sheet = SHEET_IN_MESSAGE.search(message)
    text = ROW_IN_MESSAGE.sub("", message).strip()
    column = COLUMN_IN_MESSAGE.search(message)
    name, number = sheet.group(1).lower() if sheet else "survey", int(row.group(1)) if row else 1
    params = {"sheet": name, "row": number, "column": column.group(1) if column else "", "detail": text[:300]}
    return Problem(f"{name}:{number}", "import_pyxform_refused", params)


def header_base(header: str) -> str:
    """'Label::English (en)' -> 'label'; 'bind::relevant' -> 'relevant'."""
    lowered = re.sub(r"\s+", "_", header.strip().lower())
    if lowered in HEADER_ALIASES:
        return HEADER_ALIASES[lowered]
    base = lowered.split("::")[0]
    return HEADER_ALIASES.get(base, base)


def cell(row: dict[str, Any], column: str) -> str:
    """A cell by its header, whatever its case ('NAME', 'List name' and 'list_name' alike)."""
    for header, value in row.items():
        if re.sub(r"\s+", "_", str(header).strip().lower()) == column:
            return str(value).strip()
    return ""


class Locator:
    """Sheet rows of survey elements and choices, found by name in the order pyxform lists them."""

    def __init__(self, sheets: dict[str, list[dict[str, Any]]]) -> None:
        self.survey = sheets.get("survey", [])
        self.choices = sheets.get("choices", [])
        self.settings = sheets.get("settings", [])
        self.cursor = 0

    def element(self, name: str) -> Place | None:
        """The next survey row (from the last one found) with this name; None for what pyxform added itself."""
        for index in range(self.cursor, len(self.survey)):
            if cell(self.survey[index], "name") == name:
                self.cursor = index + 1
                return Place("survey", index + 2, self.survey[index])
        for index, row in enumerate(self.survey):  # pyxform may reorder (it never adds named rows)
            if cell(row, "name") == name:
                return Place("survey", index + 2, row)
        return None

    def unnamed(self, kind: str) -> Place | None:
        """The next row without a name whose type starts with `kind` (pyxform names unnamed notes itself)."""
        for index in range(self.cursor, len(self.survey)):
            row = self.survey[index]
            if not cell(row, "name") and cell(row, "type").lower().startswith(kind):
                self.cursor = index + 1
                return Place("survey", index + 2, row)
        return None

    def choice(self, list_name: str, name: str) -> Place:
        for index, row in enumerate(self.choices):
            if cell(row, "list_name") == list_name and cell(row, "name") == name:
                return Place("choices", index + 2, row)
        return Place("choices", 1, {})

    def setting(self) -> Place:
        return Place("settings", 2, self.settings[0] if self.settings else {})


@dataclass
class Place:
    """One sheet row: where a problem about it is reported, and the headers as the user wrote them."""

    sheet: str
    row: int
    cells: dict[str, Any]

    def header(self, column: str) -> str:
        """The header as written for a column ('constraint_message' -> 'constraint_message::English (en)')."""
        for header in self.cells:
            if header_base(str(header)) == column:
                return str(header)
        return column

    def problem(self, code: str, column: str = "", **params: Any) -> Problem:
        values = {"sheet": self.sheet, "row": self.row, "column": self.header(column) if column else "", **params}
        return Problem(f"{self.sheet}:{self.row}", code, values)
