"""A report's header from its campaign and period: agency, period type, number, year, bounds, deadline.

The values come from the report itself (agency, period key and bounds, deadline were fixed when the
period opened), so they cost no query but the agency's name. Fields with `prefill` receive them on
every save and submit, whatever the client sent (form_definitions.prefill).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from form_definitions.prefill import apply_prefill, prefilled_fields
from formplatform.agencies.models import Agency
from formplatform.reporting.models import Report
from formplatform.reporting.periods import VN_OFFSET, parse_key


def _day(moment: Any) -> date | None:
    return moment.date() if isinstance(moment, datetime) else None


def official_name(agency: Agency) -> str:
    """The agency's official (Vietnamese) name, English when it has none: what the signed report names."""
    names = agency.name or {}
    return str(names.get("vi") or names.get("en") or "")


def agency_name(agency_id: str) -> str | None:
    agency = Agency.objects(id=agency_id).only("name").first()
    return (official_name(agency) or None) if agency is not None else None


def header_values(report: Report, name: str | None = None) -> dict[str, Any]:
    """Each prefill source's value for this report; `name` is the agency's, when already known."""
    start, end = _day(report.period_start), _day(report.period_end)
    deadline = (report.deadline + VN_OFFSET).date() if isinstance(report.deadline, datetime) else None
    try:
        year, kind, number = parse_key(report.period_key)
    except ValueError:  # a one-off period: no type letter, no number; its year is the year it ends
        year, kind, number = (end.year if end else None), "once", None
    return {
        "campaign.agency_name": name if name is not None else agency_name(report.agency_id),
        "period.type": kind,
        "period.number": number,
        "period.year": year,
        "period.start": start.isoformat() if start else None,
        "period.end": end.isoformat() if end else None,
        "period.deadline": deadline.isoformat() if deadline else None,
    }


def with_header(definition: dict[str, Any], data: Any, report: Report, name: str | None = None) -> Any:
    """`data` with the prefilled fields set from the report's campaign and period (others untouched)."""
    if not prefilled_fields(definition):
        return data
    return apply_prefill(definition, data, header_values(report, name))
