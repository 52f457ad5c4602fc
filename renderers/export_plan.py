"""The tables of a submissions export spanning several versions, with columns merged by concept.

An export is a set of tables linked by the record id: the main table (one row per record: the
caller's meta columns, then one column per scalar concept), one table per grid concept (one row per
record and grid row) and one per repeatable-group concept (one row per record and item). Columns
follow `form_definitions.merge.merge_fields`: a field renamed under the same concept stays one
column, a field only some versions had still appears (empty for the others), and choice labels come
from the newest version that has the option. Scored choices get a second column with the points of
the record's own version, so a rescored option never rewrites old results.

Cells are numbers (numeric fields), text, or None (no answer). Dates stay ISO (yyyy-mm-dd), which
sorts and reads the same in both languages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from form_definitions.merge import MergedField, merge_fields
from form_definitions.prefill import plain_number
from form_definitions.walk import field_index
from renderers.values import is_number, option_label

Cell = str | int | float | None
Definition = dict[str, Any]
NUMERIC = frozenset({"integer", "decimal", "rating", "calculated"})
CONTAINER_TYPES = frozenset({"grid", "group"})


@dataclass
class Column:
    header: str
    numeric: bool = False
    plain: bool = False  # a year, code or id: never grouped in Word and PDF


@dataclass
class ExportTable:
    key: str  # "main", or the concept of the grid or group
    title: str
    columns: list[Column]


@dataclass
class Record:
    """One stored submission (or report): its id, pinned version, answers and meta cells."""

    id: str
    version: int
    data: dict[str, Any]
    meta: list[Cell] = field(default_factory=list)


@dataclass
class Wording:
    """How the export speaks: headers from bilingual labels, UI words, and the language of values."""

    label: Callable[[Any], str]  # bilingual content -> header text ("vi", "en" or "vi / en")
    word: Callable[[str], str]  # UI msgid -> header text in the same style
    value_locale: str = "vi"
    value_word: Callable[[str], str] = str  # UI msgid ("Yes", "No") -> value text


@dataclass
class _Scalar:
    merged: MergedField
    points: bool = False


@dataclass
class _Nested:
    merged: MergedField
    table: int
    columns: list[Any] = field(default_factory=list)  # grid: column names; group: merged children
    grid_rows: list[tuple[str, Any]] = field(default_factory=list)  # grid: (row key, label)


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique (Excel tables refuse duplicates, case-insensitively) and single-line."""
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        text = " ".join(header.split()) or "-"
        count = seen.get(text.casefold(), 0) + 1
        seen[text.casefold()] = count
        result.append(text if count == 1 else f"{text} ({count})")
    return result


class ExportPlan:
    """Tables and the rows each record contributes to them."""

    def __init__(self, versions: dict[int, Definition], meta_headers: list[str], wording: Wording) -> None:
        self.versions = versions
        self.wording = wording
        self.tables: list[ExportTable] = []
        self._scalars: list[_Scalar] = []
        self._nested: list[_Nested] = []
        self._specs: dict[tuple[str, int], dict[str, Any]] = {}
        merged_fields = merge_fields(versions)
        for merged in merged_fields:
            for number, name in merged.names.items():
                self._specs[(merged.concept, number)] = _spec_named(versions[number], name)
        main_headers = [wording.word("Record id"), wording.word("Form version"), *meta_headers]
        main = ExportTable("main", wording.label(_form_title(versions)), [Column(h) for h in main_headers])
        self.tables.append(main)
        for merged in merged_fields:
            if merged.type in CONTAINER_TYPES:
                self._add_nested(merged)
            else:
                self._add_scalar(main, merged)
        for table in self.tables:
            for column, header in zip(table.columns, unique_headers([c.header for c in table.columns]), strict=True):
                column.header = header

    def _add_scalar(self, main: ExportTable, merged: MergedField) -> None:
        label = self.wording.label(merged.label)
        main.columns.append(Column(label, numeric=merged.type in NUMERIC, plain=plain_number(merged.spec)))
        points = merged.type == "scored_choice"
        if points:
            main.columns.append(Column(f"{label} ({self.wording.word('Points')})", numeric=True))
        self._scalars.append(_Scalar(merged, points))

    def _add_nested(self, merged: MergedField) -> None:
        nested = _Nested(merged, len(self.tables))
        headers = [self.wording.word("Record id")]
        numeric = [False]
        if merged.type == "grid":
            specs = self._specs_of(merged)
            nested.grid_rows = _union(specs, "rows", "key")
            columns = _union(specs, "columns", "name")
            nested.columns = [name for name, _ in columns]
            headers += [self.wording.word("Row key"), self.wording.word("Row")]
            numeric += [False, False]
            for _, spec in columns:
                headers.append(self.wording.label(spec.get("label")))
                numeric.append(spec.get("type") != "text")
        else:
            children = {n: {"fields": spec.get("fields") or []} for n, spec in self._specs_of(merged).items()}
            nested.columns = [m for m in merge_fields(children) if m.type not in CONTAINER_TYPES]
            headers.append(self.wording.word("Item"))
            numeric.append(True)
            for child in nested.columns:
                headers.append(self.wording.label(child.label))
                numeric.append(child.type in NUMERIC)
        table_columns = [Column(h, n) for h, n in zip(headers, numeric, strict=True)]
        self.tables.append(ExportTable(merged.concept, self.wording.label(merged.label), table_columns))
        self._nested.append(nested)

    def _specs_of(self, merged: MergedField) -> dict[int, dict[str, Any]]:
        """The field in each version that has it, newest first."""
        return {n: self._specs[(merged.concept, n)] for n in sorted(merged.names, reverse=True)}

    def rows(self, record: Record) -> Iterator[tuple[int, list[Cell]]]:
        """(table index, row) for every row the record contributes, main row first."""
        main: list[Cell] = [record.id, record.version, *record.meta]
        for scalar in self._scalars:
            spec = self._specs.get((scalar.merged.concept, record.version))
            value = record.data.get(spec["name"]) if spec else None
            main.append(self._cell(scalar.merged, value))
            if scalar.points:
                main.append(_points(spec, value))
        yield 0, main
        for nested in self._nested:
            spec = self._specs.get((nested.merged.concept, record.version))
            value = record.data.get(spec["name"]) if spec else None
            if nested.merged.type == "grid":
                yield from self._grid_rows(nested, spec, value, record.id)
            elif isinstance(value, list):
                yield from self._group_rows(nested, value, record)

    def _grid_rows(
        self, nested: _Nested, spec: dict[str, Any] | None, value: Any, record_id: str
    ) -> Iterator[tuple[int, list[Cell]]]:
        if spec is None or not isinstance(value, dict):
            return  # no grid in this version, or left unanswered: no rows rather than empty ones
        keys = {row.get("key") for row in spec.get("rows") or []}
        cells = value
        for key, label in nested.grid_rows:
            if key not in keys:
                continue
            found = cells.get(key)
            line: dict[str, Any] = found if isinstance(found, dict) else {}
            row: list[Cell] = [record_id, key, self.wording.label(label)]
            row += [_plain(line.get(name)) for name in nested.columns]
            yield nested.table, row

    def _group_rows(self, nested: _Nested, items: list[Any], record: Record) -> Iterator[tuple[int, list[Cell]]]:
        for number, item in enumerate(items, start=1):
            answers = item if isinstance(item, dict) else {}
            row: list[Cell] = [record.id, number]
            for child in nested.columns:
                name = child.name_in(record.version)
                row.append(self._cell(child, answers.get(name) if name else None))
            yield nested.table, row

    def _cell(self, merged: MergedField, value: Any) -> Cell:
        if value is None or value == "" or value == []:
            return None
        kind = merged.type
        if kind in NUMERIC:
            return value if is_number(value) else str(value)
        if kind in ("choice", "scored_choice", "multi_choice"):
            chosen = value if isinstance(value, list) else [value]
            return "; ".join(option_label(_options_of(merged), v, self.wording.value_locale) for v in chosen)
        if kind == "yes_no" and isinstance(value, bool):
            return self.wording.value_word("Yes" if value else "No")
        if kind == "file":
            files = value if isinstance(value, list) else [value]
            return "; ".join(str(f.get("name", "")) if isinstance(f, dict) else str(f) for f in files)
        return _plain(value)


def _form_title(versions: dict[int, Definition]) -> Any:
    return versions[max(versions)].get("title") or ""


def _spec_named(definition: Definition, name: str) -> dict[str, Any]:
    return field_index(definition)[name]


def _union(specs: dict[int, dict[str, Any]], part: str, key: str) -> list[tuple[str, Any]]:
    """Grid rows (by key) or columns (by name) of every version, newest order first, newest labels."""
    found: dict[str, Any] = {}
    for spec in specs.values():
        for entry in spec.get(part) or []:
            if entry.get(key) not in found:
                found[entry[key]] = entry.get("label") if part == "rows" else entry
    return list(found.items())


def _options_of(merged: MergedField) -> dict[str, Any]:
    return {"options": [{"value": value, "label": label} for value, label in merged.options.items()]}


def _points(spec: dict[str, Any] | None, value: Any) -> Cell:
    for option in (spec or {}).get("options") or []:
        if option.get("value") == value and value is not None:
            points = option.get("points")
            return points if is_number(points) else None
    return None


def _plain(value: Any) -> Cell:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if is_number(value):
        return value  # type: ignore[no-any-return,unused-ignore]
    return str(value)
