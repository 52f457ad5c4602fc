"""What each dashboard shows, built once from the query parameters for its page, its downloads and its API."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from formplatform.agencies.models import Agency
from formplatform.dashboards.compliance_board import compliance_board
from formplatform.dashboards.kpi_board import kpi_board
from formplatform.dashboards.params import parse_filters
from formplatform.dashboards.satisfaction_board import satisfaction_board
from formplatform.dashboards.scope import AGENCY_FIELDS, agency_filter, checked_agencies
from formplatform.dashboards.tables import compliance_tables, kpi_tables, satisfaction_tables
from formplatform.dashboards.window import month_span
from formplatform.permissions import Principal
from formplatform.reporting.periods import period_label
from formplatform.satisfaction.results_pages import period_label as satisfaction_period
from i18n.babel import current_locale
from i18n.text import localize

MAX_PICKER = 300


def _month_words(filters: Any) -> str:
    start, end = month_span(filters)
    first = period_label(f"{start.year}-M{start.month:02d}", current_locale())
    last = period_label(f"{end.year}-M{end.month:02d}", current_locale())
    return _("periods ending between %(first)s and %(last)s", first=first, last=last)


def compliance_view(principal: Principal | None, args: Any) -> dict[str, Any]:
    filters = parse_filters(args, board="compliance")
    checked_agencies(principal, filters.agencies)
    board = compliance_board(principal, filters)
    what = localize(
        board.campaign.name if board.campaign else board.template.title if board.template else {}, current_locale()
    )
    subtitle = " · ".join(part for part in (what, _month_words(filters)) if part)
    return {"filters": filters, "board": board, "subtitle": subtitle, "tables": compliance_tables(board, subtitle)}


def kpi_view(principal: Principal | None, args: Any) -> dict[str, Any]:
    filters = parse_filters(args, board="kpi")
    checked_agencies(principal, filters.agencies)
    board = kpi_board(principal, filters)
    title = localize(board.template.title, current_locale()) if board.template else ""
    subtitle = " · ".join(part for part in (title, _month_words(filters)) if part)
    return {"filters": filters, "board": board, "subtitle": subtitle, "tables": kpi_tables(board, subtitle)}


def satisfaction_view(principal: Principal | None, args: Any) -> dict[str, Any]:
    filters = parse_filters(args, board="satisfaction")
    chosen = checked_agencies(principal, filters.agencies)
    board = satisfaction_board(principal, filters, chosen)
    span = ""
    if board.periods:
        span = _(
            "%(first)s to %(last)s",
            first=satisfaction_period(board.periods[0]),
            last=satisfaction_period(board.periods[-1]),
        )
    subtitle = " · ".join(part for part in (_("Citizen satisfaction"), span) if part)
    return {"filters": filters, "board": board, "subtitle": subtitle, "tables": satisfaction_tables(board, subtitle)}


BUILDERS = {"compliance": compliance_view, "kpi": kpi_view, "satisfaction": satisfaction_view}


def agencies_in_scope(principal: Principal | None) -> list[Agency]:
    """Active agencies of the viewer's subtrees for a picker, by code (a city has a few hundred)."""
    query = Agency.objects(active=True, __raw__=agency_filter(principal)).only(*AGENCY_FIELDS)
    return list(query.order_by("code").limit(MAX_PICKER))
