"""Reading the roll-ups: rankings, an agency's detail, trends — each a few indexed documents."""

from __future__ import annotations

import re
from typing import Any

from formplatform.agencies.models import Agency
from formplatform.models import by_ids
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
UNIT_TYPES = ("department", "district", "ward")  # agencies that handle dossiers and receive ratings


def _eq(**fields: Any) -> dict[str, Any]:
    """Equality filters spelled `$eq`: nx-27017 reads a bare value as "equal or an array containing it", an
    OR no index serves (a full scan of the roll-ups, ~130 ms per 50,000), while `$eq` uses the compound index."""
    return {name: {"$eq": value} for name, value in fields.items()}


def rollup_id(kind: str, agency_id: str, key: str, period: str) -> str:
    return f"{kind}|{agency_id}|{key}|{period}"


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
    return by_ids(Agency.objects.only("id", "code", "name", "type", "parent_id"), ids)


def ranking(period: str, agency_type: str) -> list[dict[str, Any]]:
    """Agencies of one type ranked by satisfaction rate, then average points, then number of ratings.

    Active agencies of the type without ratings in the period come last, unranked.
    """
    scale = Scale(period)
    rows = {
        r["agency_id"]: r
        for r in Rollup.objects(
            __raw__=_eq(kind="agency", period_kind=period_kind(period), period=period, agency_type=agency_type)
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
    # by id: an indexed `_id $in` costs the same whatever the size of the history
    trend_ids = [rollup_id("agency", agency_id, "", key) for key in trend_keys]
    trend_rows = {r["period"]: r for r in Rollup.objects(id__in=trend_ids).as_pymongo()}
    units = list(  # units that are rated: wards of a district (its divisions handle no dossiers)
        Agency.objects(parent_id=agency_id, active=True, type__in=list(UNIT_TYPES)).only("id", "code", "name", "type")
    )
    unit_ids = [rollup_id("agency", u.id, "", period) for u in units]
    unit_rows = {r["agency_id"]: r for r in Rollup.objects(id__in=unit_ids).as_pymongo()} if units else {}
    return {
        "scale": scale,
        "figures": metrics(trend_rows.get(period), scale),
        "trend": [{"period": key, **metrics(trend_rows.get(key), scale)} for key in trend_keys],
        "units": sorted(
            ({"agency": u, **metrics(unit_rows.get(u.id), scale)} for u in units),
            key=lambda e: (e["n"] == 0, -(e["satisfaction_rate"] or 0), e["agency"].code),
        ),
    }


def row_trend(kind: str, agency_id: str, key: str, period: str) -> list[dict[str, Any]]:
    """One official's or procedure's figures over the preceding periods of `period`'s kind (oldest first),
    read by roll-up id: the same number of look-ups whatever the size of the history."""
    scale = Scale(period)
    keys = previous_periods(period, PERIOD_SPAN[period_kind(period) or "month"])
    ids = [rollup_id(kind, agency_id, key, each) for each in keys]
    rows = {r["period"]: r for r in Rollup.objects(id__in=ids).as_pymongo()}
    return [{"period": each, **metrics(rows.get(each), scale)} for each in keys]


def breakdown(
    agency_id: str, kind: str, period: str, *, page: int = 1, per_page: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Officials (per stage) or procedures of an agency in a period, most ratings first, one page."""
    return _page_of(Rollup.objects(__raw__=_eq(agency_id=agency_id, kind=kind, period=period)), period, page, per_page)


def _page_of(query: Any, period: str, page: int, per_page: int) -> tuple[list[dict[str, Any]], int]:
    """One page of roll-up rows, most ratings first. An agency has tens of officials or procedures a period,
    so they are sorted here: nx-27017 answers `count()` by reading every roll-up (seconds)."""
    scale = Scale(period)
    rows = sorted(query.as_pymongo(), key=lambda r: (-r.get("n", 0), r.get("key", "")))
    shown = rows[(page - 1) * per_page : page * per_page]
    return [{"key": r.get("key", ""), "name": r.get("name", ""), **metrics(r, scale)} for r in shown], len(rows)


# Added for the results pages and API (issue 6, results helper): periods to offer, officials by stage.
PERIOD_SPAN = {"month": 12, "quarter": 8, "year": 5}  # trend lengths, as in agency_overview


def latest_period(kind: str, current: str) -> str:
    """The newest period of `kind` (not after `current`) with any agency roll-up, else `current`."""
    found = (
        Rollup.objects(__raw__={**_eq(kind="agency", period_kind=kind), "period": {"$lte": current}})
        .order_by("-period")
        .only("period")
        .limit(1)
        .as_pymongo()
    )
    rows = list(found)
    return rows[0]["period"] if rows else current


def periods_with_data(kind: str, current: str, limit: int = 120) -> list[str]:
    """Periods of `kind` from the earliest with a roll-up up to `current`, newest first (at most `limit`)."""
    rows = list(
        Rollup.objects(__raw__=_eq(kind="agency", period_kind=kind))
        .order_by("period")
        .only("period")
        .limit(1)
        .as_pymongo()
    )
    earliest = min(rows[0]["period"], current) if rows else current
    keys = [key for key in reversed(previous_periods(current, limit)) if key >= earliest]
    return keys or [current]


def official_breakdown(
    agency_id: str, period: str, stage: str = "", *, page: int = 1, per_page: int = 20
) -> tuple[list[dict[str, Any]], int]:
    """Officials of an agency in a period, of one stage ("receive"…) or all, most ratings first, one page."""
    raw = _eq(agency_id=agency_id, kind="official", period=period)
    if stage:  # key "<stage>:<official id>"; an anchored $regex is portable where startswith is not (DESIGN §4)
        raw["key"] = {"$regex": f"^{re.escape(stage)}:"}
    return _page_of(Rollup.objects(__raw__=raw), period, page, per_page)
