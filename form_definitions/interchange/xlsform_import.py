"""XLSForm workbook -> definition, read by pyxform; every construct that cannot be kept is reported by row."""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Any

from form_definitions import SCHEMA_VERSION
from form_definitions.interchange.common import Imported, finish, language_code
from form_definitions.interchange.xlsform_questions import SurveyMapper
from form_definitions.interchange.xlsform_reader import Locator, Place, ReadError, read_workbook
from form_definitions.problems import Problem

DEFAULT_KIND = "questionnaire"
SHEET_ORDER = {"": 0, "settings": 1, "survey": 2, "choices": 3}
# Settings pyxform reads for ODK that mean nothing here (versioning, submission, encryption, styling).
QUIET_SETTINGS = {"version", "default_language", "form_title", "form_id", "schema_version", "instance_name"}
QUIET_SETTINGS |= {"style", "public_key", "submission_url", "allow_choice_duplicates", "namespaces"}
QUIET_SETTINGS |= {"auto_send", "auto_delete", "clean_text_values", "name", "omit_instanceID"}


def definition_from_workbook(
    data: bytes, *, key: str | None = None, title: str | None = None, filename: str = ""
) -> Imported:
    """Read an XLSForm; `key` and `title` (when given) replace what the settings sheet says."""
    stem = PurePath(filename or "").stem
    try:
        book = read_workbook(data, stem)
    except ReadError as error:
        return Imported(None, [error.problem])
    survey = book.survey
    language = language_code(str(survey.get("default_language") or "")) or "vi"
    grids = _grid_names(survey.get("children") or [])
    locator = Locator(book.sheets)
    mapper = SurveyMapper(locator, survey.get("choices") or {}, language, grids)
    fields = mapper.fields(survey.get("children") or [])
    problems = mapper.problems
    if mapper.languages:
        dropped = ", ".join(sorted(mapper.languages))
        params = {"sheet": "survey", "row": 1, "languages": dropped}
        problems.append(Problem("survey:1", "import_languages_dropped", params))
    definition = _definition(book.sheets.get("settings") or [], locator.setting(), fields, problems)
    _name(definition, survey, key, title, stem, language)
    return finish(definition, sorted(problems, key=_order), mapper.paths(fields))


def _grid_names(children: list[dict[str, Any]]) -> set[str]:
    """Names of the groups our export wrote for grids (marked by `kobo--matrix_list`), at any depth."""
    names: set[str] = set()
    for child in children:
        if "kobo--matrix_list" in child or child.get("field_type") == "grid":
            names.add(str(child.get("name")))
        names |= _grid_names(child.get("children") or [])
    return names


def _definition(settings: list[dict[str, Any]], place: Place, fields: list[Any], problems: list[Problem]) -> Any:
    """Kind, descriptions and our own JSON settings (scoring, workflow, meta) from the first settings row."""
    row = settings[0] if settings else {}
    definition: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "kind": str(row.get("kind") or DEFAULT_KIND)}
    description = {lang: str(row[f"description_{lang}"]) for lang in ("vi", "en") if row.get(f"description_{lang}")}
    if description:
        definition["description"] = description
    definition["fields"] = fields
    for name in ("scoring", "workflow", "checks", "meta"):
        if row.get(name):
            try:
                definition[name] = json.loads(str(row[name]))
            except ValueError:
                problems.append(place.problem("import_bad_json", name))
    known = QUIET_SETTINGS | {"kind", "scoring", "workflow", "checks", "meta", "description_vi", "description_en"}
    known |= {"title_vi", "title_en"}
    for header, value in row.items():
        if header.lower() not in known and value not in (None, ""):
            problems.append(place.problem("import_column_dropped", header, value=str(value)[:80]))
    if str(row.get("schema_version") or SCHEMA_VERSION) != str(SCHEMA_VERSION):
        problems.append(place.problem("import_bad_value", "schema_version", value=str(row["schema_version"])))
    return definition


def _name(
    definition: dict[str, Any], survey: dict[str, Any], key: str | None, title: str | None, stem: str, language: str
) -> None:
    """Key: given → form_id → file name. Title: given → title_vi/title_en → form_title → form_id → file name."""
    settings = survey  # pyxform lifts every settings column to the top of its JSON
    form_id = str(settings.get("id_string") or "")
    definition["key"] = key or _key_from(form_id or stem)
    if title:
        definition["title"] = {language: title}
        return
    ours = {lang: str(settings[f"title_{lang}"]) for lang in ("vi", "en") if settings.get(f"title_{lang}")}
    written = settings.get("title")
    if ours:
        definition["title"] = ours
    elif isinstance(written, str) and written.strip() and written != survey.get("name"):
        definition["title"] = {language: written.strip()}
    else:
        definition["title"] = {language: form_id or stem or definition["key"]}


def _key_from(stem: str) -> str:
    """A form key from a file name (a key is ours to choose: it is not a data key)."""
    return re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")[:64]


def _order(problem: Problem) -> tuple[int, int]:
    """Problems in workbook order: settings, survey, choices; by row within a sheet."""
    sheet, _, number = problem.path.partition(":")
    return SHEET_ORDER.get(sheet, 9), int(number) if number.isdigit() else 0
