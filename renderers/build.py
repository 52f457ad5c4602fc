"""Building field views from a definition, computed answers, totals and a score."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from markupsafe import Markup

from form_definitions.fields import DEFAULT_MAX_FILE_SIZE
from form_definitions.registry import REGISTRY
from form_definitions.rules import holds
from renderers.grids import build_grid
from renderers.values import format_number, format_size, input_text, is_number, render_value
from renderers.views import ROW_PLACEHOLDER, Context, ErrorTarget, FieldView, OptionView, RowView, join

NUMERIC_TYPES = ("integer", "decimal", "calculated", "rating")
CHOICE_KINDS = ("choice", "scored_choice", "multi_choice", "yes_no", "rating")
ALWAYS_GROUPED = ("multi_choice", "yes_no", "rating")  # radios or checkboxes in a fieldset


class ViewBuilder:
    """Walks a definition once and keeps every rendered data path, to place errors afterwards."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.targets: dict[str, ErrorTarget] = {}
        self._locked = False
        self._inactive = False
        self._blank = False  # building a <template> row: nothing there can hold an error

    @contextmanager
    def blank_row(self) -> Iterator[None]:
        """Build the <template> row that the browser copies to add a row: it holds no answers or errors."""
        self._blank = True
        try:
            yield
        finally:
            self._blank = False

    def register(self, path: str, target: ErrorTarget) -> None:
        if not self._blank:
            self.targets[path] = target

    def fields(
        self, specs: list[Any], values: dict[str, Any], scope: dict[str, Any], prefix: str = "", position: str = ""
    ) -> list[FieldView]:
        views = []
        for index, spec in enumerate(specs):
            if isinstance(spec, dict) and spec.get("type") in REGISTRY:
                here = f"{position}-{index}" if position else str(index)
                view = self.field(spec, values, scope, prefix, here)
                if view is not None:
                    views.append(view)
        return views

    def field(
        self, spec: dict[str, Any], values: dict[str, Any], scope: dict[str, Any], prefix: str, position: str
    ) -> FieldView | None:
        ctx = self.ctx
        visible = ctx.blank or holds(spec.get("visible_if"), scope)
        if not visible and not ctx.fill:
            return None
        kind = spec["type"]
        inactive, self._inactive = self._inactive, self._inactive or not visible
        try:
            if kind in ("section", "static") or not spec.get("name"):
                view = self._box(spec, join(prefix, f"_{position}"), "", visible)
                view.inactive = self._inactive
                view.content = ctx.text(spec.get("content"))
                view.children = self.fields(spec.get("fields") or [], values, scope, prefix, position)
                return view
            path = join(prefix, spec["name"])
            view = self._box(spec, path, path, visible)
            view.unit = ctx.text(spec.get("unit"))
            view.value = values.get(spec["name"])
            view.inactive = self._inactive
            view.required = bool(spec.get("required")) or holds(spec.get("required_if"), scope, default=False)
            view.conditional = "required_if" in spec
            view.locked = ctx.fill and (self._locked or self._reviewer_only(spec) or "prefill" in spec)
            view.extra["prefilled"] = "prefill" in spec
            self.register(path, view)
            self._fill(view, scope)
            return view
        finally:
            self._inactive = inactive

    def _box(self, spec: dict[str, Any], key: str, path: str, visible: bool) -> FieldView:
        """A field's box with what every kind shows: label, help, visibility and a comparison's mark."""
        ctx = self.ctx
        return FieldView(
            spec,
            spec["type"],
            key,
            path,
            label=ctx.text(spec.get("label")),
            help=ctx.text(spec.get("help")),
            hidden=not visible,
            shown_if=ctx.blank and spec.get("visible_if") not in (None, True),
            mark=ctx.marks.get(str(spec.get("name") or ""), ""),
        )

    def _reviewer_only(self, spec: dict[str, Any]) -> bool:
        return spec.get("fill_by") == "reviewer" and self.ctx.role != "reviewer"

    def _fill(self, view: FieldView, scope: dict[str, Any]) -> None:
        ctx, kind = self.ctx, view.kind
        if kind == "group":
            self._group(view, scope)
        elif kind == "grid":
            locked, self._locked = self._locked, view.locked
            build_grid(self, view, scope)
            self._locked = locked
        elif kind == "calculated":
            self._calculated(view)
        elif kind == "file":
            self._file(view)
        elif ctx.fill:
            view.text = input_text(view.value)
        else:
            view.text = render_value(view.spec, view.value, ctx.locale, ctx.gettext)
        if kind in CHOICE_KINDS:
            view.options = self._options(view)
            view.extra["grouped"] = kind in ALWAYS_GROUPED or view.spec.get("widget") != "select"
        if kind == "rating":
            view.extra.update(
                min_label=ctx.text(view.spec.get("min_label")), max_label=ctx.text(view.spec.get("max_label"))
            )
        self._points(view)

    def _calculated(self, view: FieldView) -> None:
        value, locale = view.value, self.ctx.locale
        view.text = format_number(value, locale, view.spec.get("decimals")) if is_number(value) else input_text(value)
        if isinstance(value, bool):
            view.text = self.ctx.gettext("Yes") if value else self.ctx.gettext("No")
        if view.text and view.unit and not self.ctx.fill:
            view.text = f"{view.text} {view.unit}"

    def _file(self, view: FieldView) -> None:
        ctx, spec = self.ctx, view.spec
        view.text = render_value(spec, view.value, ctx.locale, ctx.gettext)
        if isinstance(view.value, dict):
            view.extra["kept"] = json.dumps(view.value, ensure_ascii=False, sort_keys=True)
            href = ctx.file_url(view.value) if ctx.file_url else ""
            if href:  # the name links to the file wherever the answer shows (view, fill, table rows)
                view.extra["href"] = href
                view.text = Markup('<a class="fp-file-link" href="{}">{}</a>').format(href, view.text)
        hints = []
        if spec.get("accept"):
            hints.append(ctx.tr("Allowed file types: %(types)s", types=", ".join(spec["accept"])))
        size = format_size(spec.get("max_size", DEFAULT_MAX_FILE_SIZE), ctx.locale)
        hints.append(ctx.tr("Maximum size: %(size)s", size=size))
        view.extra["hints"] = hints if ctx.fill else []

    def _options(self, view: FieldView) -> list[OptionView]:
        spec, value = view.spec, view.value
        if view.kind == "yes_no":
            pairs = [("yes", self.ctx.gettext("Yes"), value is True), ("no", self.ctx.gettext("No"), value is False)]
        elif view.kind == "rating":
            low, high = spec.get("scale_min", 1), spec.get("scale_max", 5)
            pairs = [(str(n), str(n), input_text(value) == str(n)) for n in range(low, high + 1)]
        else:
            chosen = value if isinstance(value, list) else [value]
            pairs = [
                (o["value"], self.ctx.text(o.get("label")), o["value"] in chosen) for o in spec.get("options") or []
            ]
        options = [OptionView(v, label, f"{view.id}--{i}", checked) for i, (v, label, checked) in enumerate(pairs)]
        if self.ctx.blank and view.kind == "scored_choice":
            for option, spec_option in zip(options, spec.get("options") or [], strict=False):
                option.points = format_number(spec_option.get("points"), self.ctx.locale)
        return options

    def _points(self, view: FieldView) -> None:
        score = self.ctx.score or {}
        points = (score.get("fields") or {}).get(view.spec.get("name"))
        best = REGISTRY[view.kind].max_points(view.spec)
        if points is not None and best is not None and not self.ctx.fill:
            numbers = {"points": format_number(points, self.ctx.locale), "max": format_number(best, self.ctx.locale)}
            view.points = self.ctx.tr("%(points)s of %(max)s", **numbers)

    def _group(self, view: FieldView, scope: dict[str, Any]) -> None:
        spec = view.spec
        given = view.value if isinstance(view.value, list) else []
        rows = [(str(i), row) for i, row in enumerate(given) if isinstance(row, dict)]
        if self.ctx.fill:
            wanted = max(int(spec.get("min_items") or 0), 1)
            rows += [(str(len(given) + n), {}) for n in range(max(wanted - len(rows), 0))]
        locked, self._locked = self._locked, view.locked
        inactive, self._inactive = self._inactive, view.inactive
        view.rows = [self._group_row(view, key, row, scope) for key, row in rows]
        if self.ctx.fill and not view.locked:
            with self.blank_row():
                view.blank_row = self._group_row(view, ROW_PLACEHOLDER, {}, scope)
        self._locked, self._inactive = locked, inactive
        children = spec.get("fields") or []
        simple = all(c.get("type") not in ("section", "static", "group", "grid") for c in children)
        view.extra.update(min_items=spec.get("min_items"), max_items=spec.get("max_items"), tabular=simple)
        view.extra["headers"] = [
            (c.get("name"), self.ctx.text(c.get("label")), c.get("type") in NUMERIC_TYPES) for c in children
        ]

    def _group_row(self, view: FieldView, key: str, row: dict[str, Any], scope: dict[str, Any]) -> RowView:
        path = join(view.path, key)
        number = key if key == ROW_PLACEHOLDER else str(int(key) + 1)
        result = RowView(key, path, self.ctx.tr("Row %(number)s", number=number))
        self.register(path, result)
        result.fields = self.fields(view.spec.get("fields") or [], row, {**scope, **row}, path)
        return result
