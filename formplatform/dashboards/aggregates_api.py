"""REST API v1: the dashboards' figures as JSON — machine names and numbers, labels as {"vi", "en"}.

A session or a bearer token (a user's, or an integration client's with the `aggregates:read` scope);
always restricted to the caller's agencies. Same filters as the pages (declared below).
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from pydantic import BaseModel, Field

from formplatform.apispec import AUTH, Open, api, ok
from formplatform.auth import current_principal, require_permission
from formplatform.dashboards import api_bp
from formplatform.dashboards.compliance_board import ComplianceBoard
from formplatform.dashboards.kpi_board import KpiBoard
from formplatform.dashboards.satisfaction_board import SatisfactionBoard
from formplatform.dashboards.scope import READ
from formplatform.dashboards.views import compliance_view, kpi_view, satisfaction_view
from formplatform.dashboards.window import PeriodColumn
from formplatform.dashboards.words import both
from formplatform.reporting.campaign_words import REPORT_STATUS_LABELS
from formplatform.reporting.compliance import STATUSES
from formplatform.satisfaction.results_api import agency_record, figures_record
from formplatform.satisfaction.results_pages import period_label as satisfaction_period


class WindowQuery(BaseModel):
    """The agencies and months an aggregate covers (shared by the compliance and KPI aggregates)."""

    agency: list[str] | None = Field(
        None,
        description=(
            "Agency ids to show (repeat the parameter); each must lie in the caller's scope, else 404. Default:"
            " every agency of the scope (see each route)."
        ),
    )
    from_: str | None = Field(None, description="First month (YYYY-MM) a period may end in.", alias="from")
    to: str | None = Field(
        None,
        description=(
            "Last month (YYYY-MM) a period may end in. Default: the 12 months up to this month; at most the 24 "
            "latest periods are returned (periods_cut says when older ones were left out)."
        ),
    )


class ComplianceQuery(WindowQuery):
    template: str | None = Field(None, description="Form key.")
    campaign: str | None = Field(None, description="Overrides template.")


class KpiQuery(WindowQuery):
    template: str | None = Field(None, description="A kpi_sheet form key.")
    indicator: str | None = Field(
        None,
        description=(
            "'<grid concept>/<row key>/<column>' (e.g. kpi_monthly.indicators/grdp_growth/actual) or a numeric "
            "field's concept. Default: the first indicator."
        ),
    )


class SatisfactionQuery(BaseModel):
    kind: str | None = Field(None, max_length=64, description="One of: month, quarter, year.")
    from_: str | None = Field(None, description="First period of the kind: 2026-11, 2026-Q4 or 2026.", alias="from")
    to: str | None = Field(
        None, description=("Last period. Default: the latest with ratings (12 months, 8 quarters or 5 years back).")
    )
    agency: list[str] | None = Field(
        None,
        description=(
            "Agency ids to show (repeat the parameter); each must lie in the caller's scope, else 404. Default:"
            " every agency of the scope (see each route)."
        ),
    )


def _agency(agency: Any, agency_id: str = "") -> dict[str, Any] | None:
    return agency_record(agency) if agency is not None else {"id": agency_id}


def _period(period: PeriodColumn) -> dict[str, Any]:
    return {
        "key": period.key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "label": period.labels(),
    }


def _filters(filters: Any) -> dict[str, Any]:
    return filters.query()


def compliance_record(board: ComplianceBoard) -> dict[str, Any]:
    return {
        "template": {"key": board.template.id, "title": dict(board.template.title)} if board.template else None,
        "campaign": {"id": board.campaign.id, "name": dict(board.campaign.name)} if board.campaign else None,
        "campaigns": [c.id for c in board.campaigns],
        "states": [{"key": s, "label": both(REPORT_STATUS_LABELS[s])} for s in STATUSES],
        "periods": [
            {**_period(p), "counts": board.counts[p.key], "total": sum(board.counts[p.key].values())}
            for p in board.periods
        ],
        "periods_cut": board.cut,
        "agencies": [
            {
                "agency": _agency(r.agency),
                "due": r.due,
                "completed": r.completed,
                "received": r.received,
                "on_time": r.on_time,
                "completion_rate": round(100 * r.completion_rate, 1) if r.completion_rate is not None else None,
                "on_time_rate": round(100 * r.on_time_rate, 1) if r.on_time_rate is not None else None,
                "statuses": r.cells,
            }
            for r in board.rates
        ],
    }


def kpi_record(board: KpiBoard) -> dict[str, Any]:
    indicator = board.indicator
    return {
        "template": {"key": board.template.id, "title": dict(board.template.title)} if board.template else None,
        "indicator": {
            "key": indicator.key,
            "label": indicator.label,
            "concept": indicator.concept,
            "row": indicator.row or None,
            "column": indicator.column or None,
            "unit": indicator.unit or None,
        }
        if indicator
        else None,
        "indicators": [{"key": i.key, "label": i.label} for i in board.indicators],
        "counted_states": ["submitted", "accepted"],
        "periods": [_period(p) for p in board.periods],
        "periods_cut": board.cut,
        "series": [{"agency": _agency(line.agency, line.agency_id), "values": line.values} for line in board.lines],
        "agencies_with_data": [a.id for a in board.with_data],
    }


def satisfaction_record(board: SatisfactionBoard) -> dict[str, Any]:
    return {
        "kind": board.kind,
        "periods": [{"key": p, "label": both_period(p)} for p in board.periods],
        "series": [
            {
                "agency": agency_record(line.agency),
                "figures": [{"period": f["period"], **figures_record(f)} for f in line.figures],
            }
            for line in board.lines
        ],
        "charted": [line.agency.id for line in board.charted],
        "questionnaire_published": not board.unpublished,
    }


def both_period(period: str) -> dict[str, str]:
    from flask_babel import force_locale

    found = {}
    for lang in ("vi", "en"):
        with force_locale(lang):
            found[lang] = satisfaction_period(period)
    return found


@api_bp.get("/aggregates/compliance")
@require_permission(READ)
@api.validate(query=ComplianceQuery, resp=ok(Open), tags=["aggregates"], security=AUTH)
def api_compliance() -> Any:
    """Reporting compliance of a template (every campaign of it) or of one campaign: per period the number of reports
    in each state (not_started, draft, in_approval, returned, submitted, accepted, overdue — overdue is derived:
    deadline passed and not received), per agency due / completed / received / on-time counts and rates in percent.
    Figures cover only the caller's agencies: the subtrees of their dashboards.read grants (roles admin, reviewer,
    designer, viewer, agency_head, division_head), or of an integration token with the aggregates:read scope. Labels
    come in both languages as {vi, en}. A bad filter value answers 400 with error.code and a message in the
    request's language.
    """
    built = compliance_view(current_principal(), request.args)
    return jsonify({"filters": _filters(built["filters"]), **compliance_record(built["board"])})


@api_bp.get("/aggregates/kpi")
@require_permission(READ)
@api.validate(query=KpiQuery, resp=ok(Open), tags=["aggregates"], security=AUTH)
def api_kpi() -> Any:
    """One indicator of a KPI-sheet template per agency and period, lined up across template versions by concept (grid
    rows by key, columns by name). Only reports that completed the agency's chain (submitted or accepted) count.
    Without agencies: the first 12 agencies (by code) of the scope with counted reports. Figures cover only the
    caller's agencies: the subtrees of their dashboards.read grants (roles admin, reviewer, designer, viewer,
    agency_head, division_head), or of an integration token with the aggregates:read scope. Labels come in both
    languages as {vi, en}. A bad filter value answers 400 with error.code and a message in the request's language.
    """
    built = kpi_view(current_principal(), request.args)
    return jsonify({"filters": _filters(built["filters"]), **kpi_record(built["board"])})


@api_bp.get("/aggregates/satisfaction")
@require_permission(READ)
@api.validate(query=SatisfactionQuery, resp=ok(Open), tags=["aggregates"], security=AUTH)
def api_satisfaction() -> Any:
    """Citizen satisfaction per agency and period from the roll-ups (never the ratings): satisfaction rate, average
    points, counts and average points per criterion. Without agencies: Sở and districts for a city-wide caller, else
    every rated agency of the scope (a district includes its wards' ratings). Figures cover only the caller's
    agencies: the subtrees of their dashboards.read grants (roles admin, reviewer, designer, viewer, agency_head,
    division_head), or of an integration token with the aggregates:read scope. Labels come in both languages as {vi,
    en}. A bad filter value answers 400 with error.code and a message in the request's language.
    """
    built = satisfaction_view(current_principal(), request.args)
    return jsonify({"filters": _filters(built["filters"]), **satisfaction_record(built["board"])})
