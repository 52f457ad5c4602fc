"""REST API v1: satisfaction results. Rankings, an agency's figures and its procedures are public (they are
published on /satisfaction anyway); officials by name need satisfaction.read over the agency (a session, or a
bearer token with the satisfaction:read scope)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from pydantic import BaseModel, Field

from formplatform.apispec import AUTH, CountedPage, Open, Paging, api, ok, paging
from formplatform.auth import current_principal
from formplatform.errors import BadRequest
from formplatform.models import utcnow
from formplatform.permissions import require
from formplatform.satisfaction import api_bp
from formplatform.satisfaction.models import STAGES
from formplatform.satisfaction.periods import current_period
from formplatform.satisfaction.results import (
    RANKED_TYPES,
    Scale,
    agency_overview,
    breakdown,
    latest_period,
    official_breakdown,
    ranking,
)
from formplatform.satisfaction.results_pages import TOP_PROCEDURES, public_agency, valid_period


class RankingsQuery(BaseModel):
    period: str | None = Field(
        None,
        description=(
            "A year (2026), quarter (2026-Q4) or month (2026-11), Ho Chi Minh City time. Default: the latest "
            "month with ratings."
        ),
    )
    type: str | None = Field(None, max_length=64, description="One of: department, district.")


class AgencyResultsQuery(BaseModel):
    period: str | None = Field(
        None,
        description=(
            "A year (2026), quarter (2026-Q4) or month (2026-11), Ho Chi Minh City time. Default: the latest "
            "month with ratings."
        ),
    )


class AgencyProceduresQuery(Paging):
    period: str | None = Field(
        None,
        description=(
            "A year (2026), quarter (2026-Q4) or month (2026-11), Ho Chi Minh City time. Default: the latest "
            "month with ratings."
        ),
    )


class AgencyOfficialsQuery(Paging):
    period: str | None = Field(
        None,
        description=(
            "A year (2026), quarter (2026-Q4) or month (2026-11), Ho Chi Minh City time. Default: the latest "
            "month with ratings."
        ),
    )
    stage: str | None = Field(None, max_length=64, description="One of: receive, process, return.")


def _period() -> str:
    """?period=, or the latest month with ratings; 400 on anything that is not a period."""
    asked = request.args.get("period")
    if asked is None or asked == "":
        return latest_period("month", current_period("month", utcnow()))
    period = valid_period(asked)
    if period is None:
        raise BadRequest("bad_period")
    return period


def figures_record(figures: dict[str, Any]) -> dict[str, Any]:
    """The published figures of one roll-up (results.metrics), labels in both languages."""
    return {
        "n": figures["n"],
        "satisfied": figures["satisfied"],
        "satisfaction_rate": figures["satisfaction_rate"],
        "average_total": figures["average_total"],
        "average_max": figures["average_max"],
        "band": figures["band"],
        "band_label": dict(figures["band_label"] or {}) or None,
        "overall": figures["overall"],
        "bands": figures["bands"],
        "criteria": [
            {"concept": c["concept"], "label": dict(c["label"]), "average": c["average"], "max": c["max"], "n": c["n"]}
            for c in figures["criteria"]
        ],
    }


def agency_record(agency: Any) -> dict[str, Any]:
    return {"id": agency.id, "code": agency.code, "name": dict(agency.name), "type": agency.type}


def scale_record(scale: Scale) -> dict[str, Any]:
    return {
        "version": scale.version,
        "bands": [{"key": b["key"], "min": b.get("min"), "label": dict(b.get("label") or {})} for b in scale.bands],
    }


@api_bp.get("/satisfaction/rankings")
@api.validate(query=RankingsQuery, resp=ok(Open), tags=["satisfaction"])
def api_rankings() -> Any:
    """Public ranking of departments (Sở-ngành) and districts (quận-huyện) by satisfaction rate, then average points,
    then ratings; agencies without ratings come last with rank null. Each figure set holds n (ratings counted),
    satisfied, satisfaction_rate (% of overall answers that are satisfied or very satisfied), average_total and
    average_max (points of 18), band and band_label (the questionnaire version's classification of the average),
    overall (count per answer), bands (count per band of single ratings) and criteria (average points per criterion
    concept, labels of the version in force). Flagged ratings are not counted until a reviewer accepts them.
    """
    period = _period()
    kind = request.args.get("type")
    if kind not in (None, "", *RANKED_TYPES):
        raise BadRequest("bad_ranking_type")
    kinds = [kind] if kind else list(RANKED_TYPES)
    rankings = {
        k: [{"rank": e["rank"], "agency": agency_record(e["agency"]), **figures_record(e)} for e in ranking(period, k)]
        for k in kinds
    }
    return jsonify({"period": period, "questionnaire": scale_record(Scale(period)), "rankings": rankings})


@api_bp.get("/satisfaction/agencies/<agency_id>")
@api.validate(query=AgencyResultsQuery, resp=ok(Open), tags=["satisfaction"])
def api_agency_results(agency_id: str) -> Any:
    """Public results of one active agency for a period: figures, trend (12 months, 8 quarters or 5 years), its units
    ranked and its 10 procedures with the most ratings. No official is named. Each figure set holds n (ratings
    counted), satisfied, satisfaction_rate (% of overall answers that are satisfied or very satisfied),
    average_total and average_max (points of 18), band and band_label (the questionnaire version's classification of
    the average), overall (count per answer), bands (count per band of single ratings) and criteria (average points
    per criterion concept, labels of the version in force). Flagged ratings are not counted until a reviewer accepts
    them.
    """
    agency = public_agency(agency_id)
    period = _period()
    overview = agency_overview(agency.id, period)
    procedures, total = breakdown(agency.id, "procedure", period, per_page=TOP_PROCEDURES)
    return jsonify(
        {
            "agency": agency_record(agency),
            "period": period,
            "questionnaire": scale_record(overview["scale"]),
            "figures": figures_record(overview["figures"]),
            "trend": [{"period": t["period"], **figures_record(t)} for t in overview["trend"]],
            "units": [{"agency": agency_record(u["agency"]), **figures_record(u)} for u in overview["units"]],
            "top_procedures": [_row(p, "code") for p in procedures],
            "procedure_count": total,
        }
    )


def _row(row: dict[str, Any], key_name: str) -> dict[str, Any]:
    name = row.get("name")
    return {key_name: row["key"], "name": dict(name) if isinstance(name, dict) else name, **figures_record(row)}


@api_bp.get("/satisfaction/agencies/<agency_id>/procedures")
@api.validate(query=AgencyProceduresQuery, resp=ok(CountedPage), tags=["satisfaction"])
def api_agency_procedures(agency_id: str) -> Any:
    """Public results of an agency's procedures for a period, most ratings first"""
    agency = public_agency(agency_id)
    period = _period()
    page, per_page = paging()
    rows, total = breakdown(agency.id, "procedure", period, page=page, per_page=per_page)
    items = [_row(r, "code") for r in rows]
    return jsonify({"period": period, "items": items, "total": total, "page": page, "per_page": per_page})


@api_bp.get("/satisfaction/agencies/<agency_id>/officials")
@api.validate(query=AgencyOfficialsQuery, resp=ok(CountedPage), tags=["satisfaction"], security=AUTH)
def api_agency_officials(agency_id: str) -> Any:
    """Results of an agency's officials per stage (receive, process, return) for a period, most ratings first; needs
    satisfaction.read over the agency (bearer scope satisfaction:read)
    """
    agency = public_agency(agency_id)
    require(current_principal(), "satisfaction.read", agency.id, hide=True)
    period = _period()
    stage = request.args.get("stage", "")
    if stage not in ("", *STAGES):
        raise BadRequest("bad_stage")
    page, per_page = paging()
    rows, total = official_breakdown(agency.id, period, stage, page=page, per_page=per_page)
    items = []
    for row in rows:
        official_stage, _, official_id = row["key"].partition(":")
        items.append({**_row(row, "key"), "stage": official_stage, "official_id": official_id})
    counts = {"total": total, "page": page, "per_page": per_page}
    return jsonify({"period": period, "stage": stage or None, "items": items, **counts})
