"""Reading HTML form fields (as the renderers name them) back into submission data. Pure.

Names are data paths: `c1`, `items.0.amount` (group row), `annex.r1.plan` (fixed grid row),
`annex.0.plan` (addable grid row); a multi_choice repeats its name. Empty answers are omitted,
empty rows are dropped (rows are renumbered from 0 in page order); calculated fields and, unless
`role="reviewer"`, reviewer-only fields are never read. Invalid text (e.g. "12a" for an integer) is
kept as text so the validator reports it against the right field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import form_definitions.schema  # noqa: F401  (registers every field type)
from form_definitions.registry import REGISTRY, Field
from form_definitions.walk import data_fields

FILE_KEYS = frozenset({"id", "name", "size", "content_type"})
FormInput = Mapping[str, Any]
Files = Mapping[str, dict[str, Any]]


def read_form(
    definition: dict[str, Any], form: FormInput, files: Files | None = None, *, role: str = "filler"
) -> dict[str, Any]:
    """Submission data from posted fields; `files` maps an input name to an already-stored file reference.

    `form` maps each name to its list of strings (e.g. `request.form.to_dict(flat=False)`); a
    werkzeug MultiDict or single strings are accepted too.
    """
    reader = _Reader(form, files or {}, role)
    return reader.fields(definition.get("fields") or [], "")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def valid_file_reference(value: Any) -> bool:
    """Whether a value has the shape of a stored file reference (ownership is the caller's to check)."""
    if not isinstance(value, dict) or not value.keys() >= FILE_KEYS or not value.keys() <= FILE_KEYS | {"sha256"}:
        return False
    size = value["size"]
    return (
        isinstance(value["id"], str)
        and value["id"] != ""
        and isinstance(value["name"], str)
        and isinstance(value["content_type"], str)
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
    )


class _Reader:
    def __init__(self, form: FormInput, files: Files, role: str) -> None:
        self.form = form
        self.files = files
        self.role = role
        self.names = list(form.keys()) + list(files.keys())

    def raw(self, name: str) -> list[str]:
        if hasattr(self.form, "getlist"):
            return [str(v) for v in self.form.getlist(name)]
        value = self.form.get(name)
        if value is None:
            return []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    def fields(self, specs: list[Field], prefix: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for spec in data_fields([s for s in specs if isinstance(s, dict)]):
            name, kind = spec.get("name"), spec.get("type")
            if not name or kind not in REGISTRY or kind == "calculated":
                continue
            if spec.get("fill_by") == "reviewer" and self.role != "reviewer":
                continue
            path = f"{prefix}.{name}" if prefix else name
            value = self.field(spec, path)
            if not _empty(value):
                values[name] = value
        return values

    def field(self, spec: Field, path: str) -> Any:
        kind = spec["type"]
        if kind == "group":
            rows = (self.fields(spec.get("fields") or [], f"{path}.{i}") for i in self.indices(path))
            return [row for row in rows if row]
        if kind == "grid":
            return self.grid(spec, path)
        if kind == "file":
            return self.file(path)
        return self.scalar(spec, path)

    def scalar(self, spec: Field, path: str) -> Any:
        raw = self.raw(path)
        value = REGISTRY[spec["type"]].read_form(spec, raw)
        if isinstance(value, float) and not math.isfinite(value):
            return raw[0].strip()  # "nan" / "inf" parse as floats in Python but are not numbers here
        return value

    def file(self, path: str) -> Any:
        if path in self.files:
            return self.files[path]
        for text in reversed(self.raw(path)):
            try:
                kept = json.loads(text)
            except ValueError:
                continue
            if valid_file_reference(kept):
                return kept
        return None

    def indices(self, path: str) -> list[int]:
        """Row indices present under `path`, in numeric order."""
        pattern = re.compile(rf"^{re.escape(path)}\.(\d+)\.")
        found = {int(m.group(1)) for m in map(pattern.match, self.names) if m}
        return sorted(found)

    def grid_row(self, columns: Iterable[Field], path: str) -> dict[str, Any]:
        row = {}
        for column in columns:
            if column.get("type") in REGISTRY and column["type"] != "calculated" and column.get("name"):
                value = self.scalar(column, f"{path}.{column['name']}")
                if not _empty(value):
                    row[column["name"]] = value
        return row

    def grid(self, spec: Field, path: str) -> Any:
        columns = [c for c in spec.get("columns") or [] if isinstance(c, dict)]
        if spec.get("addable_rows"):
            rows = (self.grid_row(columns, f"{path}.{i}") for i in self.indices(path))
            return [row for row in rows if row]
        fixed = {}
        for row_spec in spec.get("rows") or []:
            key = row_spec.get("key") if isinstance(row_spec, dict) else None
            row = self.grid_row(columns, f"{path}.{key}") if key else {}
            if row:
                fixed[key] = row
        return fixed
