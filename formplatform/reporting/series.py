"""An agency's reports of one template over several periods, side by side and aligned by concept.

QĐ 1439 Điều 10.2: reports whose template changed stay comparable. Each report keeps its own pinned
version; the rows of the table are the template's concepts merged over every version involved
(`form_definitions.merge.merge_fields`), so a renamed field stays one row and a field that only some
versions had still appears (empty where a version lacked it). Grids unfold into one row per
(grid row, column), matched by row key and column name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from form_definitions.merge import MergedField, merge_fields
from form_definitions.walk import field_index
from formplatform.reporting.models import Report, eq
from formplatform.services import forms
from i18n.text import localize
from renderers.values import format_number, render_value

PAGE_PERIODS = 12


@dataclass
class SeriesRow:
    """One line of the table: a concept (or one cell of a grid concept) and its value per report."""

    label: str
    detail: str = ""
    numeric: bool = False
    values: list[str] = field(default_factory=list)
    changed: bool = False  # the value differs from the previous period's


@dataclass
class Series:
    reports: list[Report]
    versions: dict[int, dict[str, Any]]
    rows: list[SeriesRow]


def agency_series(agency_id: str, form_key: str, *, before: datetime | None = None, locale: str = "vi") -> Series:
    """The agency's reports of a form for up to PAGE_PERIODS periods before `before`, oldest first, as rows."""
    # walks the (agency_id, form_key, -period_start) index newest first: the rows read are the periods shown
    # and those skipped after `before` (a date comparison the embedded engine does not serve from an index)
    query = Report.objects(__raw__=eq(agency_id=agency_id, form_key=form_key))
    if before:
        query = query.filter(period_start__lt=before)
    reports = list(query.order_by("-period_start").limit(PAGE_PERIODS))[::-1]
    versions = {n: forms.get_version(form_key, n).definition for n in sorted({r.version for r in reports})}
    rows: list[SeriesRow] = []
    for merged in merge_fields(versions):
        rows += _rows_of(merged, reports, versions, locale)
    for row in rows:
        row.changed = any(a != b for a, b in zip(row.values, row.values[1:], strict=False))
    return Series(reports, versions, rows)


def _spec_in(merged: MergedField, version: int, versions: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    name = merged.name_in(version)
    if name is None:
        return None
    return field_index(versions[version]).get(name)


def _rows_of(
    merged: MergedField, reports: list[Report], versions: dict[int, dict[str, Any]], locale: str
) -> list[SeriesRow]:
    if merged.type == "grid":
        return _grid_rows(merged, reports, versions, locale)
    if merged.type == "group":
        values = []
        for report in reports:
            name = merged.name_in(report.version)
            items = report.data.get(name) if name else None
            values.append(str(len(items)) if isinstance(items, list) else "")
        return [SeriesRow(localize(merged.label, locale), numeric=True, values=values)]
    values = []
    for report in reports:
        spec = _spec_in(merged, report.version, versions)
        values.append(render_value(spec, report.data.get(spec["name"]), locale) if spec else "")
    numeric = merged.type in ("integer", "decimal", "calculated", "rating")
    return [SeriesRow(localize(merged.label, locale), numeric=numeric, values=values)]


def _grid_rows(
    merged: MergedField, reports: list[Report], versions: dict[int, dict[str, Any]], locale: str
) -> list[SeriesRow]:
    newest = merged.spec
    grid_rows = newest.get("rows") or []
    columns = [c for c in newest.get("columns") or [] if c.get("type") != "text"]
    found: list[SeriesRow] = []
    for grid_row in grid_rows:
        for column in columns:
            values = []
            for report in reports:
                name = merged.name_in(report.version)
                cells = report.data.get(name) if name else None
                cell = (cells or {}).get(grid_row["key"], {}) if isinstance(cells, dict) else {}
                value = cell.get(column["name"]) if isinstance(cell, dict) else None
                values.append("" if value is None else format_number(value, locale, column.get("decimals")))
            found.append(
                SeriesRow(
                    localize(grid_row["label"], locale),
                    detail=localize(column["label"], locale),
                    numeric=True,
                    values=values,
                )
            )
    return found
