"""Result periods of satisfaction roll-ups: month, quarter and year, on Ho Chi Minh City's calendar."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving
PERIOD_KINDS = ("month", "quarter", "year")
PERIOD_RE = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


def local_date(moment: datetime) -> date:
    """The calendar day in Ho Chi Minh City of a naive UTC datetime."""
    return (moment + LOCAL_OFFSET).date()


def period_keys(day: date) -> dict[str, str]:
    """The month, quarter and year a day belongs to: {"month": "2026-11", "quarter": "2026-Q4", "year": "2026"}."""
    return {
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        "year": str(day.year),
    }


def period_kind(period: str) -> str | None:
    """ "month", "quarter" or "year" for a valid period key, else None."""
    match = PERIOD_RE.match(period or "")
    if match is None:
        return None
    return "month" if match["month"] else "quarter" if match["quarter"] else "year"


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a valid period key."""
    match = PERIOD_RE.match(period)
    if match is None:
        raise ValueError(period)
    year = int(match["year"])
    if match["month"]:
        first_month, months = int(match["month"]), 1
    elif match["quarter"]:
        first_month, months = (int(match["quarter"]) - 1) * 3 + 1, 3
    else:
        first_month, months = 1, 12
    start = date(year, first_month, 1)
    end_month = first_month + months
    end = date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def previous_periods(period: str, count: int) -> list[str]:
    """`count` consecutive periods of the same kind ending with `period`, oldest first."""
    kind = period_kind(period)
    if kind is None:
        raise ValueError(period)
    keys = [period]
    day = period_bounds(period)[0]
    while len(keys) < count:
        day = day - timedelta(days=1)
        keys.insert(0, period_keys(day)[kind])
        day = period_bounds(keys[0])[0]
    return keys


def current_period(kind: str, now: datetime) -> str:
    return period_keys(local_date(now))[kind]
