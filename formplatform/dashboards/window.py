"""The span of reporting periods a dashboard reads: by the month each period ends in, bounded.

Default: the 12 months up to the current one, so a dashboard reads a bounded slice of reports whatever
the length of the history (DESIGN §6). At most MAX_PERIODS periods are shown, the most recent ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from formplatform.dashboards.params import Filters, day_end, day_start
from formplatform.models import utcnow
from formplatform.reporting.periods import period_label, vietnam_today
from i18n.babel import current_locale

DEFAULT_MONTHS = 12
MAX_PERIODS = 24


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


def period_end_filter(filters: Filters) -> dict[str, Any]:
    """Raw filter on reports' period_end for the span."""
    start, end = month_span(filters)
    return {"period_end": {"$gte": day_start(start), "$lte": day_end(end)}}


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
