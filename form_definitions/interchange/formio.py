"""Form.io form JSON -> definition, read through formio-data's Builder; JavaScript is reported, never run."""

from __future__ import annotations

import json
import pkgutil
import re
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

import formiodata.components
from formiodata.builder import Builder
from formiodata.components.component import Component

from form_definitions import SCHEMA_VERSION
from form_definitions.interchange.common import Imported, field_places, finish
from form_definitions.interchange.formio_fields import FIELD_HANDLERS
from form_definitions.interchange.formio_layout import LAYOUT_HANDLERS
from form_definitions.interchange.formio_reader import FormioReader
from form_definitions.problems import Problem

DEFAULT_KIND = "questionnaire"
_KNOWN_CLASSES = {m.name for m in pkgutil.iter_modules(formiodata.components.__path__)}
_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError)


def definition_from_formio(
    schema: dict[str, Any] | str, *, key: str = "", language: str = "vi", title: str = "", filename: str = ""
) -> Imported:
    """Read a Form.io form (its JSON or the parsed dict); labels land in `language` only.

    Key: given -> the form's `name` or `path` -> file name. Title: given -> `title` -> `name` -> the key.
    """
    try:
        raw = json.loads(schema) if isinstance(schema, str) else schema
    except ValueError as error:
        return Imported(None, [Problem("", "import_formio_not_json", {"error": str(error)[:200]})])
    wrong = _shape_problem(raw)
    if wrong is not None:
        return Imported(None, [wrong])
    try:
        builder = Builder(raw, language=language, component_class_mapping=_fallback_classes(raw["components"]))
    except _UNREADABLE as error:
        return Imported(None, [Problem("", "import_unreadable", {"error": str(error)[:200]})])
    problems: list[Problem] = []
    reader = FormioReader({**FIELD_HANDLERS, **LAYOUT_HANDLERS}, _objects(builder), language, problems)
    fields = reader.components(builder.raw_components, "components")
    stem = PurePath(filename or "").stem
    key = key or _key_from(raw.get("name") or raw.get("path") or stem)
    definition: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "key": key, "kind": DEFAULT_KIND}
    written = title or raw.get("title") or raw.get("name") or key
    definition["title"] = {language: written.strip() if isinstance(written, str) and written.strip() else key}
    definition["fields"] = fields
    return finish(definition, problems, field_places(fields, reader.places))


def _shape_problem(raw: Any) -> Problem | None:
    """The first place where the JSON is not a Form.io form: which key, and what is wrong with it."""
    if not isinstance(raw, dict):
        return Problem("", "import_formio_not_object", {"key": "(root)"})
    if not isinstance(raw.get("components"), list):
        return Problem("components", "import_formio_not_list", {"key": "components"})
    return _components_problem(raw["components"], "components")


def _components_problem(components: list[Any], path: str) -> Problem | None:
    for index, component in enumerate(components):
        here = f"{path}[{index}]"
        if not isinstance(component, dict):
            return Problem(here, "import_formio_not_object", {"key": here})
        if not isinstance(component.get("type"), str) or not component["type"]:
            return Problem(f"{here}.type", "import_formio_no_type", {"key": f"{here}.type"})
        for name in ("components", "columns", "rows"):
            value = component.get(name)
            if value is not None and not isinstance(value, list):
                return Problem(f"{here}.{name}", "import_formio_not_list", {"key": f"{here}.{name}"})
        inner = _holders(component, here)
        if isinstance(inner, Problem):
            return inner
        for holder_path, holder in inner:
            found = _components_problem(holder.get("components") or [], f"{holder_path}.components")
            if found is not None:
                return found
    return None


def _holders(component: dict[str, Any], here: str) -> Problem | list[tuple[str, dict[str, Any]]]:
    """What holds a component's children: itself, its tabs, columns or table cells (each must be an object)."""
    if component["type"] == "tabs":
        holders = [(f"{here}.components[{n}]", tab) for n, tab in enumerate(component.get("components") or [])]
    else:
        holders = [(here, component)]
    holders += [(f"{here}.columns[{n}]", column) for n, column in enumerate(component.get("columns") or [])]
    for number, row in enumerate(component.get("rows") or []):
        if not isinstance(row, list):
            return Problem(f"{here}.rows[{number}]", "import_formio_not_list", {"key": f"{here}.rows[{number}]"})
        holders += [(f"{here}.rows[{number}][{n}]", cell) for n, cell in enumerate(row)]
    for holder_path, holder in holders:
        if not isinstance(holder, dict):
            return Problem(holder_path, "import_formio_not_object", {"key": holder_path})
        if holder.get("components") is not None and not isinstance(holder["components"], list):
            return Problem(f"{holder_path}.components", "import_formio_not_list", {"key": f"{holder_path}.components"})
    return holders


def _key_from(text: Any) -> str:
    """A form key from a Form.io name or a file name (the form key is ours to choose: it is no data key)."""
    return re.sub(r"[^a-z0-9_-]+", "-", str(text or "").lower()).strip("-_")[:64]


def _walk(components: list[Any]) -> Iterator[dict[str, Any]]:
    """Every component dict, however it is nested (panels, columns, table cells, tabs, grids)."""
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk(component.get("components") or [])
        for column in component.get("columns") or []:
            if isinstance(column, dict):
                yield from _walk(column.get("components") or [])
        for row in component.get("rows") or []:
            for cell in row if isinstance(row, list) else []:
                if isinstance(cell, dict):
                    yield from _walk(cell.get("components") or [])


def _fallback_classes(components: list[Any]) -> dict[str, Any]:
    """Types formio-data has no class for get its base Component (instead of a logged warning)."""
    types = {c.get("type") for c in _walk(components)}
    return {t: Component for t in types if isinstance(t, str) and t not in _KNOWN_CLASSES}


def _objects(builder: Builder) -> dict[int, Any]:
    """Builder component objects by the identity of their raw dict, to pair the raw tree with its objects."""
    return {id(component.raw): component for component in builder.component_ids.values()}
