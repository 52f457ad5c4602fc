"""Survey rows (as a tree of begin/end blocks) -> definition fields, reporting whatever cannot be kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from form_definitions.interchange.columns import (
    FIELD_COLUMNS,
    OPTION_COLUMNS,
    POINTS_COLUMN,
    ROW_COLUMNS,
    STATIC_COLUMNS,
    CellError,
    Column,
    bool_value,
    decode,
    text_value,
)
from form_definitions.interchange.common import applicable_keys, valid_name, whole_number
from form_definitions.interchange.xlsform_sheets import Row
from form_definitions.problems import Problem
from form_definitions.registry import REGISTRY

Field = dict[str, Any]
QUESTION_TYPES = {
    "text": "text",
    "string": "text",
    "textarea": "textarea",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "yes_no": "yes_no",
    "email": "email",
    "phone": "phone",
    "file": "file",
    "calculate": "calculated",
    "note": "static",
    "range": "rating",
    "select_one": "choice",
    "select_multiple": "multi_choice",
}
COLUMN_TYPES = {"text": "text", "string": "text", "integer": "integer", "int": "integer", "decimal": "decimal"}
COLUMN_TYPES["calculate"] = "calculated"
# Keys with a shape of their own (type cell, choices sheet, appearance, parameters, nested rows).
SPECIAL_KEYS = {"type", "options", "widget", "fields", "rows", "columns", "scale_min", "scale_max"}
GRID_COLUMN_KEYS = set(REGISTRY["grid"].config["columns"]["items"]["properties"])
ODK_APPEARANCE = re.compile(
    r"^(quick|horizontal(-compact)?|compact|likert|label|list(-nolabel)?|columns(-pack|-[0-9]+)?|no-buttons|"
    r"image-map|map|quickcompact|autocomplete|search.*|field-list|table-list|multiline|numbers|thousands-sep|"
    r"no-calendar|month-year|year|ethiopian|coptic|islamic|bikram-sambat|myanmar|persian|signature|draw|"
    r"annotate|new(-front)?|selfie|w[0-9]+|hidden-answer|masked|url|printer.*|ex:.*|bearing|placement-map|"
    r"distress|rating|counter|spinner)$"
)


@dataclass
class Node:
    """A survey row; begin rows hold the rows up to their end row."""

    row: Row
    kind: str
    args: list[str]
    children: list[Node] = field(default_factory=list)
    end: Row | None = None

    def rows(self) -> list[Row]:
        """This node's rows, nested ones included."""
        found = [self.row] + [r for child in self.children for r in child.rows()]
        return found + ([self.end] if self.end else [])


class FieldReader:
    """Turns nodes into fields; choice lists come from the choices sheet, problems collect as it goes."""

    def __init__(self, lists: dict[str, list[Row]], problems: list[Problem]) -> None:
        self.lists = lists
        self.problems = problems
        self.used_lists: set[str] = set()

    def fields(self, nodes: list[Node]) -> list[Field]:
        found = []
        for node in nodes:
            converted = self.node(node)
            if converted is not None:
                found.append(converted)
        return found

    def node(self, node: Node) -> Field | None:
        if node.kind in ("begin_group", "begin_repeat"):
            return self.block(node, "section" if node.kind == "begin_group" else "group")
        if node.kind == "begin_kobomatrix":
            return self.grid(node)
        if node.kind in QUESTION_TYPES:
            return self.question(node, QUESTION_TYPES[node.kind])
        self.skip(node, "import_unsupported_type", type=text_value(node.row.cells.get("type", "")))
        return None

    def skip(self, node: Node, code: str, **params: Any) -> None:
        """Report a construct once and mark all its cells as dealt with."""
        self.problems.append(node.row.problem(code, **params))
        for row in node.rows():
            row.used |= set(row.cells)

    def start(self, node: Node, kind: str, allowed: set[str], columns: tuple[Column, ...] = FIELD_COLUMNS) -> Field:
        """A field of `kind` with every applicable column of its row read."""
        row = node.row
        spec: Field = {"type": kind}
        row.raw("type")
        if "widget" in allowed:
            self.appearance(row, spec)
        if "required" in allowed:
            self.required(row, spec)
        for column in columns:
            if column.key in allowed - SPECIAL_KEYS - {"required"}:
                value = row.bilingual(column.column) if column.codec == "bilingual" else self.take(row, column)
                if value is not None:
                    spec[column.key] = value
        if "name" in spec and not valid_name(spec["name"]):
            self.problems.append(row.problem("import_bad_name", name=spec["name"]))
        return spec

    def take(self, row: Row, column: Column) -> Any:
        return row.take(column.column, column.codec, self.problems)

    def required(self, row: Row, spec: Field) -> None:
        """`required` is yes/no; an expression there (allowed in ODK) becomes our required_if."""
        value = row.raw("required")
        if value is None:
            return
        try:
            spec["required"] = bool_value(value)
            return
        except ValueError:
            pass
        try:
            if row.has("required_if"):  # both say when: keep our own column, report the other
                raise CellError("import_bad_value")
            spec["required_if"] = decode("rule", value)
        except CellError as error:
            self.problems.append(row.problem(error.code, column=row.headers["required"], value=text_value(value)))

    def appearance(self, row: Row, spec: Field) -> None:
        """`multiline` makes a textarea, `minimal` a select widget; other ODK appearances are reported."""
        tokens = text_value(row.raw("appearance") or "").split()
        if spec["type"] in ("text", "textarea") and "multiline" in tokens:
            spec["type"] = "textarea"
            tokens.remove("multiline")
        widget = []
        for token in tokens:
            if token.lower() == "minimal":
                widget.append("select")
            elif ODK_APPEARANCE.fullmatch(token.lower()):
                self.problems.append(row.problem("import_unsupported_appearance", appearance=token))
            else:
                widget.append(token)
        if widget:
            spec["widget"] = " ".join(widget)

    def question(self, node: Node, kind: str) -> Field:
        row = node.row
        # Appearance `multiline` makes a textarea, whose columns differ, so the type is settled first.
        if kind == "text" and "multiline" in text_value(row.cells.get("appearance", "")).split():
            kind = "textarea"
        columns: tuple[Column, ...] = FIELD_COLUMNS
        if kind == "static":
            columns = STATIC_COLUMNS + tuple(c for c in FIELD_COLUMNS if c.key != "label")
        spec = self.start(node, kind, applicable_keys(kind), columns)
        if node.kind in ("select_one", "select_multiple"):
            self.choices(node, spec)
        elif node.args:
            self.problems.append(row.problem("import_type_option", option=" ".join(node.args)))
        if kind == "rating":
            self.range_parameters(row, spec)
        return spec

    def choices(self, node: Node, spec: Field) -> None:
        """Options from the choices sheet; a select_one list with points makes a scored_choice."""
        name = node.args[0] if node.args else ""
        if node.args[1:]:
            self.problems.append(node.row.problem("import_type_option", option=" ".join(node.args[1:])))
        rows = self.list_rows(node.row, name)
        scored = node.kind == "select_one" and any(r.has("points") for r in rows)
        if scored:
            spec["type"] = "scored_choice"
        options = []
        for row in rows:
            option: Field = {}
            self.read_item(row, option, OPTION_COLUMNS)
            if scored:
                points = self.take(row, POINTS_COLUMN)
                if points is None and not row.has("points"):
                    self.problems.append(row.problem("import_points_missing", list=name, value=option.get("value")))
                if points is not None:
                    option["points"] = points
            options.append(option)
        spec["options"] = options

    def list_rows(self, row: Row, name: str) -> list[Row]:
        if name not in self.lists:
            self.problems.append(row.problem("import_list_missing", list=name))
            return []
        self.used_lists.add(name)
        return self.lists[name]

    def read_item(self, row: Row, item: Field, columns: tuple[Column, ...]) -> None:
        for column in columns:
            value = row.bilingual(column.column) if column.codec == "bilingual" else self.take(row, column)
            if value is not None:
                item[column.key] = value

    def range_parameters(self, row: Row, spec: Field) -> None:
        """`start=1 end=5 step=1` -> scale_min / scale_max; steps other than 1 cannot be kept."""
        text = text_value(row.raw("parameters") or "")
        for part in re.split(r"[\s;,]+", text.strip()):
            key, _, value = part.partition("=")
            target = {"start": "scale_min", "end": "scale_max"}.get(key.strip().lower())
            try:
                number = whole_number(value)
            except ValueError:
                number = None
            if part and (number is None or (target is None and not (key.strip().lower() == "step" and number == 1))):
                self.problems.append(row.problem("import_bad_value", column=row.headers["parameters"], value=part))
            elif target is not None:
                spec[target] = number

    def block(self, node: Node, kind: str) -> Field:
        spec = self.start(node, kind, applicable_keys(kind))
        spec["fields"] = self.fields(node.children)
        if node.end is not None:
            node.end.raw("type")
            node.end.raw("name")  # XLSForm allows repeating the name on the end row; nothing to keep
        return spec

    def grid(self, node: Node) -> Field:
        """A Kobo matrix: rows from its choice list, one column per inner row."""
        spec = self.block_start(node)
        columns = []
        for child in node.children:
            kind = COLUMN_TYPES.get(child.kind)
            if kind is None or child.children or child.args:
                self.skip(child, "import_unsupported_type", type=text_value(child.row.cells.get("type", "")))
                continue
            columns.append(self.start(child, kind, GRID_COLUMN_KEYS))
        spec["columns"] = columns
        if node.end is not None:
            node.end.raw("type")
            node.end.raw("name")
        return spec

    def block_start(self, node: Node) -> Field:
        spec = self.start(node, "grid", applicable_keys("grid"))
        list_name = text_value(node.row.raw("kobo--matrix_list") or "").strip() or " ".join(node.args)
        if list_name:
            rows = []
            for row in self.list_rows(node.row, list_name):
                item: Field = {}
                self.read_item(row, item, ROW_COLUMNS)
                rows.append(item)
            spec["rows"] = rows
        return spec
