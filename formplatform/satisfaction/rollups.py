"""Roll-ups maintained as ratings arrive: one `$inc` per (kind, agency, key, period) counter document.

A counted rating adds to its handling agency and every ancestor below the city (a district's
results include its wards), to each official of each stage, and to its procedure — for its month,
quarter and year. Rankings and detail pages then read a handful of small documents, never the
ratings themselves, so their cost does not grow with history (DESIGN §6).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pymongo import UpdateOne

from formplatform.agencies.models import Agency
from formplatform.satisfaction.models import Rating, Rollup
from formplatform.satisfaction.periods import local_date, period_keys

Increment = tuple[str, dict[str, Any], dict[str, float]]  # (id, fields to set, fields to add)


def rating_increments(rating: dict[str, Any], agency_types: dict[str, str]) -> list[Increment]:
    """What one counted rating adds, as (roll-up id, $set, $inc) triples. Pure.

    `rating` holds the Rating fields (agency_id, lineage, officials, procedure_code, points, total,
    overall, band, created_at); `agency_types` maps agency ids of its lineage to their type.
    """
    adds: dict[str, float] = {"n": 1, "total_sum": float(rating["total"]), "max_sum": float(rating["max"])}
    if rating.get("overall"):
        adds[f"o_{rating['overall']}"] = 1
    if rating.get("band"):
        adds[f"b_{rating['band']}"] = 1
    for slug, points in (rating.get("points") or {}).items():
        adds[f"c_{slug}_sum"] = float(points)
        adds[f"c_{slug}_n"] = 1
    handling = rating["agency_id"]
    targets: list[tuple[str, str, str, dict[str, Any]]] = [
        ("agency", agency, "", {})
        for agency in rating.get("lineage") or [handling]
        if agency_types.get(agency) != "city"
    ]
    names = rating.get("names") or {}
    for stage, official in sorted((rating.get("officials") or {}).items()):
        if official:
            targets.append(("official", handling, f"{stage}:{official}", {"name": names.get(stage) or official}))
    if rating.get("procedure_code"):
        targets.append(("procedure", handling, rating["procedure_code"], {"name": names.get("procedure") or {}}))
    increments = []
    for period_kind, period in period_keys(local_date(rating["created_at"])).items():
        for kind, agency, key, extra in targets:
            fields = {
                "kind": kind,
                "agency_id": agency,
                "agency_type": agency_types.get(agency, ""),
                "key": key,
                "period": period,
                "period_kind": period_kind,
                **extra,
            }
            increments.append((f"{kind}|{agency}|{key}|{period}", fields, dict(adds)))
    return increments


def merge_increments(increments: Iterable[Increment]) -> list[Increment]:
    """Sum the increments that target the same roll-up (bulk loading, rebuilds)."""
    fields: dict[str, dict[str, Any]] = {}
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for rollup_id, to_set, to_add in increments:
        fields[rollup_id] = to_set
        for name, value in to_add.items():
            sums[rollup_id][name] += value
    return [(rollup_id, fields[rollup_id], dict(sums[rollup_id])) for rollup_id in fields]


def write_increments(increments: list[Increment], *, sign: int = 1) -> None:
    """Apply increments with one unordered bulk write of upserts (sign -1 takes a rating back out)."""
    if not increments:
        return
    updates = [
        ({"_id": rollup_id}, {"$set": to_set, "$inc": {name: value * sign for name, value in to_add.items()}})
        for rollup_id, to_set, to_add in increments
    ]
    collection = Rollup._get_collection()
    if type(collection).__module__.startswith("mongomock"):  # its bulk API lags pymongo's UpdateOne
        for selector, change in updates:
            collection.update_one(selector, change, upsert=True)
        return
    collection.bulk_write([UpdateOne(selector, change, upsert=True) for selector, change in updates], ordered=False)


def agency_types_for(agency_ids: Iterable[str]) -> dict[str, str]:
    ids = list(dict.fromkeys(agency_ids))
    return {a.id: a.type for a in Agency.objects(id__in=ids).only("id", "type")}


def rating_fields(rating: Rating) -> dict[str, Any]:
    return {
        "agency_id": rating.agency_id,
        "lineage": list(rating.lineage or []),
        "officials": dict(rating.officials or {}),
        "names": dict(rating.names or {}),
        "procedure_code": rating.procedure_code,
        "points": dict(rating.points or {}),
        "total": rating.total,
        "max": rating.max,
        "overall": rating.overall,
        "band": rating.band,
        "created_at": rating.created_at,
    }


def add_rating(rating: Rating) -> None:
    """Count a rating in its roll-ups, then mark it counted there (see `repair_rollups`)."""
    lineage = list(rating.lineage or [rating.agency_id])
    write_increments(rating_increments(rating_fields(rating), agency_types_for(lineage)))
    Rating.objects(id=rating.id).update_one(set__rolled_up=True)


def remove_rating(rating: Rating) -> None:
    """Take a counted rating back out of its roll-ups (a reviewer rejected it after all)."""
    lineage = list(rating.lineage or [rating.agency_id])
    write_increments(rating_increments(rating_fields(rating), agency_types_for(lineage)), sign=-1)
    Rating.objects(id=rating.id).update_one(set__rolled_up=False)


def rebuild_rollups(batch: int = 5000) -> int:
    """Recompute every roll-up from the counted ratings (recovery; also proves the increments right)."""
    Rollup.objects.delete()
    types = {a.id: a.type for a in Agency.objects.only("id", "type")}
    counted = 0
    pending: list[Increment] = []
    for rating in Rating.objects(status="counted").no_cache():
        pending.extend(rating_increments(rating_fields(rating), types))
        counted += 1
        if len(pending) >= batch:
            write_increments(merge_increments(pending))
            pending = []
    write_increments(merge_increments(pending))
    Rating.objects(status="counted").update(set__rolled_up=True)
    return counted
