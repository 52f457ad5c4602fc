"""The OpenAPI description of the aggregates routes (merged by formplatform/openapi.py)."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _op

MONTH = {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}
AGENCY = {
    "name": "agency",
    "in": "query",
    "schema": {"type": "array", "items": {"type": "string"}, "maxItems": 20},
    "style": "form",
    "explode": True,
    "description": "Agency ids to show (repeat the parameter); each must lie in the caller's scope, else 404. "
    "Default: every agency of the scope (see each route).",
}
MONTHS = [
    {"name": "from", "in": "query", "schema": MONTH, "description": "First month (YYYY-MM) a period may end in."},
    {
        "name": "to",
        "in": "query",
        "schema": MONTH,
        "description": "Last month (YYYY-MM) a period may end in. Default: the 12 months up to this month; "
        "at most the 24 latest periods are returned (periods_cut says when older ones were left out).",
    },
]
SCOPE = (
    " Figures cover only the caller's agencies: the subtrees of their dashboards.read grants (roles admin, "
    "reviewer, designer, viewer, agency_head, division_head), or of an integration token with the "
    "aggregates:read scope. Labels come in both languages as {vi, en}. A bad filter value answers 400 with "
    "error.code and a message in the request's language."
)


def aggregates_paths() -> dict[str, Any]:
    """Paths to merge into the API description."""
    compliance = _op(
        "Reporting compliance of a template (every campaign of it) or of one campaign: per period the "
        "number of reports in each state (not_started, draft, in_approval, returned, submitted, accepted, "
        "overdue — overdue is derived: deadline passed and not received), per agency due / completed / "
        "received / on-time counts and rates in percent." + SCOPE,
        "template, campaign, states, periods (key, start, end, label, counts, total), agencies",
        400,
        401,
        403,
        404,
        auth=True,
    )
    compliance["parameters"] = [
        {"name": "template", "in": "query", "schema": {"type": "string"}, "description": "Form key."},
        {"name": "campaign", "in": "query", "schema": {"type": "string"}, "description": "Overrides template."},
        AGENCY,
        *MONTHS,
    ]
    kpi = _op(
        "One indicator of a KPI-sheet template per agency and period, lined up across template versions by "
        "concept (grid rows by key, columns by name). Only reports that completed the agency's chain "
        "(submitted or accepted) count. Without agencies: the first 12 agencies (by code) of the scope "
        "with counted reports." + SCOPE,
        "template, indicator, indicators (every choice), periods, series (agency, values per period; null "
        "where the agency has no counted report)",
        400,
        401,
        403,
        404,
        auth=True,
    )
    kpi["parameters"] = [
        {"name": "template", "in": "query", "schema": {"type": "string"}, "description": "A kpi_sheet form key."},
        {
            "name": "indicator",
            "in": "query",
            "schema": {"type": "string"},
            "description": "'<grid concept>/<row key>/<column>' (e.g. kpi_monthly.indicators/grdp_growth/actual) "
            "or a numeric field's concept. Default: the first indicator.",
        },
        AGENCY,
        *MONTHS,
    ]
    satisfaction = _op(
        "Citizen satisfaction per agency and period from the roll-ups (never the ratings): satisfaction rate, "
        "average points, counts and average points per criterion. Without agencies: Sở and districts for a "
        "city-wide caller, else every rated agency of the scope (a district includes its wards' ratings)." + SCOPE,
        "kind, periods, series (agency, figures per period), charted (the agencies a chart would show)",
        400,
        401,
        403,
        404,
        auth=True,
    )
    satisfaction["parameters"] = [
        {"name": "kind", "in": "query", "schema": {"enum": ["month", "quarter", "year"]}},
        {
            "name": "from",
            "in": "query",
            "schema": {"type": "string"},
            "description": "First period of the kind: 2026-11, 2026-Q4 or 2026.",
        },
        {
            "name": "to",
            "in": "query",
            "schema": {"type": "string"},
            "description": "Last period. Default: the latest with ratings (12 months, 8 quarters or 5 years back).",
        },
        AGENCY,
    ]
    return {
        "/aggregates/compliance": {"get": compliance},
        "/aggregates/kpi": {"get": kpi},
        "/aggregates/satisfaction": {"get": satisfaction},
    }
