"""Report periods and deadlines: pure date arithmetic (no Flask, no database).

Two cut-off rules (DESIGN §5):
- "nd09" (Nghị định 09/2019/NĐ-CP): data run from the 15th to the 14th. Month M covers 15th of M-1 to
  14th of M; a quarter, half, nine months or year ends on the 14th of its last month and starts on the
  15th of the month before its first (Q1, H1, N9 and the year start on 15 December of the year before).
  A day on or after 15 December therefore belongs to the NEXT year's January, Q1, H1, N9 and year.
- "calendar": natural months, quarters, halves, January–September and years (statistical reports).

Every recurring period is a span of "data months" [first, last] of a reporting year; its bounds follow
from the cut-off. "once" is a single period from a campaign's start to a given end.
Nine-month periods leave a gap (15 Sep–14 Dec under nd09, October–December on the calendar): a day in
the gap maps to that year's nine months, which have ended — what a campaign starting in October for the
nine-month report expects.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from form_definitions.problems import Problem

PERIOD_TYPES = ("month", "quarter", "half", "nine_months", "year", "once")
CUTOFFS = ("nd09", "calendar")
DEADLINE_TYPES = ("day_of_month", "working_days", "days", "date")
CUT_DAY = 15  # nd09: periods start on the 15th and end on the 14th
MAX_WORKING_DAYS = 60
MAX_DAYS = 366
# period type -> (key letter, number of periods a year)
_LETTERS = {"month": "M", "quarter": "Q", "half": "H", "nine_months": "N", "year": "Y"}
_PER_YEAR = {"month": 12, "quarter": 4, "half": 2, "nine_months": 1, "year": 1}
_TYPES_BY_LETTER = {letter: kind for kind, letter in _LETTERS.items()}
_ROMAN = ("I", "II", "III", "IV")
# fmt: off
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # not calendar.month_name: that follows the process locale
# fmt: on


@dataclass(frozen=True)
class Period:
    """One reporting period; `start` and `end` are both inclusive."""

    key: str  # "2026-M11", "2026-Q4", "2026-H1", "2026-N9", "2026-Y" or "once"
    type: str
    start: date
    end: date

    def label(self, locale: str = "vi") -> str:
        """The period in words, e.g. "Tháng 11/2026" / "November 2026"."""
        return period_label(self.key, locale, self.start, self.end)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(kind: str, index: int) -> tuple[int, int]:
    """First and last data month of period `index` (1-based) of a type."""
    if kind == "month":
        return index, index
    if kind == "quarter":
        return 3 * index - 2, 3 * index
    if kind == "half":
        return 6 * index - 5, 6 * index
    if kind == "nine_months":
        return 1, 9
    return 1, 12


def _key(year: int, kind: str, index: int) -> str:
    if kind == "month":
        return f"{year}-M{index:02d}"
    if kind == "nine_months":
        return f"{year}-N9"
    if kind == "year":
        return f"{year}-Y"
    return f"{year}-{_LETTERS[kind]}{index}"


def _build(year: int, kind: str, index: int, cutoff: str) -> Period:
    first, last = _months(kind, index)
    if cutoff == "nd09":
        start = date(year - 1, 12, CUT_DAY) if first == 1 else date(year, first - 1, CUT_DAY)
        end = date(year, last, CUT_DAY - 1)
    else:
        start, end = date(year, first, 1), _last_day(year, last)
    return Period(_key(year, kind, index), kind, start, end)


def _check(kind: str, cutoff: str) -> None:
    if kind not in _LETTERS:
        raise ValueError(f"no recurring period of type {kind!r}")
    if cutoff not in CUTOFFS:
        raise ValueError(f"unknown cut-off {cutoff!r}")


def period_containing(day: date, period_type: str, cutoff: str = "nd09") -> Period:
    """The period of `period_type` whose data `day` belongs to (see the module note on nine months)."""
    _check(period_type, cutoff)
    year, month = day.year, day.month
    if cutoff == "nd09" and day.day >= CUT_DAY:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    index = {
        "month": month,
        "quarter": (month - 1) // 3 + 1,
        "half": (month - 1) // 6 + 1,
    }.get(period_type, 1)
    return _build(year, period_type, index, cutoff)


def parse_key(key: str) -> tuple[int, str, int]:
    """(year, type, index) of a recurring period key; ValueError when it is not one."""
    year_text, _, rest = key.partition("-")
    if len(year_text) != 4 or not year_text.isdigit() or not rest or rest[0] not in _TYPES_BY_LETTER:
        raise ValueError(f"not a period key: {key!r}")
    kind = _TYPES_BY_LETTER[rest[0]]
    number = rest[1:]
    if kind == "year":
        if number:
            raise ValueError(f"not a period key: {key!r}")
        return int(year_text), kind, 1
    if kind == "nine_months":
        if number != "9":
            raise ValueError(f"not a period key: {key!r}")
        return int(year_text), kind, 1
    if not number.isdigit() or not 1 <= int(number) <= _PER_YEAR[kind] or (kind == "month" and len(number) != 2):
        raise ValueError(f"not a period key: {key!r}")
    return int(year_text), kind, int(number)


def period_from_key(key: str, cutoff: str = "nd09") -> Period:
    """The recurring period a key names; ValueError for "once" or anything malformed."""
    year, kind, index = parse_key(key)
    _check(kind, cutoff)
    return _build(year, kind, index, cutoff)


def once_period(start: date, end: date) -> Period:
    """The single period of a one-off campaign."""
    if end < start:
        raise ValueError("a period cannot end before it starts")
    return Period("once", "once", start, end)


def next_period(period: Period, cutoff: str = "nd09") -> Period:
    """The period after `period` of the same type."""
    year, kind, index = parse_key(period.key)
    _check(kind, cutoff)
    if index >= _PER_YEAR[kind]:
        return _build(year + 1, kind, 1, cutoff)
    return _build(year, kind, index + 1, cutoff)


def previous_period(period: Period, cutoff: str = "nd09") -> Period:
    """The period before `period` of the same type."""
    year, kind, index = parse_key(period.key)
    _check(kind, cutoff)
    if index <= 1:
        return _build(year - 1, kind, _PER_YEAR[kind], cutoff)
    return _build(year, kind, index - 1, cutoff)


def periods_between(first_day: date, last_day: date, period_type: str, cutoff: str = "nd09") -> list[Period]:
    """Every period from the one containing `first_day` through the last one starting by `last_day`."""
    if last_day < first_day:
        return []
    periods = [period_containing(first_day, period_type, cutoff)]
    while True:
        following = next_period(periods[-1], cutoff)
        if following.start > last_day:
            return periods
        periods.append(following)


def _add_working_days(day: date, count: int, holidays: Collection[date]) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count -= 1
    return day


def _day_of_month_on_or_after(day: date, wanted: int) -> date:
    """The first `wanted`-th of a month on or after `day`; 31 means the month's last day when shorter."""
    year, month = day.year, day.month
    candidate = date(year, month, min(wanted, calendar.monthrange(year, month)[1]))
    if candidate >= day:
        return candidate
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


def deadline_for(period: Period, rule: dict[str, Any], holidays: Collection[date] = frozenset()) -> date:
    """The last day a report for `period` may reach the reviewer under `rule` (check it first)."""
    kind = rule["type"]
    if kind == "day_of_month":
        return _day_of_month_on_or_after(period.end, int(rule["day"]))
    if kind == "working_days":
        return _add_working_days(period.end, int(rule["days"]), holidays)
    if kind == "days":
        return period.end + timedelta(days=int(rule["days"]))
    if kind == "date":
        return date.fromisoformat(rule["date"])
    raise ValueError(f"unknown deadline rule {kind!r}")


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_deadline_rule(rule: Any) -> list[Problem]:
    """Problems of a deadline rule, with paths under "deadline" (empty when usable)."""
    if not isinstance(rule, dict) or rule.get("type") not in DEADLINE_TYPES:
        return [Problem("deadline.type", "deadline_type")]
    kind = rule["type"]
    if kind == "day_of_month" and not _whole(rule.get("day"), 1, 31):
        return [Problem("deadline.day", "deadline_day")]
    if kind == "working_days" and not _whole(rule.get("days"), 1, MAX_WORKING_DAYS):
        return [Problem("deadline.days", "deadline_days", {"limit": MAX_WORKING_DAYS})]
    if kind == "days" and not _whole(rule.get("days"), 0, MAX_DAYS):
        return [Problem("deadline.days", "deadline_days", {"limit": MAX_DAYS})]
    if kind == "date":
        try:
            date.fromisoformat(str(rule.get("date") or ""))
        except ValueError:
            return [Problem("deadline.date", "deadline_date")]
    return []


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def period_label(key: str, locale: str = "vi", start: date | None = None, end: date | None = None) -> str:
    """A period key in words; a one-off period shows its dates when they are known."""
    english = locale == "en"
    if key == "once":
        if start and end:
            span = f"{_dmy(start)} – {_dmy(end)}"
            return f"One-off, {span}" if english else f"Một lần, {span}"
        return "One-off" if english else "Một lần"
    try:
        year, kind, index = parse_key(key)
    except ValueError:
        return key
    if kind == "month":
        return f"{_EN_MONTHS[index - 1]} {year}" if english else f"Tháng {index}/{year}"
    if kind == "quarter":
        return f"Q{index} {year}" if english else f"Quý {_ROMAN[index - 1]}/{year}"
    if kind == "half":
        if english:
            return f"{'First' if index == 1 else 'Second'} half of {year}"
        return f"6 tháng {'đầu' if index == 1 else 'cuối'} năm {year}"
    if kind == "nine_months":
        return f"First nine months of {year}" if english else f"9 tháng năm {year}"
    return f"Year {year}" if english else f"Năm {year}"


def date_range_text(period: Period) -> str:
    """The bounds as dd/mm/yyyy – dd/mm/yyyy (the same in both languages)."""
    return f"{_dmy(period.start)} – {_dmy(period.end)}"


VN_OFFSET = timedelta(hours=7)  # Vietnam keeps UTC+7 all year


def vietnam_today(now: datetime) -> date:
    """The calendar day in Vietnam at a naive-UTC moment."""
    return (now + VN_OFFSET).date()


def deadline_moment(day: date) -> datetime:
    """The end of a deadline day in Vietnam (23:59:59, UTC+7) as a naive-UTC datetime."""
    return datetime.combine(day, time(23, 59, 59)) - VN_OFFSET
