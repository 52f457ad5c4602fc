"""Form.io layout and content components -> sections, groups, static text; layouts without one are flattened."""

from __future__ import annotations

from typing import Any

from formiodata.components.component import Component

from form_definitions.interchange.common import whole_number
from form_definitions.interchange.formio_reader import Field, FormioReader, Handler
from form_definitions.interchange.formio_rules import field_name, html_text


def _section(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "section")
    # A fieldset's visible title is its legend; its label is often the builder's default "Field Set".
    if str(comp.raw.get("legend") or "").strip():
        field["label"] = {reader.language: str(comp.raw["legend"]).strip()}
    field["fields"] = reader.children(comp, path)
    return [field]


def _group(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "group")
    pairs = {"min_items": ("validate.minLength", whole_number), "max_items": ("validate.maxLength", whole_number)}
    reader.put(field, comp, path, pairs)
    field["fields"] = reader.children(comp, path)
    return [field]


def _tabs(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    """Each tab becomes a section of its own."""
    sections = []
    for index, tab in enumerate(comp.raw.get("components") or []):
        if isinstance(tab, dict):
            tab_comp = Component({**tab, "type": "panel"}, None, language=reader.language)
            sections += _section(reader, tab_comp, f"{path}.components[{index}]")
    return reader.inherit(comp, path, sections)


def _columns(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    columns = comp.raw.get("columns") or []
    parts = [(f"{path}.columns[{i}].components", c.get("components") or []) for i, c in enumerate(columns)]
    return reader.flattened(comp, path, parts)


def _table(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    parts = []
    for r, row in enumerate(comp.raw.get("rows") or []):
        for c, cell in enumerate(row if isinstance(row, list) else []):
            parts.append((f"{path}.rows[{r}][{c}].components", (cell or {}).get("components") or []))
    return reader.flattened(comp, path, parts)


def _container(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    return reader.flattened(comp, path, [(f"{path}.components", comp.raw.get("components") or [])])


def _static(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "static", named=False)
    field.pop("label", None)
    html = str((comp.raw.get("html") if comp.type == "content" else comp.raw.get("content")) or "")
    text, dropped = html_text(html)
    if dropped or comp.raw.get("tag", "p") not in ("p", None):
        reader.report(path, "import_markup_dropped", key=str(comp.key or ""))
    if text:
        field["content"] = {reader.language: text}
    return [field]


def _survey(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    """A Form.io survey (questions x one scale) becomes a section with one choice per question."""
    section = reader.base(comp, path, "section")
    options = reader.options(comp, path, comp.raw.get("values"))
    questions = []
    for question in comp.raw.get("questions") or []:
        if not isinstance(question, dict) or question.get("value") in (None, ""):
            reader.report(path, "import_option_skipped", key=str(comp.key or ""))
            continue
        choice: Field = {"type": "choice", "name": field_name(f"{comp.key}_{question['value']}")}
        if str(question.get("label") or "").strip():
            choice["label"] = {reader.language: str(question["label"]).strip()}
        if section.get("required"):
            choice["required"] = True
        questions.append({**choice, "options": [dict(o) for o in options]})
    section.pop("required", None)
    section["fields"] = questions
    return [section]


LAYOUT_HANDLERS: dict[str, Handler] = {
    "panel": _section,
    "fieldset": _section,
    "well": _section,
    "tabs": _tabs,
    "columns": _columns,
    "table": _table,
    "container": _container,
    "content": _static,
    "htmlelement": _static,
    "datagrid": _group,
    "editgrid": _group,
    "survey": _survey,
}
