"""The KPI dashboard: one indicator of a KPI-sheet template across periods and agencies.

An indicator is a grid cell concept — `<grid concept>/<row key>/<column>`, e.g.
`kpi_monthly.indicators/grdp_growth/actual` — or a top-level numeric field's concept. Versions are lined up
like the series page does (reporting/series.py): fields by concept with `merge_fields`, grid rows by row
key and columns by name, so a report filed on version 1 and one on version 2 land in the same line.

Decided here: only reports that completed the agency's chain count — state `submitted` (received by the
reviewing agency) or `accepted`. Drafts, reports in approval and reports returned for supplementation are
left out: their figures are not yet vouched for by the agency head. When one agency has two counted
reports for the same period (two campaigns of the template), the one received last wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from form_definitions.merge import MergedField, merge_fields
from formplatform.agencies.models import Agency
from formplatform.dashboards.params import Filters
from formplatform.dashboards.scope import agencies_by_id, report_filter
from formplatform.dashboards.window import CAMPAIGN_FIELDS, PeriodColumn, period_columns, window_reports
from formplatform.errors import BadRequest
from formplatform.models import Form
from formplatform.permissions import Principal
from formplatform.reporting.models import Campaign, Report, eq
from formplatform.services import forms
from i18n.text import localize

KIND = "kpi_sheet"
COUNTED = ("submitted", "accepted")
NUMERIC = ("integer", "decimal", "calculated", "rating")
MAX_AGENCIES = 12  # lines in the chart and rows in the table when no agency is chosen
FIELDS = ("id", "agency_id", "period_key", "period_start", "period_end", "version", "data", "submitted_at")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: dict[str, str]  # {"vi", "en"}: "row — column" or the field's label
    concept: str
    row: str = ""
    column: str = ""
    decimals: int | None = None
    unit: dict[str, str] = field(default_factory=dict)

    def text(self, locale: str) -> str:
        return localize(self.label, locale)


@dataclass
class KpiLine:
    agency: Agency | None
    agency_id: str
    values: list[float | None]


@dataclass
class KpiBoard:
    template: Form | None
    templates: list[Form]
    indicators: list[Indicator]
    indicator: Indicator | None = None
    periods: list[PeriodColumn] = field(default_factory=list)
    cut: bool = False
    lines: list[KpiLine] = field(default_factory=list)
    with_data: list[Agency] = field(default_factory=list)  # every agency in scope with counted reports

    @property
    def empty(self) -> bool:
        return not self.lines


def kpi_templates() -> list[Form]:
    return list(
        Form.objects(kind=KIND, latest_version__gte=1).only("id", "title", "kind", "latest_version", "version_hashes")
    )


def versions_of(form: Form) -> dict[int, dict[str, Any]]:
    """Every published version's definition (cached per process: published means frozen)."""
    return {n: forms.get_version(form.id, n, form=form).definition for n in range(1, form.latest_version + 1)}


def _both(label: Any) -> dict[str, str]:
    return {lang: localize(label or {}, lang) for lang in ("vi", "en")}


def _joined(first: Any, second: Any) -> dict[str, str]:
    return {lang: f"{localize(first or {}, lang)} — {localize(second or {}, lang)}" for lang in ("vi", "en")}


def _grid_indicators(merged: MergedField, versions: dict[int, dict[str, Any]]) -> list[Indicator]:
    """Row × numeric column of a grid concept; rows and columns of every version (newest labels first)."""
    rows: dict[str, Any] = {}
    columns: dict[str, dict[str, Any]] = {}
    for number in sorted(merged.names, reverse=True):
        spec = next(f for f in _fields(versions[number]) if f.get("name") == merged.names[number])
        for row in spec.get("rows") or []:
            rows.setdefault(row["key"], row.get("label"))
        for column in spec.get("columns") or []:
            if column.get("type") in NUMERIC:
                columns.setdefault(column["name"], column)
    return [
        Indicator(
            f"{merged.concept}/{row}/{name}",
            _joined(label, column.get("label")),
            merged.concept,
            row,
            name,
            column.get("decimals"),
            _both(column.get("unit")) if column.get("unit") else {},
        )
        for row, label in rows.items()
        for name, column in columns.items()
    ]


def _fields(definition: dict[str, Any]) -> list[dict[str, Any]]:
    from form_definitions.walk import data_fields

    return list(data_fields(definition.get("fields") or []))


def indicators_of(versions: dict[int, dict[str, Any]]) -> tuple[list[Indicator], list[MergedField]]:
    """The numeric indicators a template offers across its versions, and the merged fields."""
    merged = merge_fields(versions)
    found: list[Indicator] = []
    for entry in merged:  # grid cells first: they are the indicators a KPI sheet exists for
        if entry.type == "grid":
            found += _grid_indicators(entry, versions)
    for entry in merged:
        if entry.type in NUMERIC:
            unit = entry.spec.get("unit")
            found.append(
                Indicator(
                    entry.concept,
                    _both(entry.label),
                    entry.concept,
                    decimals=entry.spec.get("decimals"),
                    unit=_both(unit) if unit else {},
                )
            )
    return found, merged


def default_indicator(indicators: list[Indicator], versions: dict[int, dict[str, Any]]) -> str:
    """The first grid row's last entered (not calculated) column — grids put the target before the result,
    e.g. plan then actual — else the first indicator."""
    first = indicators[0]
    if not first.row:
        return first.key
    entered = [
        i for i in indicators if i.concept == first.concept and i.row == first.row and not _calculated(i, versions)
    ]
    return (entered or [first])[-1].key


def _calculated(indicator: Indicator, versions: dict[int, dict[str, Any]]) -> bool:
    newest = versions[max(versions)]
    for spec in _fields(newest):
        if (spec.get("concept") or spec.get("name")) == indicator.concept:
            columns = {c.get("name"): c.get("type") for c in spec.get("columns") or []}
            return columns.get(indicator.column) == "calculated"
    return False


def value_in(report: Report, indicator: Indicator, merged: MergedField) -> float | None:
    """The indicator's number in one report, read through the report's own version's field name."""
    name = merged.name_in(report.version)
    value = (report.data or {}).get(name) if name else None
    if indicator.row:
        row = value.get(indicator.row) if isinstance(value, dict) else None
        value = row.get(indicator.column) if isinstance(row, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


def kpi_board(principal: Principal | None, filters: Filters) -> KpiBoard:
    """The chosen indicator per agency and period (see the module docstring for what counts)."""
    templates = kpi_templates()
    board = KpiBoard(None, templates, [])
    if not templates:
        return board
    form = next((t for t in templates if t.id == filters.template), None) if filters.template else templates[0]
    if form is None:
        raise BadRequest("not_a_kpi_template" if Form.objects(id=filters.template).first() else "unknown_template")
    board.template = form
    versions = versions_of(form)
    board.indicators, merged = indicators_of(versions)
    if not board.indicators:
        return board
    key = filters.indicator or default_indicator(board.indicators, versions)
    board.indicator = next((i for i in board.indicators if i.key == key), None)
    if board.indicator is None:
        raise BadRequest("unknown_indicator")
    concept = next(m for m in merged if m.concept == board.indicator.concept)
    campaigns = list(Campaign.objects(__raw__=eq(form_key=form.id)).only(*CAMPAIGN_FIELDS))
    query: dict[str, Any] = {"state": {"$in": list(COUNTED)}, **report_filter(principal)}
    present = {r.agency_id for r in window_reports(campaigns, filters, query, ("agency_id",))}
    with_data = sorted(agencies_by_id(present).values(), key=lambda a: a.code)
    board.with_data = with_data
    chosen = filters.agencies or [a.id for a in with_data[:MAX_AGENCIES]]
    if not chosen:
        return board
    query["agency_id"] = {"$in": chosen}
    reports = window_reports(campaigns, filters, query, FIELDS)
    board.periods, board.cut = period_columns(reports)
    latest: dict[tuple[str, str], Report] = {}
    for report in reports:
        slot = (report.agency_id, report.period_key)
        if slot not in latest or (report.submitted_at or datetime.min) > (latest[slot].submitted_at or datetime.min):
            latest[slot] = report
    names = agencies_by_id(set(chosen))
    for agency_id in chosen:
        values = [
            value_in(latest[(agency_id, p.key)], board.indicator, concept) if (agency_id, p.key) in latest else None
            for p in board.periods
        ]
        board.lines.append(KpiLine(names.get(agency_id), agency_id, values))
    if not board.periods:
        board.lines = []
    return board
