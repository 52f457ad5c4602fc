"""Grid fields: fixed rows (`{row_key: {col: value}}`) or addable rows (`[{col: value}]`), with totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from form_definitions.answers import grid_rows, grid_totals
from renderers.values import format_number, input_text, is_number
from renderers.views import ROW_PLACEHOLDER, CellView, ColumnView, FieldView, RowView, join

if TYPE_CHECKING:
    from renderers.build import ViewBuilder

Row = dict[str, Any]


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
