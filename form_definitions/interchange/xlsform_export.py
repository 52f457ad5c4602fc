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

from form_definitions import LANGUAGES, SCHEMA_VERSION
from form_definitions.interchange.columns import (
    CHOICES_ORDER,
    FIELD_COLUMNS,
    OPTION_COLUMNS,
    POINTS_COLUMN,
    ROW_COLUMNS,
    SETTINGS_COLUMNS,
    SETTINGS_ORDER,
    SETTINGS_TEXTS,
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
    "phone": "text",
    "email": "text",
    "yes_no": "select_one",
}
# Our types XLSForm has no word for: written as their nearest XLSForm type and named in `field_type`,
# a column pyxform passes through untouched, so reading the workbook back restores them.
NAMED_TYPES = {"phone", "email", "yes_no", "rating"}
YES_NO = "yes_no"
YES_NO_CHOICES = [
    {"list_name": YES_NO, "name": "yes", "label::vi": "Có", "label::en": "Yes"},
    {"list_name": YES_NO, "name": "no", "label::vi": "Không", "label::en": "No"},
]
CELL_REFERENCE = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_]*)\.([A-Za-z0-9_]+)\.([A-Za-z][A-Za-z0-9_]*)\}")
ROOT = "/data"  # pyxform's instance root when the settings name none
SIBLING = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
BLOCKS = {"section": "group", "group": "repeat"}
LABEL_WIDTH, MIN_WIDTH, MAX_WIDTH = 40, 8, 60


def workbook_from_definition(definition: dict[str, Any]) -> bytes:
    """The definition as an .xlsx workbook that KoboToolbox/ODK users can read and edit."""
    writer = _SurveyWriter()
    writer.fields(definition.get("fields") or [])
    writer.absolute_cell_references()
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
        self.path: list[str] = []
        self.grid_paths: dict[str, str] = {}

    def fields(self, fields: list[dict[str, Any]]) -> None:
        for field in fields:
            self.field(field)

    def field(self, field: dict[str, Any]) -> None:
        kind = str(field.get("type", ""))
        if kind in BLOCKS:
            self.rows.append({"type": f"begin_{BLOCKS[kind]}", **_cells(field, FIELD_COLUMNS), **_appearance(field)})
            self.path.append(str(field.get("name")))
            self.fields(field.get("fields") or [])
            self.path.pop()
            self.rows.append({"type": f"end_{BLOCKS[kind]}"})
        elif kind == "grid":
            self.grid(field)
        else:
            self.rows.append(self.question(field, kind))

    def question(self, field: dict[str, Any], kind: str) -> Cells:
        columns: tuple[Column, ...] = FIELD_COLUMNS
        if kind == "static":
            columns = STATIC_COLUMNS + tuple(c for c in FIELD_COLUMNS if c.key != "label")
        cells = {"type": TYPE_CELLS.get(kind, kind), **_cells(field, columns)}
        if kind in NAMED_TYPES:
            cells["field_type"] = kind
        if kind == YES_NO:
            cells["type"] += f" {YES_NO}"
            if YES_NO not in self.list_names:
                self.list_names.add(YES_NO)
                self.choices += YES_NO_CHOICES
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
        """A grid pyxform (and ODK) can ask: fixed rows as a field-list group of row groups, addable rows as a repeat.

        `field_type` marks it as a grid and `kobo--matrix_list` names the rows' choice list, for reading back.
        """
        name = str(field.get("name"))
        self.grid_paths[name] = "/".join([ROOT, *self.path, name])
        widget = _appearance(field).get("appearance")
        fixed = "rows" in field
        cells = {"type": "begin_group" if fixed else "begin_repeat", **_cells(field, FIELD_COLUMNS)}
        cells.update(field_type="grid", appearance=f"field-list {widget or ''}".strip() if fixed else widget)
        if fixed:
            cells["kobo--matrix_list"] = list_name = self.new_list(field)
            for row in field.get("rows") or []:
                # pyxform turns `unit::vi` on the choices sheet into a translation it cannot write: plain columns
                item = {h.replace("unit::", "unit_"): v for h, v in _cells(row, ROW_COLUMNS).items()}
                self.choices.append({"list_name": list_name, **item})
        self.rows.append(cells)
        for row in field.get("rows") or [] if fixed else [None]:
            if row is not None:
                self.rows.append({"type": "begin_group", "name": row.get("key"), **_cells(row, OPTION_COLUMNS[1:])})
            for column in field.get("columns") or []:
                kind = str(column.get("type", ""))
                self.rows.append(_relative({"type": TYPE_CELLS.get(kind, kind), **_cells(column, FIELD_COLUMNS)}))
            if row is not None:
                self.rows.append({"type": "end_group"})
        self.rows.append({"type": "end_group" if fixed else "end_repeat"})

    def absolute_cell_references(self) -> None:
        """`${grid.row.column}` -> the cell's absolute path: its name alone is shared by every row of the grid."""

        def absolute(match: re.Match[str]) -> str:
            grid, row, column = match.groups()
            return f"{self.grid_paths[grid]}/{row}/{column}" if grid in self.grid_paths else match.group(0)

        for cells in self.rows:
            for column in ("calculation", "relevant", "required_if"):
                if isinstance(cells.get(column), str):
                    cells[column] = CELL_REFERENCE.sub(absolute, cells[column])

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


def _relative(cells: Cells) -> Cells:
    """A grid cell's rule names its row's other cells as `../name`: `${name}` would be ambiguous across rows."""
    for column in ("calculation", "relevant", "required_if"):
        if isinstance(cells.get(column), str):
            cells[column] = SIBLING.sub(r"../\1", cells[column])
    return cells


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
    for key in SETTINGS_TEXTS:
        value = definition.get(key)
        texts: dict[str, Any] = value if isinstance(value, dict) else {}
        cells.update({f"{key}_{lang}": text for lang, text in texts.items() if lang in LANGUAGES and text})
    title = definition.get("title") or {}
    cells["form_title"] = title.get("vi") or title.get("en") if isinstance(title, dict) else None
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
