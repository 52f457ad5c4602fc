"""Definition -> XLSForm-style workbook (sheets survey, choices, settings), ready to open in Excel."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from form_definitions import SCHEMA_VERSION
from form_definitions.interchange.columns import (
    CHOICES_ORDER,
    FIELD_COLUMNS,
    OPTION_COLUMNS,
    POINTS_COLUMN,
    ROW_COLUMNS,
    SETTINGS_COLUMNS,
    SETTINGS_ORDER,
    STATIC_COLUMNS,
    SURVEY_ORDER,
    Column,
    encode,
)
from form_definitions.versions import content_hash

Cells = dict[str, Any]
TYPE_CELLS = {
    "textarea": "text",
    "choice": "select_one",
    "scored_choice": "select_one",
    "multi_choice": "select_multiple",
    "rating": "range",
    "calculated": "calculate",
    "static": "note",
}
BLOCKS = {"section": "group", "group": "repeat"}
LABEL_WIDTH, MIN_WIDTH, MAX_WIDTH = 40, 8, 60


def workbook_from_definition(definition: dict[str, Any]) -> bytes:
    """The definition as an .xlsx workbook that KoboToolbox/ODK users can read and edit."""
    writer = _SurveyWriter()
    writer.fields(definition.get("fields") or [])
    book = Workbook()
    survey = book.active
    assert survey is not None  # a new workbook always has one sheet
    survey.title = "survey"
    _fill(survey, SURVEY_ORDER, writer.rows, always=SURVEY_ORDER[:8])
    _fill(book.create_sheet("choices"), CHOICES_ORDER, writer.choices, always=CHOICES_ORDER[:4])
    _fill(book.create_sheet("settings"), SETTINGS_ORDER, [_settings(definition)], always=SETTINGS_ORDER[:8])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(item: dict[str, Any], columns: tuple[Column, ...]) -> Cells:
    cells: Cells = {}
    for column in columns:
        if column.key in item:
            cells.update(encode(column, item[column.key]))
    return cells


class _SurveyWriter:
    """Collects survey and choices rows while walking the field tree."""

    def __init__(self) -> None:
        self.rows: list[Cells] = []
        self.choices: list[Cells] = []
        self.list_names: set[str] = set()

    def fields(self, fields: list[dict[str, Any]]) -> None:
        for field in fields:
            self.field(field)

    def field(self, field: dict[str, Any]) -> None:
        kind = str(field.get("type", ""))
        if kind in BLOCKS:
            self.rows.append({"type": f"begin_{BLOCKS[kind]}", **_cells(field, FIELD_COLUMNS), **_appearance(field)})
            self.fields(field.get("fields") or [])
            self.rows.append({"type": f"end_{BLOCKS[kind]}", "name": field.get("name")})
        elif kind == "grid":
            self.grid(field)
        else:
            self.rows.append(self.question(field, kind))

    def question(self, field: dict[str, Any], kind: str) -> Cells:
        columns: tuple[Column, ...] = FIELD_COLUMNS
        if kind == "static":
            columns = STATIC_COLUMNS + tuple(c for c in FIELD_COLUMNS if c.key != "label")
        cells = {"type": TYPE_CELLS.get(kind, kind), **_cells(field, columns)}
        if "options" in field:
            list_name = self.new_list(field)
            cells["type"] += f" {list_name}"
            for option in field["options"] or []:
                columns = OPTION_COLUMNS + ((POINTS_COLUMN,) if "points" in option else ())
                self.choices.append({"list_name": list_name, **_cells(option, columns)})
        cells.update(_appearance(field))
        if kind == "rating":
            cells["parameters"] = _range_parameters(field)
        return cells

    def grid(self, field: dict[str, Any]) -> None:
        cells = {"type": "begin_kobomatrix", **_cells(field, FIELD_COLUMNS), **_appearance(field)}
        if "rows" in field:
            cells["kobo--matrix_list"] = list_name = self.new_list(field)
            for row in field["rows"] or []:
                self.choices.append({"list_name": list_name, **_cells(row, ROW_COLUMNS)})
        self.rows.append(cells)
        for column in field.get("columns") or []:
            kind = str(column.get("type", ""))
            self.rows.append({"type": TYPE_CELLS.get(kind, kind), **_cells(column, FIELD_COLUMNS)})
        self.rows.append({"type": "end_kobomatrix", "name": field.get("name")})

    def new_list(self, field: dict[str, Any]) -> str:
        """A choice list name not used yet: the field's name, numbered when it repeats."""
        # A list name is one word in the type cell ("select_one <list>"), whatever the field is called.
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(field.get("name") or "")).strip("_") or "list"
        name, number = base, 1
        while name in self.list_names:
            number += 1
            name = f"{base}_{number}"
        self.list_names.add(name)
        return name


def _appearance(field: dict[str, Any]) -> Cells:
    """XLSForm appearance: `multiline` for a textarea, `minimal` for a select widget, other widgets as named."""
    tokens = ["multiline"] if field.get("type") == "textarea" else []
    if "widget" in field:
        tokens.append("minimal" if field["widget"] == "select" else str(field["widget"]))
    return {"appearance": " ".join(tokens)} if tokens else {}


def _range_parameters(field: dict[str, Any]) -> str:
    # Only the bounds the definition states, so a default stays a default after the round trip.
    parts = [f"start={field['scale_min']}"] if "scale_min" in field else []
    parts += [f"end={field['scale_max']}"] if "scale_max" in field else []
    return " ".join(parts + ["step=1"])


def _settings(definition: dict[str, Any]) -> Cells:
    cells = _cells(definition, SETTINGS_COLUMNS)
    cells["default_language"] = "vi"
    cells["version"] = content_hash(definition)[7:19]
    cells["schema_version"] = definition.get("schema_version", SCHEMA_VERSION)
    for key in ("scoring", "workflow", "checks", "meta"):
        if key in definition:
            cells[key] = json.dumps(definition[key], ensure_ascii=False)
    return cells


def _fill(sheet: Worksheet, order: list[str], rows: list[Cells], always: list[str]) -> None:
    """Write a header of the used columns (in `order`) and the rows; bold, frozen, sized header."""
    used = {h for row in rows for h, v in row.items() if v not in (None, "")}
    headers = [h for h in order if h in used or h in always]
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell_value(row.get(h)) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for sheet_row in sheet.iter_rows(min_row=2):
        for cell in sheet_row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text such as "= 5" must not become an Excel formula
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str) and len(cell.value) > 40)
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(header, [r.get(header) for r in rows])


def _cell_value(value: Any) -> Any:
    return None if value in (None, "") else value


def _width(header: str, values: list[Any]) -> float:
    longest = max([len(header)] + [len(str(v)) for v in values if v is not None])
    floor = LABEL_WIDTH if header.split("::")[0] in ("label", "hint", "heading") else MIN_WIDTH
    return float(min(max(longest + 2, floor), MAX_WIDTH))
