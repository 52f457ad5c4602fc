"""The span of reporting periods a dashboard reads: by the month each period ends in, bounded.

Default: the 12 months up to the current one, so a dashboard reads a bounded slice of reports whatever
the length of the history (DESIGN §6). At most MAX_PERIODS periods are shown, the most recent ones.

The span is read per campaign as a range of period keys ("2025-M12" … "2026-M11"), computed from the
campaign's period type and cut-off: the (campaign_id, period_key) index serves that range on every
engine, where a range on the `period_end` date made the embedded engine read every report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from formplatform.dashboards.params import Filters
from formplatform.models import utcnow
from formplatform.reporting.models import Campaign, Report, eq
from formplatform.reporting.periods import (
    next_period,
    period_containing,
    period_label,
    previous_period,
    vietnam_today,
)
from i18n.babel import current_locale

DEFAULT_MONTHS = 12
MAX_PERIODS = 24
CAMPAIGN_FIELDS = ("id", "name", "form_key", "period_type", "cutoff", "starts_on", "ends_on")


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_span(filters: Filters) -> tuple[date, date]:
    """First and last day of the months asked for (defaults: DEFAULT_MONTHS up to this month)."""
    if filters.month_to is not None:
        end = filters.month_to
    else:
        today = vietnam_today(utcnow())
        end = _months_before(today, -1).replace(day=1)
        end = date.fromordinal(end.toordinal() - 1)  # last day of this month
    start = filters.month_from or _months_before(end, DEFAULT_MONTHS - 1)
    return start, end


def key_range(campaign: Campaign, start: date, end: date) -> tuple[str, str] | None:
    """First and last keys of the campaign's periods that end between `start` and `end`; None if none do.

    Within one campaign keys sort like its periods (one period type): "2026-M09" < "2026-M10" < "2027-M01".
    """
    if campaign.period_type == "once":
        last = (campaign.ends_on or campaign.starts_on).date()
        return ("once", "once") if start <= last <= end else None
    first = period_containing(start, campaign.period_type, campaign.cutoff)
    while first.end < start:  # a day in a nine-month gap belongs to nine months that have ended
        first = next_period(first, campaign.cutoff)
    final = period_containing(end, campaign.period_type, campaign.cutoff)
    while final.end > end:
        final = previous_period(final, campaign.cutoff)
    return (first.key, final.key) if first.key <= final.key else None


def campaign_window(campaign: Campaign, filters: Filters) -> dict[str, Any] | None:
    """Raw filter on reports of one campaign in the span (None: none of its periods ends in it)."""
    found = key_range(campaign, *month_span(filters))
    if found is None:
        return None
    return {**eq(campaign_id=campaign.id), "period_key": {"$gte": found[0], "$lte": found[1]}}


def window_reports(
    campaigns: list[Campaign], filters: Filters, clauses: dict[str, Any], fields: tuple[str, ...]
) -> list[Report]:
    """The reports of the span, campaign by campaign: one indexed key range each (see the module note)."""
    found: list[Report] = []
    for campaign in campaigns:
        window = campaign_window(campaign, filters)
        if window is not None:
            found += Report.objects(__raw__={**window, **clauses}).only(*fields)
    return found


@dataclass(frozen=True)
class PeriodColumn:
    """One reporting period shown on a dashboard."""

    key: str
    start: date
    end: date

    @property
    def label(self) -> str:
        return period_label(self.key, current_locale(), self.start, self.end)

    def labels(self) -> dict[str, str]:
        return {lang: period_label(self.key, lang, self.start, self.end) for lang in ("vi", "en")}


def period_columns(reports: list[Any]) -> tuple[list[PeriodColumn], bool]:
    """Distinct periods of the reports, oldest first, and whether older ones were cut to MAX_PERIODS."""
    found: dict[str, PeriodColumn] = {}
    for report in reports:
        if report.period_key not in found:
            found[report.period_key] = PeriodColumn(
                report.period_key, report.period_start.date(), report.period_end.date()
            )
    ordered = sorted(found.values(), key=lambda p: (p.start, p.end, p.key))
    return ordered[-MAX_PERIODS:], len(ordered) > MAX_PERIODS
