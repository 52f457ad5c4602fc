"""Helpers for the dashboard tests: a two-version KPI sheet whose v2 renames its grid and a field (same
concepts) and adds a row, KPI reports in any state, and satisfaction roll-ups written like live intake."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from tests.fixtures.definitions import t

KPI_KEY = "kpi-test"


def kpi_v1() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "key": KPI_KEY,
        "kind": "kpi_sheet",
        "title": t("Chỉ tiêu thử", "Test KPI sheet"),
        "fields": [
            {"type": "integer", "name": "staff", "concept": "kpi.staff", "label": t("Số cán bộ", "Staff")},
            {
                "type": "grid",
                "name": "figures",
                "concept": "kpi.figures",
                "label": t("Chỉ tiêu", "Indicators"),
                "rows": [
                    {"key": "grdp", "label": t("Tăng trưởng GRDP", "GRDP growth")},
                    {"key": "jobs", "label": t("Việc làm", "Jobs")},
                ],
                "columns": [
                    {"name": "plan", "type": "decimal", "label": t("Kế hoạch", "Plan"), "decimals": 2},
                    {"name": "actual", "type": "decimal", "label": t("Thực hiện", "Actual"), "decimals": 2},
                    {"name": "note", "type": "text", "label": t("Ghi chú", "Note")},
                ],
            },
        ],
    }


def kpi_v2() -> dict[str, Any]:
    """v1 with the grid renamed `indicators` and `staff` renamed `headcount` (concepts kept), a row added."""
    definition = copy.deepcopy(kpi_v1())
    staff, grid = definition["fields"]
    staff["name"] = "headcount"
    grid["name"] = "indicators"
    grid["rows"].append({"key": "visitors", "label": t("Khách quốc tế", "International visitors")})
    return definition


def publish_kpi(owner: str) -> None:
    from formplatform.services.forms import publish_form, save_draft

    for definition in (kpi_v1(), kpi_v2()):
        save_draft(KPI_KEY, definition, None, owner_agency_id=owner)
        publish_form(KPI_KEY, None, confirm_breaking=True)


def kpi_campaign(owner: str, agency_ids: list[str], version: int = 1) -> Any:
    from formplatform.reporting.models import Campaign

    campaign = Campaign(
        name=t("Chỉ tiêu thử hằng tháng", "Monthly test KPI"),
        form_key=KPI_KEY,
        version=version,
        period_type="month",
        deadline={"type": "day_of_month", "day": 25},
        agency_ids=agency_ids,
        owner_agency_id=owner,
        starts_on=datetime(2026, 8, 15),
    )
    campaign.save()
    return campaign


def kpi_report(campaign: Any, agency_id: str, month: int, version: int, state: str, actual: float, staff: int) -> Any:
    """A report of 2026-M<month> filed on `version`, its data named as that version names its fields."""
    from formplatform.reporting.models import Report
    from formplatform.services.forms import get_version

    grid, count = ("figures", "staff") if version == 1 else ("indicators", "headcount")
    received = state in ("submitted", "accepted")
    report = Report(
        campaign_id=campaign.id,
        form_key=KPI_KEY,
        version=version,
        version_hash=get_version(KPI_KEY, version).hash,
        agency_id=agency_id,
        owner_agency_id=campaign.owner_agency_id,
        period_key=f"2026-M{month:02d}",
        period_start=datetime(2026, month - 1, 15),
        period_end=datetime(2026, month, 14),
        deadline=datetime(2026, month, 25, 16, 59),
        state=state,
        submitted_at=datetime(2026, month, 20) if received else None,
        on_time=True if received else None,
        data={count: staff, grid: {"grdp": {"plan": 8.0, "actual": actual}, "jobs": {"plan": 100, "actual": 40}}},
    )
    report.save(force_insert=True)
    return report


def rollups(agency_ids: list[str], month: str, overall: list[str], points: int = 2) -> None:
    """Roll-ups of one rating per overall verdict for a handling agency (its lineage gets them too)."""
    from formplatform.agencies.models import Agency
    from formplatform.satisfaction.questionnaire import criteria, version_in_force
    from formplatform.satisfaction.rollups import agency_types_for, rating_increments, write_increments

    version = version_in_force(datetime(2026, 11, 1).date())
    slugs = [c["slug"] for c in criteria(version.definition)]
    for agency_id in agency_ids:
        lineage = Agency.objects(id=agency_id).first().lineage
        types = agency_types_for(lineage)
        for verdict in overall:
            rating = {
                "agency_id": agency_id,
                "lineage": lineage,
                "points": dict.fromkeys(slugs, points),
                "total": points * len(slugs),
                "max": 2 * len(slugs),
                "overall": verdict,
                "band": "",
                "created_at": datetime.strptime(f"{month}-10 03:00", "%Y-%m-%d %H:%M"),
            }
            write_increments(rating_increments(rating, types))
