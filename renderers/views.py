"""The view model: plain objects the field templates read, so the templates hold no logic.

Naming contract (shared with form_definitions/formdata.py and static/js/form.js):
- an input's `name` is its data path: `c1`, `items.0.amount` (group row), `annex.r1.plan` (fixed grid),
  `annex.0.plan` (addable grid); its id is `f-<path>`;
- every rendered field box carries `data-fp-key`: the data path for data fields, and for sections and
  static text `_<position>` (position in the definition, `2-0` = first child of the third field),
  prefixed by the row path inside group rows (`items.0._1`);
- `__i__` stands for the row index in the `<template>` of a repeatable group or addable grid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n.text import localize
from renderers.values import Gettext

# fill: a form to answer; view/print: answers read-only; blank: the form as people will see it, every
# control shown but disabled and every conditional field shown with a note (designer pages).
MODES = ("fill", "view", "print", "blank")
MARKS = ("added", "changed", "removed")  # how a version comparison flags a field
ROW_PLACEHOLDER = "__i__"


@dataclass
class Context:
    """What every field needs to know about the page being rendered."""

    mode: str
    locale: str
    gettext: Gettext
    role: str = "filler"
    totals: dict[str, Any] = field(default_factory=dict)
    score: dict[str, Any] | None = None
    marks: dict[str, str] = field(default_factory=dict)  # field name -> one of MARKS
    # a stored file reference {"id", "name", …} -> the URL to download it ("" for none): the caller's
    # routes, passed in so that renderers stay free of Flask; None shows file names without links
    file_url: Callable[[Mapping[str, Any]], str] | None = None

    @property
    def fill(self) -> bool:
        """Controls are rendered (a form to fill, or the blank form)."""
        return self.mode in ("fill", "blank")

    @property
    def blank(self) -> bool:
        return self.mode == "blank"

    def text(self, bilingual: Any) -> str:
        return localize(bilingual, self.locale)

    def tr(self, message: str, **params: Any) -> str:
        """A translated UI message with %(name)s placeholders; a broken translation falls back to the msgid."""
        try:
            return self.gettext(message) % params
        except (KeyError, ValueError, TypeError):
            return message % params


@dataclass
class OptionView:
    value: str
    label: str
    id: str
    checked: bool
    points: str = ""  # blank mode: what a scored option earns


@dataclass
class ColumnView:
    name: str
    type: str
    label: str
    unit: str
    total: bool
    decimals: int | None
    total_text: str = ""
    total_id: str = ""


@dataclass
class CellView:
    column: ColumnView
    path: str
    value: Any
    text: str
    label: str
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.path}"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"


@dataclass
class RowView:
    key: str
    path: str
    label: str
    unit: str = ""
    cells: list[CellView] = field(default_factory=list)
    fields: list[FieldView] = field(default_factory=list)
    total_text: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.path}"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def number(self) -> str:
        """1-based row number of addable rows ('' for fixed rows and the template row)."""
        return str(int(self.key) + 1) if self.key.isdigit() else ""

    @property
    def by_name(self) -> dict[str, FieldView]:
        return {f.spec.get("name", ""): f for f in self.fields}


@dataclass
class FieldView:
    """One field box. `path` is the HTML name and data path ('' for sections and static text)."""

    spec: dict[str, Any]
    kind: str
    key: str
    path: str = ""
    label: str = ""
    help: str = ""
    unit: str = ""
    required: bool = False
    conditional: bool = False
    hidden: bool = False  # its own visible_if is false (the box carries `hidden`)
    shown_if: bool = False  # blank mode: the field has a visible_if rule, said in a note
    mark: str = ""  # one of MARKS when a version comparison flags this field
    inactive: bool = False  # hidden itself or inside a hidden box: controls are disabled
    locked: bool = False
    value: Any = None
    text: str = ""
    points: str = ""
    content: str = ""
    errors: list[str] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    children: list[FieldView] = field(default_factory=list)
    rows: list[RowView] = field(default_factory=list)
    blank_row: RowView | None = None
    columns: list[ColumnView] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"f-{self.path or self.key}"

    @property
    def box_id(self) -> str:
        return f"fp-box-{self.path or self.key}"

    @property
    def help_id(self) -> str:
        return f"{self.id}-help"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def required_id(self) -> str:
        return f"{self.id}-req"

    @property
    def describedby(self) -> str:
        """Ids of the help, hints, unit and error, for aria-describedby."""
        ids = [self.help_id] if self.help else []
        ids += [f"{self.id}-hint{n}" for n in range(1, len(self.extra.get("hints", [])) + 1)]
        ids += [f"{self.id}-unit"] if self.unit and self.kind not in ("group", "grid") else []
        return " ".join(ids + ([self.error_id] if self.errors else []))

    @property
    def focus_id(self) -> str:
        """Where a link from the error summary should land."""
        if self.options:
            return self.options[0].id
        if self.kind in ("group", "grid"):
            return self.box_id
        return self.id


ErrorTarget = FieldView | CellView | RowView


def join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def attach_errors(targets: dict[str, ErrorTarget], errors: list[dict[str, Any]]) -> list[tuple[dict[str, Any], Any]]:
    """Give each error to the nearest rendered field of its path; return (error, target or None) pairs
    in page order (errors that match no field first: they concern the whole form)."""
    order = {path: index for index, path in enumerate(targets)}
    placed: list[tuple[int, dict[str, Any], Any]] = []
    for error in errors:
        parts = str(error.get("path") or "").split(".")
        while parts and ".".join(parts) not in targets:
            parts.pop()
        path = ".".join(parts)
        target = targets.get(path) if path else None
        if target is not None:
            target.errors.append(str(error.get("message") or error.get("code") or ""))
        placed.append((order.get(path, -1), error, target))
    placed.sort(key=lambda item: item[0])
    return [(error, target) for _, error, target in placed]
