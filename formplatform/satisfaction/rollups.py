"""Roll-ups maintained as ratings arrive: one `$inc` per (kind, agency, key, period) counter document.

A counted rating adds to its handling agency and every ancestor below the city (a district's
results include its wards): to the agency's figures, to each official of each stage and to its
procedure as listed under that agency — for its month, quarter and year. So every figure shown for
an agency covers the same ratings. Rankings and detail pages then read a handful of small documents, never the
ratings themselves, so their cost does not grow with history (DESIGN §6).

Counting is exactly once without transactions. A rating is first *claimed* with one conditional
update (not counted, not being counted → a pass marker and the claim time). Each roll-up is then
incremented by an update conditional on that pass's marker field being absent there, which sets it:
repeating the pass adds nothing where it already added. Only then is the rating marked counted and
the markers removed. A pass that dies halfway leaves a claim that goes stale after CLAIM_LEASE; the
repair task (tasks.repair_uncounted) takes it over, keeping its marker, and completes it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import UpdateOne

from formplatform.agencies.models import Agency
from formplatform.models import FormVersion, PlatformState, new_id, utcnow
from formplatform.satisfaction.models import Rating, Rollup
from formplatform.satisfaction.periods import local_date, period_keys
from formplatform.services.tallies import add_tallies, count_submission

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
    agencies = [agency for agency in rating.get("lineage") or [handling] if agency_types.get(agency) != "city"]
    names = rating.get("names") or {}
    # every figure of an agency covers the same ratings, its own and its units': the headline, and the
    # officials and procedures listed under it (a district lists its wards' officials and procedures too)
    targets: list[tuple[str, str, str, dict[str, Any]]] = []
    for agency in agencies:
        targets.append(("agency", agency, "", {}))
        for stage, official in sorted((rating.get("officials") or {}).items()):
            if official:
                targets.append(("official", agency, f"{stage}:{official}", {"name": names.get(stage) or official}))
        if rating.get("procedure_code"):
            targets.append(("procedure", agency, rating["procedure_code"], {"name": names.get("procedure") or {}}))
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


def _bulk_update(updates: list[tuple[dict[str, Any], dict[str, Any]]], *, upsert: bool) -> None:
    """One unordered bulk write of single-document updates."""
    if not updates:
        return
    collection = Rollup._get_collection()
    if type(collection).__module__.startswith("mongomock"):  # its bulk API lags pymongo's UpdateOne
        for selector, change in updates:
            collection.update_one(selector, change, upsert=upsert)
        return
    collection.bulk_write([UpdateOne(selector, change, upsert=upsert) for selector, change in updates], ordered=False)


def write_increments(increments: list[Increment], *, sign: int = 1) -> None:
    """Apply increments with one unordered bulk write of upserts (sign -1 takes a rating back out)."""
    _bulk_update(
        [
            ({"_id": rollup_id}, {"$set": to_set, "$inc": {name: value * sign for name, value in to_add.items()}})
            for rollup_id, to_set, to_add in increments
        ],
        upsert=True,
    )


def write_marked_increments(increments: list[Increment], marker: str) -> None:
    """Apply increments once per marker: each roll-up takes them only if it does not carry the marker yet."""
    _bulk_update([({"_id": rollup_id}, {"$set": to_set}) for rollup_id, to_set, _ in increments], upsert=True)
    _bulk_update(
        [
            ({"_id": rollup_id, marker: {"$exists": False}}, {"$inc": dict(to_add), "$set": {marker: 1}})
            for rollup_id, _, to_add in increments
        ],
        upsert=False,  # the document exists now; a miss means this pass already counted here
    )


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


CLAIM_LEASE = 600  # seconds after which a pass that has not finished is presumed dead and may be taken over


@dataclass(frozen=True)
class Claim:
    """The right to count one rating: its pass marker and the claim time (epoch seconds)."""

    marker: str
    since: int


def _epoch(moment: datetime | None) -> int:
    """Seconds since 1970 of a naive UTC datetime (now by default)."""
    return int(((moment or utcnow()) - datetime(1970, 1, 1)).total_seconds())


def claim_rating(rating: Rating, now: datetime | None = None) -> Claim | None:
    """Claim a counted, not yet rolled-up rating: a fresh claim, or a stale one taken over; else None."""
    since = _epoch(now)
    pending = Rating.objects(id=rating.id, status="counted", rolled_up=False)
    if not rating.counting:
        claim = Claim(f"m_{new_id()}", since)
        won = pending.filter(counting=None).update_one(set__counting=claim.marker, set__counting_since=since)
    elif (rating.counting_since or 0) < since - CLAIM_LEASE:
        claim = Claim(rating.counting, since)  # same marker: what the dead pass added is not added again
        won = pending.filter(counting=rating.counting, counting_since=rating.counting_since).update_one(
            set__counting_since=since
        )
    else:
        return None
    return claim if won else None


def add_rating(rating: Rating, now: datetime | None = None, tallies: Counter[str] | None = None) -> bool:
    """Count a rating in its roll-ups exactly once; False if it is counted already or by another pass.

    A rating stored `untallied` is also added to its version's submission tally: into `tallies` (version id ->
    ratings) for the caller to write once per version (`add_tallies`), or at once without it."""
    claim = claim_rating(rating, now)
    if claim is None:
        return False
    lineage = list(rating.lineage or [rating.agency_id])
    increments = merge_increments(rating_increments(rating_fields(rating), agency_types_for(lineage)))
    write_marked_increments(increments, claim.marker)
    if finish_count(rating.id, claim, [rollup_id for rollup_id, _, _ in increments]) and rating.untallied:
        version_id = FormVersion.make_id(rating.form_key, rating.version)
        if tallies is None:
            count_submission(version_id)
        else:
            tallies[version_id] += 1
    return True


def finish_count(rating_id: str, claim: Claim, rollup_ids: list[str]) -> bool:
    """Mark the rating counted (if the claim is still ours), then drop the pass marker from its roll-ups."""
    done = Rating.objects(id=rating_id, counting=claim.marker, counting_since=claim.since).update_one(
        set__rolled_up=True,
        unset__counting=True,
        unset__counting_since=True,
        unset__to_count=True,
        unset__untallied=True,
    )
    if done:  # after a takeover the new holder cleans up, once it is sure every roll-up carries the marker
        Rollup._get_collection().update_many({"_id": {"$in": rollup_ids}}, {"$unset": {claim.marker: ""}})
    return bool(done)


def remove_rating(rating: Rating) -> None:
    """Take a counted rating back out of its roll-ups (a reviewer rejected it after all)."""
    lineage = list(rating.lineage or [rating.agency_id])
    write_increments(rating_increments(rating_fields(rating), agency_types_for(lineage)), sign=-1)
    Rating.objects(id=rating.id).update_one(set__rolled_up=False)


# The shape of the roll-ups (what a rating adds where). Version 2: officials and procedures are listed under
# every agency of the lineage, as the headline figures are. A database recorded with an older layout (or
# with roll-ups but no record) is rebuilt once by the scheduler's "ratings.check" job (ensure_layout).
LAYOUT = 2
LAYOUT_ID = "satisfaction_rollups.layout"


def ensure_layout() -> int | None:
    """Rebuild the roll-ups if they were made with an older layout; the ratings recounted, or None."""
    marker = PlatformState.objects(id=LAYOUT_ID).first()
    if marker is not None and marker.version == LAYOUT:
        return None
    if marker is None and Rollup.objects.only("id").first() is None:
        mark_layout()  # nothing counted yet: nothing to rebuild
        return None
    return rebuild_rollups()


def mark_layout() -> None:
    """Record that the roll-ups follow the current layout (after writing them all from scratch)."""
    PlatformState.objects(id=LAYOUT_ID).update_one(set__version=LAYOUT, upsert=True)


def rebuild_rollups(batch: int = 5000) -> int:
    """Recompute every roll-up from the counted ratings (recovery; also proves the increments right)."""
    Rollup.objects.delete()
    mark_layout()
    types = {a.id: a.type for a in Agency.objects.only("id", "type")}
    counted = 0
    pending: list[Increment] = []
    tallies: Counter[str] = Counter()
    for rating in Rating.objects(status="counted").no_cache():
        pending.extend(rating_increments(rating_fields(rating), types))
        if rating.untallied:
            tallies[FormVersion.make_id(rating.form_key, rating.version)] += 1
        counted += 1
        if len(pending) >= batch:
            write_increments(merge_increments(pending))
            pending = []
    write_increments(merge_increments(pending))
    add_tallies(tallies)
    Rating.objects(status="counted").update(
        set__rolled_up=True,
        unset__counting=True,
        unset__counting_since=True,
        unset__to_count=True,
        unset__untallied=True,
    )
    return counted
