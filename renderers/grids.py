"""Grid fields: fixed rows (`{row_key: {col: value}}`) or addable rows (`[{col: value}]`), with totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from form_definitions.composite import NUMERIC_COLUMN_TYPES
from form_definitions.rules import round_to
from renderers.values import format_number, input_text, is_number
from renderers.views import ROW_PLACEHOLDER, CellView, ColumnView, FieldView, RowView, join

if TYPE_CHECKING:
    from renderers.build import ViewBuilder

Row = dict[str, Any]


def grid_rows(value: Any) -> list[tuple[str, Row]]:
    """(key, row) pairs of a grid value: row keys of fixed grids, list indices of addable ones."""
    if isinstance(value, dict):
        return [(k, r) for k, r in value.items() if isinstance(r, dict)]
    if isinstance(value, list):
        return [(str(i), r) for i, r in enumerate(value) if isinstance(r, dict)]
    return []


def _number(value: Any) -> float | None:
    return float(value) if is_number(value) else None


def grid_totals(spec: dict[str, Any], value: Any) -> dict[str, Any]:
    """Column and row totals exactly as form_definitions.answers.compute sums them (and form.js)."""
    columns = [c for c in spec.get("columns") or [] if isinstance(c, dict)]
    column_totals: dict[str, Any] = {c["name"]: None for c in columns if c.get("total")}
    row_totals: dict[str, Any] = {}
    for key, row in grid_rows(value):
        numbers = [_number(row.get(c["name"])) for c in columns if c.get("type") in NUMERIC_COLUMN_TYPES]
        if spec.get("row_total"):
            row_totals[key] = round_to(sum(n for n in numbers if n is not None), 6)
        for name in column_totals:
            cell = _number(row.get(name))
            if cell is not None:
                column_totals[name] = round_to((column_totals[name] or 0) + cell, 6)
    return {"columns": column_totals, "rows": row_totals}


def _sources(builder: ViewBuilder, view: FieldView) -> list[tuple[str, str, str, Row]]:
    """(key, label, unit, row values) for every row to show."""
    ctx, spec, value = builder.ctx, view.spec, view.value
    if not spec.get("addable_rows"):
        given = value if isinstance(value, dict) else {}
        return [
            (r["key"], ctx.text(r.get("label")), ctx.text(r.get("unit")), _as_row(given.get(r["key"])))
            for r in spec.get("rows") or []
            if isinstance(r, dict) and "key" in r
        ]
    rows = grid_rows(value if isinstance(value, list) else [])
    if ctx.fill and not rows:
        rows = [("0", {})]
    return [(key, _row_label(builder, key), "", row) for key, row in rows]


def _as_row(value: Any) -> Row:
    return value if isinstance(value, dict) else {}


def _row_label(builder: ViewBuilder, key: str) -> str:
    number = key if key == ROW_PLACEHOLDER else str(int(key) + 1)
    return builder.ctx.tr("Row %(number)s", number=number)


def _cell_text(value: Any, column: ColumnView, locale: str) -> str:
    return format_number(value, locale, column.decimals) if is_number(value) else input_text(value)


def _row(builder: ViewBuilder, view: FieldView, source: tuple[str, str, str, Row], totals: dict[str, Any]) -> RowView:
    ctx = builder.ctx
    key, label, unit, values = source
    result = RowView(key, join(view.path, key), label, unit)
    builder.register(result.path, result)
    for column in view.columns:
        value = values.get(column.name)
        editable = ctx.fill and column.type != "calculated"
        text = input_text(value) if editable else _cell_text(value, column, ctx.locale)
        cell = CellView(column, join(result.path, column.name), value, text, f"{column.label} ({label})")
        builder.register(cell.path, cell)
        result.cells.append(cell)
    total = (totals.get("rows") or {}).get(key)
    result.total_text = format_number(total, ctx.locale) if total is not None else ""
    return result


def build_grid(builder: ViewBuilder, view: FieldView, scope: dict[str, Any]) -> None:
    """Fill a grid's columns, rows (and the blank row template of addable grids) and totals."""
    ctx, spec = builder.ctx, view.spec
    view.columns = [
        ColumnView(
            c["name"],
            c["type"],
            ctx.text(c.get("label")),
            ctx.text(c.get("unit")),
            bool(c.get("total")),
            c.get("decimals"),
        )
        for c in spec.get("columns") or []
        if isinstance(c, dict) and "name" in c
    ]
    totals = ctx.totals.get(view.path) or grid_totals(spec, view.value)
    view.rows = [_row(builder, view, source, totals) for source in _sources(builder, view)]
    addable = bool(spec.get("addable_rows"))
    if addable and ctx.fill and not view.locked:
        with builder.blank_row():
            view.blank_row = _row(builder, view, (ROW_PLACEHOLDER, _row_label(builder, ROW_PLACEHOLDER), "", {}), {})
    for column in view.columns:
        column.total_id = f"{view.id}-total-{column.name}"
        column.total_text = format_number((totals.get("columns") or {}).get(column.name), ctx.locale, column.decimals)
    view.extra.update(
        addable=addable,
        row_total=ctx.text(spec.get("row_total")),
        has_totals=any(c.total for c in view.columns),
        has_units=any(r.unit for r in view.rows),
        max_rows=spec.get("max_rows"),
    )
