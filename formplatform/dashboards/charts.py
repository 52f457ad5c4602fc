"""Chart data carried by the pages as JSON (the content security policy forbids inline scripts); the
script static/js/dashboards/charts.js draws it with the vendored Chart.js. The same figures are in the
table under every chart."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from formplatform.dashboards.compliance_board import ComplianceBoard
from formplatform.dashboards.kpi_board import KpiBoard
from formplatform.dashboards.satisfaction_board import SatisfactionBoard
from formplatform.reporting.campaign_words import REPORT_STATUS_LABELS
from formplatform.reporting.compliance import STATUSES
from formplatform.satisfaction.results_pages import period_label as satisfaction_period
from formplatform.satisfaction.results_pages import short
from i18n.babel import current_locale
from i18n.text import localize

# one colour per state, as on the campaign compliance page: done is green, stuck is red
STATUS_COLOURS = {
    "not_started": "#8a94a0",
    "draft": "#7fb2e5",
    "in_approval": "#1d5fa8",
    "returned": "#c75b12",
    "submitted": "#2a9d8f",
    "accepted": "#2e7d32",
    "overdue": "#b3261e",
}


def compliance_chart(board: ComplianceBoard) -> dict[str, Any]:
    return {
        "type": "stacked",
        "labels": [p.label for p in board.periods],
        "datasets": [
            {
                "label": str(REPORT_STATUS_LABELS[s]),
                "data": [board.counts[p.key][s] for p in board.periods],
                "colour": STATUS_COLOURS[s],
            }
            for s in STATUSES
        ],
        "y_title": _("Reports"),
        "integer": True,
    }


def kpi_chart(board: KpiBoard) -> dict[str, Any]:
    unit = localize(board.indicator.unit, current_locale()) if board.indicator and board.indicator.unit else ""
    title = board.indicator.text(current_locale()) if board.indicator else ""
    return {
        "type": "line",
        "labels": [p.label for p in board.periods],
        "datasets": [
            {"label": short(line.agency.name) if line.agency else line.agency_id, "data": line.values}
            for line in board.lines
        ],
        "y_title": f"{short({'vi': title, 'en': title})}{f' ({unit})' if unit else ''}",
        "decimals": board.indicator.decimals if board.indicator else None,
    }


def satisfaction_chart(board: SatisfactionBoard) -> dict[str, Any]:
    return {
        "type": "line",
        "labels": [satisfaction_period(p) for p in board.periods],
        "datasets": [
            {"label": short(line.agency.name), "data": [f["satisfaction_rate"] for f in line.figures]}
            for line in board.charted
        ],
        "y_title": _("Satisfaction rate (%)"),
        "y_max": 100,  # no forced 0: rates sit between 80 and 100, differences must stay visible
        "decimals": 1,
    }


def criteria_chart(board: SatisfactionBoard) -> dict[str, Any]:
    shown = board.charted[:6]
    return {
        "type": "bar",
        "labels": [_("C%(number)s", number=n) for n in range(1, len(board.criteria) + 1)],
        "full_labels": [localize(c["label"], current_locale()) for c in board.criteria],
        "datasets": [
            {"label": short(line.agency.name), "data": [c["average"] for c in line.latest["criteria"]]}
            for line in shown
        ],
        "y_title": _("Average points"),
        "y_min": 0,
        "y_max": max([c["max"] for c in board.criteria] or [2]),
        "decimals": 2,
    }
