"""Every dashboard table once: shown on the page, and downloaded as CSV / XLSX / DOCX / PDF through
`renderers.tables` (its DataTable holds raw numbers; each writer formats them for its file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from formplatform.dashboards.compliance_board import ComplianceBoard
from formplatform.dashboards.kpi_board import KpiBoard
from formplatform.dashboards.satisfaction_board import SatisfactionBoard
from formplatform.reporting.campaign_words import REPORT_STATUS_LABELS
from formplatform.reporting.compliance import STATUSES
from formplatform.satisfaction.results_pages import period_label as satisfaction_period
from i18n.babel import current_locale
from i18n.text import localize
from renderers.values import format_number

Cell = str | int | float | None
MIME = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass
class BoardTable:
    """A table of a dashboard: the first column names the row, the others hold figures."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    subtitle: str = ""
    numeric: list[bool] = field(default_factory=list)
    decimals: list[int | None] = field(default_factory=list)

    def cell(self, index: int, value: Cell) -> str:
        """A cell as the page shows it, numbers in the viewer's notation."""
        if value is None:
            return "–"
        if isinstance(value, str):
            return value
        places = self.decimals[index] if index < len(self.decimals) else None
        return format_number(value, current_locale(), places)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _name(agency: Any, fallback: str) -> str:
    return localize(agency.name, current_locale()) if agency is not None else fallback


def compliance_tables(board: ComplianceBoard, subtitle: str) -> dict[str, BoardTable]:
    labels = [str(REPORT_STATUS_LABELS[s]) for s in STATUSES]
    periods = BoardTable(
        "periods",
        _("Reports by state per period"),
        [_("Period"), *labels, _("Total")],
        [[p.label, *board.counts[p.key].values(), sum(board.counts[p.key].values())] for p in board.periods],
        subtitle,
        [False] + [True] * (len(labels) + 1),
        [None] + [0] * (len(labels) + 1),
    )
    agencies = BoardTable(
        "agencies",
        _("Completion and timeliness per agency"),
        [
            _("Agency"),
            _("Reports due"),
            _("Reports completed"),
            _("Completion rate (%)"),
            _("Reports received"),
            _("Received on time"),
            _("On-time rate (%)"),
        ],
        [
            [
                _name(r.agency, ""),
                r.due,
                r.completed,
                _rate(r.completed, r.due),
                r.received,
                r.on_time,
                _rate(r.on_time, r.received),
            ]
            for r in board.rates
        ],
        subtitle,
        [False] + [True] * 6,
        [None, 0, 0, 1, 0, 0, 1],
    )
    return {"periods": periods, "agencies": agencies}


def kpi_tables(board: KpiBoard, subtitle: str) -> dict[str, BoardTable]:
    places = board.indicator.decimals if board.indicator else None
    series = BoardTable(
        "series",
        board.indicator.text(current_locale()) if board.indicator else _("KPI indicator"),
        [_("Agency"), *[p.label for p in board.periods]],
        [[_name(line.agency, line.agency_id), *line.values] for line in board.lines],
        subtitle,
        [False] + [True] * len(board.periods),
        [None] + [places] * len(board.periods),
    )
    return {"series": series}


def satisfaction_tables(board: SatisfactionBoard, subtitle: str) -> dict[str, BoardTable]:
    periods = [satisfaction_period(p) for p in board.periods]
    latest = satisfaction_period(board.latest_period) if board.periods else ""
    trend = BoardTable(
        "trend",
        _("Satisfaction rate (%) per period"),
        [_("Agency"), *periods, _("Ratings in %(period)s", period=latest)],
        [
            [_name(line.agency, ""), *[f["satisfaction_rate"] for f in line.figures], line.latest["n"]]
            for line in board.lines
        ],
        subtitle,
        [False] + [True] * (len(periods) + 1),
        [None] + [1] * len(periods) + [0],
    )
    shown = board.charted[:6]
    rows: list[list[Cell]] = []
    for index, criterion in enumerate(board.criteria):
        averages = [line.latest["criteria"][index]["average"] for line in shown]
        rows.append([localize(criterion["label"], current_locale()), criterion["max"], *averages])
    if board.criteria:
        totals = [line.latest["average_total"] for line in shown]
        rows.append([_("Total points"), sum(c["max"] for c in board.criteria), *totals])
    criteria = BoardTable(
        "criteria",
        _("Average points per criterion, %(period)s", period=latest),
        [_("Criterion"), _("Maximum"), *[_name(line.agency, "") for line in shown]],
        rows,
        subtitle,
        [False] + [True] * (len(shown) + 1),
        [None, 0] + [2] * len(shown),
    )
    return {"trend": trend, "criteria": criteria}


def file_bytes(table: BoardTable, fmt: str) -> bytes:
    """The table as a file, written by renderers.tables (imported here: the writers load heavy libraries)."""
    from renderers import tables as writers

    data = writers.DataTable(
        title=table.title,
        columns=table.columns,
        rows=table.rows,
        subtitle=table.subtitle,
        numeric=table.numeric,
        locale=current_locale(),
    )
    if fmt == "csv":
        return writers.table_csv(data)
    if fmt == "xlsx":
        return writers.table_xlsx(data)
    if fmt == "docx":
        return writers.table_docx(data)
    return writers.table_pdf(data, gettext=_)
