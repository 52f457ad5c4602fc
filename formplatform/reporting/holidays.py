"""Vietnamese public holidays, for counting working days to a deadline (pure; stdlib only).

Bộ luật Lao động 2019 Điều 112: Tết Dương lịch (1/1), Tết Âm lịch (5 days), Giỗ Tổ Hùng Vương
(10/3 lunar), 30/4, 1/5, Quốc khánh (2/9 and one adjacent day); Ngày Văn hóa Việt Nam (24/11) is a paid
day off from 2026 (Nghị quyết 80-NQ/TW). A holiday falling on a weekend is made up on the next working
day. The lunar dates and the exact days off of Tết depend on the calendar and on the Government's yearly
announcement, so 2025–2030 are listed explicitly (lunar dates computed for UTC+7 — Tết 2030 is 2 February
in Vietnam, 3 February in China); other years get the fixed-date holidays only.

The official announcement each year (nghỉ bù, swapped days, a Tết schedule that differs from this list)
belongs in the HOLIDAYS setting: comma-separated ISO dates, added to these. Working Saturdays created by
swaps are not modelled: they only make a deadline one working day later, never earlier.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

# Every day off of the listed years: the fixed holidays, Tết, Giỗ Tổ Hùng Vương and the days made up
# for holidays on a weekend (announced for 2025–2026; by the Labour Code's rule for 2027–2030).
# fmt: off
KNOWN: dict[int, tuple[str, ...]] = {
    2025: (
        "01-01", "01-27", "01-28", "01-29", "01-30", "01-31", "02-01", "04-07",
        "04-30", "05-01", "05-02", "09-01", "09-02",
    ),
    2026: (
        "01-01", "02-16", "02-17", "02-18", "02-19", "02-20", "04-26", "04-27",
        "04-30", "05-01", "08-31", "09-01", "09-02", "11-24",
    ),
    2027: (
        "01-01", "02-04", "02-05", "02-06", "02-07", "02-08", "02-09", "02-10", "04-16",
        "04-30", "05-01", "05-03", "09-02", "09-03", "11-24",
    ),
    2028: (
        "01-01", "01-03", "01-24", "01-25", "01-26", "01-27", "01-28", "01-29", "04-04",
        "04-30", "05-01", "05-02", "09-01", "09-02", "09-04", "11-24",
    ),
    2029: (
        "01-01", "02-12", "02-13", "02-14", "02-15", "02-16", "04-23",
        "04-30", "05-01", "09-02", "09-03", "09-04", "11-24", "11-26",
    ),
    2030: (
        "01-01", "01-31", "02-01", "02-02", "02-03", "02-04", "02-05", "02-06", "04-12",
        "04-30", "05-01", "09-02", "09-03", "11-24", "11-25",
    ),
}
# fmt: on
FIXED = ((1, 1), (4, 30), (5, 1), (9, 2))
CULTURE_DAY_FROM = 2026


def _national_day_pair(year: int) -> tuple[date, date]:
    """2 September and the adjacent day off: the one that joins the holiday to a weekend when it can."""
    national = date(year, 9, 2)
    before, after = national - timedelta(days=1), national + timedelta(days=1)
    # Monday, Thursday, Sunday: the day after makes the longer break; otherwise the day before.
    return national, after if national.weekday() in (0, 3, 6) else before


def _rule_based(year: int) -> set[date]:
    """Fixed-date holidays of a year outside KNOWN, with the weekday made up for each weekend one."""
    days = {date(year, month, day) for month, day in FIXED}
    days.update(_national_day_pair(year))
    if year >= CULTURE_DAY_FROM:
        days.add(date(year, 11, 24))
    made_up: set[date] = set()
    for day in sorted(days):
        if day.weekday() >= 5:
            substitute = day + timedelta(days=1)
            while substitute.weekday() >= 5 or substitute in days or substitute in made_up:
                substitute += timedelta(days=1)
            made_up.add(substitute)
    return days | made_up


def vietnam_holidays(year: int) -> frozenset[date]:
    """The public days off of one year."""
    if year in KNOWN:
        return frozenset(date.fromisoformat(f"{year}-{day}") for day in KNOWN[year])
    return frozenset(_rule_based(year))


def parse_extra(text: str) -> tuple[frozenset[date], list[str]]:
    """Dates of the HOLIDAYS setting ("2027-02-11, 2027-02-12") and the entries that are not dates."""
    found: set[date] = set()
    bad: list[str] = []
    for item in (text or "").replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            found.add(date.fromisoformat(item))
        except ValueError:
            bad.append(item)
    return frozenset(found), bad


def holiday_set(years: Iterable[int], extra: Iterable[date] = ()) -> frozenset[date]:
    """Every day off of the given years, plus the extra configured dates."""
    days: set[date] = set(extra)
    for year in years:
        days |= vietnam_holidays(year)
    return frozenset(days)
