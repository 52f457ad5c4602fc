"""The dashboard pages (/dashboards…) and their table downloads (/dashboards/<board>.<format>?table=…).

Filters are GET parameters, so a URL can be shared. A bad filter value re-shows the page with the
filters and a message in the viewer's language (status 400); an agency outside the viewer's scope is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, render_template, request

from formplatform.audit.services import record_event
from formplatform.auth import current_principal, require_permission
from formplatform.dashboards import bp
from formplatform.dashboards.charts import compliance_chart, criteria_chart, kpi_chart, satisfaction_chart
from formplatform.dashboards.compliance_board import choices
from formplatform.dashboards.kpi_board import kpi_templates
from formplatform.dashboards.params import FORMATS, Filters
from formplatform.dashboards.satisfaction_board import default_agencies
from formplatform.dashboards.scope import READ
from formplatform.dashboards.tables import MIME, file_bytes
from formplatform.dashboards.views import BUILDERS, agencies_in_scope
from formplatform.dashboards.window import month_span
from formplatform.dashboards.words import BOARD_HELP, BOARD_LABELS, FORMAT_LABELS, KIND_LABELS
from formplatform.errors import BadRequest
from formplatform.reporting.campaign_words import REPORT_STATUS_LABELS
from formplatform.satisfaction.results_pages import number, percent
from formplatform.satisfaction.results_pages import period_label as satisfaction_period

CHARTS = {
    "compliance": lambda board: {"main": compliance_chart(board)},
    "kpi": lambda board: {"main": kpi_chart(board)},
    "satisfaction": lambda board: {"main": satisfaction_chart(board), "criteria": criteria_chart(board)},
}


def _pickers(board: str, principal: Any, built: dict[str, Any] | None) -> dict[str, Any]:
    """The choices a board's filter form offers (computed even when the filters were not valid)."""
    if board == "compliance":
        templates, campaigns = choices()
        return {"templates": templates, "campaigns": campaigns, "agency_choices": agencies_in_scope(principal)}
    if board == "kpi":
        with_data = built["board"].with_data if built else []
        return {"templates": kpi_templates(), "agency_choices": with_data}
    return {"agency_choices": default_agencies(principal), "kind_labels": KIND_LABELS}


def _export_query(board: str, built: dict[str, Any] | None) -> dict[str, Any] | None:
    """The background export of the reports behind a compliance or KPI board, with its template and span."""
    if board not in ("compliance", "kpi") or not built or built["board"].template is None:
        return None
    start, end = month_span(built["filters"])
    return {
        "source": "reports",
        "form": built["board"].template.id,
        "agency": built["filters"].agencies,
        "from": start.strftime("%Y-%m"),
        "to": end.strftime("%Y-%m"),
    }


def _render(board: str) -> Any:
    principal = current_principal()
    built, error, status = None, None, 200
    try:
        built = BUILDERS[board](principal, request.args)
    except BadRequest as problem:
        error, status = problem.payload()["message"], 400
    context = {
        "name": board,
        "error": error,
        "filters": built["filters"] if built else Filters(),
        "charts": CHARTS[board](built["board"]) if built else {},
        "formats": FORMAT_LABELS,
        "status_labels": REPORT_STATUS_LABELS,
        "number": number,
        "percent": percent,
        "satisfaction_period": satisfaction_period,
        "export_query": _export_query(board, built),
        **(built or {}),
        **_pickers(board, principal, built),
    }
    return render_template(f"dashboards/{board}.html", **context), status


@bp.get("/dashboards")
@require_permission(READ)
def index() -> Any:
    return render_template("dashboards/index.html", labels=BOARD_LABELS, help=BOARD_HELP)


@bp.get("/dashboards/compliance")
@require_permission(READ)
def compliance() -> Any:
    return _render("compliance")


@bp.get("/dashboards/kpi")
@require_permission(READ)
def kpi() -> Any:
    return _render("kpi")


@bp.get("/dashboards/satisfaction")
@require_permission(READ)
def satisfaction() -> Any:
    return _render("satisfaction")


@bp.get("/dashboards/<board>.<fmt>")
@require_permission(READ)
def download(board: str, fmt: str) -> Any:
    """One table of a dashboard as a file, with the same filters as the page; every download is audited."""
    if board not in BUILDERS:
        abort(404)
    if fmt not in FORMATS:
        raise BadRequest("bad_export_format")
    principal = current_principal()
    tables = BUILDERS[board](principal, request.args)["tables"]
    name = request.args.get("table") or next(iter(tables))
    if name not in tables:
        raise BadRequest("bad_table")
    table = tables[name]
    content = file_bytes(table, fmt)
    record_event(
        "dashboard.export",
        actor=principal,
        target_type="dashboard",
        target_id=f"{board}/{name}",
        details={"format": fmt, "rows": len(table.rows), "query": request.query_string.decode("utf-8", "replace")},
    )
    filename = f"dashboard-{board}-{name}-{date.today().isoformat()}.{fmt}"
    return Response(
        content,
        mimetype=MIME[fmt].split(";")[0],
        headers={
            "Content-Type": MIME[fmt],
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
