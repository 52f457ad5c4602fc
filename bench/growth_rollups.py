"""Roll-up increments of bulk-loaded ratings for bench/growth.py, as live intake would have written them.

`MonthRollups` gives what `merge_increments(rating_increments(r) for r in ratings)` gives, at a fraction of
the cost: ratings that share every roll-up field (agency, lineage, officials, procedure, answers, local
month) are counted once with a multiplicity, each into its month-level targets, which are then copied to
their quarter and year. `same_as_platform` proves it against the platform's own functions (ids, $set
fields, sums and even the order of the summed fields, which decides the stored documents' field order).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from formplatform.satisfaction.periods import local_date, period_keys
from formplatform.satisfaction.rollups import merge_increments, rating_increments


class MonthRollups:
    def __init__(self, types: dict[str, str]) -> None:
        self.types = types
        self.sums: dict[tuple[str, str, str, str], dict[str, float]] = {}
        self.fields: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def add(self, rating: dict[str, Any], times: int = 1) -> None:
        """Count `times` ratings that carry these roll-up fields (the order of calls is the order of arrival)."""
        adds: dict[str, float] = {"n": 1, "total_sum": float(rating["total"]), "max_sum": float(rating["max"])}
        if rating.get("overall"):
            adds[f"o_{rating['overall']}"] = 1
        if rating.get("band"):
            adds[f"b_{rating['band']}"] = 1
        for slug, points in (rating.get("points") or {}).items():
            adds[f"c_{slug}_sum"] = float(points)
            adds[f"c_{slug}_n"] = 1
        month = period_keys(local_date(rating["created_at"]))["month"]
        handling, names = rating["agency_id"], rating.get("names") or {}
        targets: list[tuple[str, str, str, dict[str, Any]]] = []
        for agency in [a for a in rating.get("lineage") or [handling] if self.types.get(a) != "city"]:
            targets.append(("agency", agency, "", {}))
            for stage, official in sorted((rating.get("officials") or {}).items()):
                if official:
                    targets.append(("official", agency, f"{stage}:{official}", {"name": names.get(stage) or official}))
            if rating.get("procedure_code"):
                targets.append(("procedure", agency, rating["procedure_code"], {"name": names.get("procedure") or {}}))
        for kind, agency, key, extra in targets:
            target = (kind, agency, key, month)
            self.fields[target] = extra
            sums = self.sums.setdefault(target, {})
            for name, value in adds.items():
                sums[name] = sums.get(name, 0.0) + value * times

    def increments(self) -> list[Any]:
        out = []
        for target, sums in self.sums.items():
            kind, agency, key, month = target
            for period_kind, period in period_keys(date.fromisoformat(f"{month}-01")).items():
                fields = {"kind": kind, "agency_id": agency, "agency_type": self.types.get(agency, ""), "key": key}
                fields.update(period=period, period_kind=period_kind, **self.fields[target])
                out.append((f"{kind}|{agency}|{key}|{period}", fields, dict(sums)))
        return merge_increments(out)


def same_as_platform(ratings: list[dict[str, Any]], types: dict[str, str], mine: list[Any]) -> None:
    """Raise unless `mine` holds exactly the platform's increments for these ratings."""
    theirs = {i: (f, s) for i, f, s in merge_increments(inc for r in ratings for inc in rating_increments(r, types))}
    ours = {i: (f, s) for i, f, s in mine}
    same = theirs.keys() == ours.keys() and all(
        theirs[i] == ours[i] and list(theirs[i][1]) == list(ours[i][1]) for i in theirs
    )
    if not same:
        raise AssertionError("roll-up increments differ from rating_increments + merge_increments")
