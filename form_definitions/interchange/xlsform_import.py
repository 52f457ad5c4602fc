"""XLSForm-style workbook -> definition, with every unsupported or skipped construct reported by row."""

from __future__ import annotations

import json
from typing import Any

from openpyxl.workbook.workbook import Workbook

from form_definitions import SCHEMA_VERSION
from form_definitions.interchange.columns import SETTINGS_COLUMNS, text_value
from form_definitions.interchange.common import Imported, finish, language_code
from form_definitions.interchange.xlsform_fields import FieldReader, Node
from form_definitions.interchange.xlsform_sheets import Row, find_sheet, open_workbook, read_sheet
from form_definitions.problems import Problem

ENDS = {"begin_group": "end_group", "begin_repeat": "end_repeat", "begin_kobomatrix": "end_kobomatrix"}
ALIASES: dict[tuple[str, ...], str] = {
    ("select", "one"): "select_one",
    ("select", "multiple"): "select_multiple",
    ("select", "all", "that", "apply"): "select_multiple",
    **{(a, b): f"{a}_{b}" for a in ("begin", "end") for b in ("group", "repeat", "kobomatrix")},
}
SHEET_ORDER = {"": 0, "settings": 1, "survey": 2, "choices": 3}
DEFAULT_KIND = "questionnaire"


class _Fatal(Exception):
    """A workbook that cannot become a definition at all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def definition_from_workbook(data: bytes, *, key: str | None = None) -> Imported:
    """Read an XLSForm-style workbook; `key` (when given) replaces the settings' form_id."""
    problems: list[Problem] = []
    try:
        definition, rows = _read(data, key, problems)
    except _Fatal as fatal:
        return Imported(None, _sorted(problems) + [fatal.problem])
    for row in rows:
        problems += row.leftovers()
    return finish(definition, _sorted(problems))


def _read(data: bytes, key: str | None, problems: list[Problem]) -> tuple[dict[str, Any], list[Row]]:
    book = open_workbook(data)
    if book is None:
        raise _Fatal(Problem("", "import_not_xlsx"))
    settings_rows, language = _settings_rows(book, problems)
    settings = settings_rows[0] if settings_rows else None
    survey_sheet = find_sheet(book, "survey")
    if survey_sheet is None:
        raise _Fatal(Problem("", "import_sheet_missing", {"sheet": "survey"}))
    survey = read_sheet(survey_sheet, "survey", language, problems)
    for column in ("type", "name"):
        if column not in survey.columns:
            raise _Fatal(Problem("survey:1", "import_column_missing", {"sheet": "survey", "column": column}))
    lists, choice_rows = _choice_lists(book, language, problems)
    reader = FieldReader(lists, problems)
    fields = reader.fields(_tree(survey.rows, problems))
    for name, rows in lists.items():
        if name not in reader.used_lists:
            problems.append(rows[0].problem("import_list_unused", list=name))
            for row in rows:
                row.used |= set(row.cells)
    definition = _definition(settings, key, language, fields, problems)
    return definition, survey.rows + choice_rows + settings_rows


def _settings_rows(book: Workbook, problems: list[Problem]) -> tuple[list[Row], str]:
    """The settings rows (only the first one counts in XLSForm) and the default language it names."""
    sheet = find_sheet(book, "settings")
    if sheet is None:
        return [], "vi"
    rows = read_sheet(sheet, "settings", "vi", []).rows
    stated = rows[0].cells.get("default_language") if rows else None
    language = (language_code(text_value(stated)) if stated is not None else None) or "vi"
    found: list[Problem] = []
    rows = read_sheet(sheet, "settings", language, found).rows
    problems += found
    return rows, language


def _choice_lists(book: Workbook, language: str, problems: list[Problem]) -> tuple[dict[str, list[Row]], list[Row]]:
    sheet = find_sheet(book, "choices")
    if sheet is None:
        return {}, []
    rows = read_sheet(sheet, "choices", language, problems).rows
    lists: dict[str, list[Row]] = {}
    for row in rows:
        name = text_value(row.raw("list_name") or "").strip()
        if name:
            lists.setdefault(name, []).append(row)
        else:
            problems.append(row.problem("import_column_empty", column="list_name"))
            row.used |= set(row.cells)
    return lists, rows


def parse_type(text: str) -> tuple[str, list[str]]:
    """'select one yes_no' -> ('select_one', ['yes_no']); list names keep their case."""
    words = text.split()
    lowered = tuple(w.lower() for w in words)
    for alias, kind in ALIASES.items():
        if lowered[: len(alias)] == alias:
            return kind, words[len(alias) :]
    return (lowered[0] if lowered else ""), words[1:]


def _tree(rows: list[Row], problems: list[Problem]) -> list[Node]:
    """Nest rows between begin_* and end_*; an unbalanced workbook is fatal."""
    top: list[Node] = []
    stack: list[Node] = []
    for row in rows:
        if "type" not in row.cells:
            problems.append(row.problem("import_column_empty", column="type"))
            row.used |= set(row.cells)
            continue
        kind, args = parse_type(text_value(row.cells["type"]))
        if kind in ENDS.values():
            if not stack or ENDS[stack[-1].kind] != kind:
                raise _Fatal(row.problem("import_unexpected_end", type=kind))
            stack.pop().end = row
            continue
        node = Node(row, kind, args)
        (stack[-1].children if stack else top).append(node)
        if kind in ENDS:
            stack.append(node)
    if stack:
        raise _Fatal(stack[-1].row.problem("import_unclosed", type=stack[-1].kind))
    return top


def _definition(
    settings: Row | None, key: str | None, language: str, fields: list[Any], problems: list[Problem]
) -> dict[str, Any]:
    definition: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    values: dict[str, Any] = {}
    if settings is not None:
        values = _settings_values(settings, language, problems)
    if key is not None:
        values["key"] = key
    for name in ("key", "kind", "title", "description"):
        if name in values:
            definition[name] = values[name]
    definition.setdefault("kind", DEFAULT_KIND)
    definition["fields"] = fields
    for name in ("scoring", "workflow", "checks", "meta"):
        if name in values:
            definition[name] = values[name]
    return definition


def _settings_values(row: Row, language: str, problems: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in SETTINGS_COLUMNS:
        value = row.bilingual(column.column) if column.codec == "bilingual" else row.take(column.column, "text", [])
        if value is not None:
            values[column.key] = value
    title = row.raw("form_title")
    if title is not None and "title" not in values:
        values["title"] = {language: text_value(title)}  # Kobo's single-language title
    row.raw("default_language")
    row.raw("version")  # informational: the export's content hash
    version = row.take("schema_version", "whole", problems)
    if version is not None and version != SCHEMA_VERSION:
        problems.append(row.problem("import_bad_value", column="schema_version", value=str(version)))
    for name in ("scoring", "workflow", "checks", "meta"):
        text = row.raw(name)
        if text is None:
            continue
        try:
            values[name] = json.loads(text_value(text))
        except ValueError:
            problems.append(row.problem("import_bad_json", column=name))
    return values


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Problems in workbook order: settings, survey, choices; by row within a sheet."""

    def order(problem: Problem) -> tuple[int, int]:
        sheet, _, number = problem.path.partition(":")
        return SHEET_ORDER.get(sheet, 9), int(number) if number.isdigit() else 0

    return sorted(problems, key=order)
