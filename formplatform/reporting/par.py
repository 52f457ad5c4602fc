"""PAR index (Chỉ số CCHC): self and verified scores per area, exempt areas, rescaling to 100, ranking.

A scored item is a pair of fields in the same area: `<item>_self` (the agency's score, with
`score_max`) and `<item>_verified` (the reviewer's, `fill_by: reviewer`). Areas are the top-level
sections holding such items. An agency exempt from an area is assessed on the others only, rescaled
to 100: index = verified total / maximum of the non-exempt areas × 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from form_definitions.problems import Problem
from form_definitions.walk import data_fields
from formplatform.agencies.models import Agency
from formplatform.errors import Invalid
from formplatform.models import by_ids
from formplatform.permissions import Principal, scope_filter
from formplatform.reporting.models import Campaign, Report, eq
from formplatform.reporting.workflow_data import content
from formplatform.services.forms import get_version
from i18n.text import localize


@dataclass(frozen=True)
class ParItem:
    """One scored item: its area, the agency's and the reviewer's field, and its maximum."""

    area: str
    key: str  # "s1_1_1"
    self_name: str
    verified_name: str
    maximum: float
    label: dict[str, str]


def _round(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def par_items(definition: dict[str, Any]) -> list[ParItem]:
    """Every scored item, in the order of the form."""
    items = []
    for area in definition.get("fields") or []:
        if not isinstance(area, dict) or area.get("type") != "section" or not area.get("name"):
            continue
        fields = {f["name"]: f for f in data_fields(area.get("fields") or []) if f.get("name")}
        for name, spec in fields.items():
            if not name.endswith("_verified") or spec.get("fill_by") != "reviewer":
                continue
            key = name.removesuffix("_verified")
            own = fields.get(f"{key}_self")
            if own is None or _number(own.get("score_max")) is None:
                continue
            items.append(ParItem(area["name"], key, own["name"], name, float(own["score_max"]), own.get("label") or {}))
    return items


def par_areas(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The areas holding scored items: name and bilingual label, in form order."""
    names = {item.area for item in par_items(definition)}
    return [
        {"name": f["name"], "label": f.get("label") or {}}
        for f in definition.get("fields") or []
        if isinstance(f, dict) and f.get("name") in names
    ]


def check_exempt_areas(definition: dict[str, Any], areas: Any) -> list[str]:
    """Exempt area names, checked against the definition (422 for anything else)."""
    known = {a["name"] for a in par_areas(definition)}
    if not isinstance(areas, list) or not all(isinstance(a, str) for a in areas):
        raise Invalid([Problem("exempt_areas", "type", {"expected": "array"})])
    unknown = [a for a in areas if a not in known]
    if unknown:
        raise Invalid([Problem(f"exempt_areas.{a}", "not_an_area") for a in unknown])
    return [a["name"] for a in par_areas(definition) if a["name"] in areas]


def _sum(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return _round(sum(present)) if present else None


def par_scores(
    definition: dict[str, Any], data: dict[str, Any], exempt_areas: list[str] | None = None
) -> dict[str, Any]:
    """Per-area and total self/verified scores and the index out of 100 over the non-exempt areas."""
    exempt = set(exempt_areas or [])
    items = par_items(definition)
    areas = []
    for area in par_areas(definition):
        mine = [i for i in items if i.area == area["name"]]
        areas.append(
            {
                "name": area["name"],
                "label": area["label"],
                "self": _sum([_number(data.get(i.self_name)) for i in mine]),
                "verified": _sum([_number(data.get(i.verified_name)) for i in mine]),
                "max": _round(sum(i.maximum for i in mine)),
                "exempt": area["name"] in exempt,
            }
        )
    counted = [a for a in areas if not a["exempt"]]
    maximum = _round(sum(a["max"] for a in counted))
    self_total = _sum([a["self"] for a in counted])
    verified_total = _sum([a["verified"] for a in counted])

    def index(total: float | None) -> float | None:
        return _round(total / maximum * 100) if total is not None and maximum else None

    return {
        "areas": areas,
        "self_total": self_total,
        "verified_total": verified_total,
        "max_total": maximum,
        "index_100": index(verified_total),
        "self_index_100": index(self_total),
    }


def item_rows(definition: dict[str, Any], data: dict[str, Any], locale: str) -> list[dict[str, Any]]:
    """Each item with its label, self and verified score and maximum (the reviewer's scoring table)."""
    return [
        {
            "area": i.area,
            "key": i.key,
            "label": localize(i.label, locale),
            "self": _number(data.get(i.self_name)),
            "verified": _number(data.get(i.verified_name)),
            "verified_name": i.verified_name,
            "self_name": i.self_name,
            "max": i.maximum,
        }
        for i in par_items(definition)
    ]


def par_view(definition: dict[str, Any], report: Report, locale: str) -> dict[str, Any] | None:
    """What a report page shows of a PAR assessment: area scores, and each item with the reviewer's comment."""
    if not par_items(definition):
        return None
    review = report.review or {}
    data, comments = content(report), review.get("comments") or {}
    items = [
        {**row, "comment": comments.get(row["self_name"]) or comments.get(row["verified_name"]) or ""}
        for row in item_rows(definition, data, locale)
    ]
    return {"scores": par_scores(definition, data, review.get("exempt_areas") or []), "items": items}


def rank(rows: list[dict[str, Any]], key: str = "index_100") -> list[dict[str, Any]]:
    """Rows with a value sorted by `key`, highest first, each with a `rank`; equal values share one (1, 1, 3)."""
    ordered = sorted((r for r in rows if r[key] is not None), key=lambda r: -r[key])
    for position, row in enumerate(ordered, start=1):
        tied = position > 1 and row[key] == ordered[position - 2][key]
        row["rank"] = ordered[position - 2]["rank"] if tied else position
    return ordered


def period_ranking(campaign: Campaign, period_key: str, principal: Principal | None) -> dict[str, Any]:
    """Accepted reports of a campaign period ranked by verified index; rows limited to the caller's scope.

    Ranks are computed over every agency of the period, so an agency sees its true place even when
    it may only see its own row. Reports not yet accepted are listed apart, without a rank.
    """
    restriction = scope_filter(principal, "compliance.read")
    query = eq(campaign_id=campaign.id, period_key=period_key)
    reports = list(Report.objects(__raw__=query).order_by("agency_id"))
    rows, pending = [], []
    for report in reports:
        if report.state != "accepted":
            pending.append(report)
            continue
        definition = get_version(report.form_key, report.version).definition
        scores = par_scores(definition, content(report), (report.review or {}).get("exempt_areas"))
        rows.append({"report": report, **scores})
    ranked = rank(rows)
    unscored = [r for r in rows if r["index_100"] is None]
    visible = None if restriction is None else set(restriction["agency_id"]["$in"])
    agencies = by_ids(Agency.objects.only("id", "name", "code"), (r.agency_id for r in reports))

    def shown(items: list[Any], agency_of: Any) -> list[Any]:
        return [i for i in items if visible is None or agency_of(i) in visible]

    return {
        "ranked": shown(ranked, lambda r: r["report"].agency_id),
        "unscored": shown(unscored, lambda r: r["report"].agency_id),
        "pending": shown(pending, lambda r: r.agency_id),
        "agencies": agencies,
        "total": len(ranked),
    }
