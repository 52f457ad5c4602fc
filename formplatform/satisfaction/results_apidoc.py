"""The OpenAPI description of the satisfaction results routes (merged by formplatform/openapi.py)."""

from __future__ import annotations

from typing import Any

from formplatform.openapi import _op

AGENCY_ID = {"name": "agency_id", "in": "path", "required": True, "schema": {"type": "string"}}
PERIOD = {
    "name": "period",
    "in": "query",
    "schema": {"type": "string", "pattern": r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"},
    "description": "A year (2026), quarter (2026-Q4) or month (2026-11), Ho Chi Minh City time. "
    "Default: the latest month with ratings.",
}
PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
FIGURES = (
    "Each figure set holds n (ratings counted), satisfied, satisfaction_rate (% of overall answers that are "
    "satisfied or very satisfied), average_total and average_max (points of 18), band and band_label (the "
    "questionnaire version's classification of the average), overall (count per answer), bands (count per "
    "band of single ratings) and criteria (average points per criterion concept, labels of the version in "
    "force). Flagged ratings are not counted until a reviewer accepts them."
)


def results_paths() -> dict[str, Any]:
    """Paths to merge into the API description."""
    rankings = _op(
        "Public ranking of departments (Sở-ngành) and districts (quận-huyện) by satisfaction rate, then average "
        "points, then ratings; agencies without ratings come last with rank null. " + FIGURES,
        "The period, the questionnaire version and its bands, and the rankings by agency type",
        400,
    )
    rankings["parameters"] = [PERIOD, {"name": "type", "in": "query", "schema": {"enum": ["department", "district"]}}]
    agency = _op(
        "Public results of one active agency for a period: figures, trend (12 months, 8 quarters or 5 years), "
        "its units ranked and its 10 procedures with the most ratings. No official is named. " + FIGURES,
        "The agency's results",
        400,
        404,
    )
    agency["parameters"] = [AGENCY_ID, PERIOD]
    procedures = _op(
        "Public results of an agency's procedures for a period, most ratings first", "A page of procedures", 400, 404
    )
    procedures["parameters"] = [AGENCY_ID, PERIOD, *PAGING]
    officials = _op(
        "Results of an agency's officials per stage (receive, process, return) for a period, most ratings first; "
        "needs satisfaction.read over the agency (bearer scope satisfaction:read)",
        "A page of officials: key '<stage>:<official id>', name, stage and figures",
        400,
        401,
        404,
        auth=True,
    )
    officials["parameters"] = [
        AGENCY_ID,
        PERIOD,
        {"name": "stage", "in": "query", "schema": {"enum": ["receive", "process", "return"]}},
        *PAGING,
    ]
    return {
        "/satisfaction/rankings": {"get": rankings},
        "/satisfaction/agencies/{agency_id}": {"get": agency},
        "/satisfaction/agencies/{agency_id}/procedures": {"get": procedures},
        "/satisfaction/agencies/{agency_id}/officials": {"get": officials},
    }
