"""Reading the roll-ups: rankings, an agency's detail, trends — each a few indexed documents."""

from __future__ import annotations

from typing import Any

from formplatform.agencies.models import Agency
from formplatform.satisfaction.models import Rollup
from formplatform.satisfaction.periods import period_bounds, period_kind, previous_periods
from formplatform.satisfaction.questionnaire import (
    OVERALL_VALUES,
    SATISFIED,
    bands,
    classify,
    criteria,
    version_in_force,
)

RANKED_TYPES = ("department", "district")  # Sở-ngành and quận-huyện (TP Thủ Đức counts as a district)


class Scale:
    """The questionnaire in force for a period: its criteria (by concept) and classification bands."""

    def __init__(self, period: str) -> None:
        version = version_in_force(period_bounds(period)[1])
        self.version = version.number
        self.criteria = criteria(version.definition)
        self.bands = bands(version.definition)


def metrics(row: dict[str, Any] | None, scale: Scale) -> dict[str, Any]:
    """Figures of one roll-up: count, satisfaction rate (% satisfied + very satisfied), averages, band."""
    row = row or {}
    n = int(row.get("n", 0))
    overall = {value: int(row.get(f"o_{value}", 0)) for value in OVERALL_VALUES}
    answered = sum(overall.values())
    average = round(row.get("total_sum", 0) / n, 2) if n else None
    band = classify(average, scale.bands)
    per_criterion = []
    for criterion in scale.criteria:
        count = row.get(f"c_{criterion['slug']}_n", 0)
        mean = row.get(f"c_{criterion['slug']}_sum", 0) / count if count else None
        per_criterion.append({**criterion, "average": round(mean, 2) if mean is not None else None, "n": int(count)})
    return {
        "n": n,
        "satisfied": sum(overall[v] for v in SATISFIED),
        "satisfaction_rate": round(100 * sum(overall[v] for v in SATISFIED) / answered, 1) if answered else None,
        "overall": overall,
        "average_total": average,
        "average_max": round(row.get("max_sum", 0) / n, 2) if n else None,
        "band": band.get("key") if band else None,
        "band_label": band.get("label") if band else None,
        "criteria": per_criterion,
        "bands": {b["key"]: int(row.get(f"b_{b['key']}", 0)) for b in scale.bands},
    }


def _agency_rows(ids: list[str]) -> dict[str, Agency]:
    return {a.id: a for a in Agency.objects(id__in=ids).only("id", "code", "name", "type", "parent_id")}


def ranking(period: str, agency_type: str) -> list[dict[str, Any]]:
    """Agencies of one type ranked by satisfaction rate, then average points, then number of ratings.

    Active agencies of the type without ratings in the period come last, unranked.
    """
    scale = Scale(period)
    rows = {
        r["agency_id"]: r
        for r in Rollup.objects(
            kind="agency", period_kind=period_kind(period), period=period, agency_type=agency_type
        ).as_pymongo()
    }
    agencies = {a.id: a for a in Agency.objects(type=agency_type, active=True).only("id", "code", "name", "type")}
    agencies.update(_agency_rows([i for i in rows if i not in agencies]))
    entries = [{"agency": agencies[i], **metrics(rows.get(i), scale)} for i in agencies]
    entries.sort(
        key=lambda e: (
            e["n"] == 0,
            -(e["satisfaction_rate"] or 0),
            -(e["average_total"] or 0),
            -e["n"],
            e["agency"].code,
        )
    )
    rank = 0
    for entry in entries:
        rank = rank + 1 if entry["n"] else rank
        entry["rank"] = rank if entry["n"] else None
    return entries


def agency_overview(agency_id: str, period: str) -> dict[str, Any]:
    """One agency in one period: its figures, the trend over the preceding periods and its units."""
    scale = Scale(period)
    kind = period_kind(period)
    trend_keys = previous_periods(period, {"month": 12, "quarter": 8, "year": 5}[kind or "month"])
    trend_rows = {
        r["period"]: r for r in Rollup.objects(agency_id=agency_id, kind="agency", period__in=trend_keys).as_pymongo()
    }
    units = list(Agency.objects(parent_id=agency_id, active=True).only("id", "code", "name", "type"))
    unit_rows = {
        r["agency_id"]: r
        for r in Rollup.objects(kind="agency", period=period, agency_id__in=[u.id for u in units]).as_pymongo()
    }
    return {
        "scale": scale,
        "figures": metrics(trend_rows.get(period), scale),
        "trend": [{"period": key, **metrics(trend_rows.get(key), scale)} for key in trend_keys],
        "units": sorted(
            ({"agency": u, **metrics(unit_rows.get(u.id), scale)} for u in units),
            key=lambda e: (e["n"] == 0, -(e["satisfaction_rate"] or 0), e["agency"].code),
        ),
    }


def breakdown(
    agency_id: str, kind: str, period: str, *, page: int = 1, per_page: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Officials (per stage) or procedures of an agency in a period, most ratings first, one page."""
    scale = Scale(period)
    query = Rollup.objects(agency_id=agency_id, kind=kind, period=period)
    total = query.count()
    rows = list(query.order_by("-n", "key").skip((page - 1) * per_page).limit(per_page).as_pymongo())
    return [{"key": r.get("key", ""), "name": r.get("name", ""), **metrics(r, scale)} for r in rows], total
