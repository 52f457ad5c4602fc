"""Report periods under both cut-off rules, and deadlines with weekends and holidays (pure, no app)."""

from __future__ import annotations

from datetime import date

import pytest

from formplatform.reporting.holidays import holiday_set, parse_extra, vietnam_holidays
from formplatform.reporting.periods import (
    Period,
    check_deadline_rule,
    deadline_for,
    next_period,
    once_period,
    parse_key,
    period_containing,
    period_from_key,
    period_label,
    periods_between,
    previous_period,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "kind", "key", "start", "end"),
    [
        # months: 15th of the month before to the 14th
        ("2026-11-14", "month", "2026-M11", "2026-10-15", "2026-11-14"),
        ("2026-11-15", "month", "2026-M12", "2026-11-15", "2026-12-14"),
        ("2026-10-15", "month", "2026-M11", "2026-10-15", "2026-11-14"),
        ("2026-01-31", "month", "2026-M02", "2026-01-15", "2026-02-14"),
        ("2026-12-14", "month", "2026-M12", "2026-11-15", "2026-12-14"),
        ("2026-12-15", "month", "2027-M01", "2026-12-15", "2027-01-14"),
        ("2026-12-31", "month", "2027-M01", "2026-12-15", "2027-01-14"),
        ("2027-01-01", "month", "2027-M01", "2026-12-15", "2027-01-14"),
        ("2028-02-29", "month", "2028-M03", "2028-02-15", "2028-03-14"),
        ("2028-02-14", "month", "2028-M02", "2028-01-15", "2028-02-14"),
        # quarters: to the 14th of the last month; Q1 from 15 December
        ("2026-03-14", "quarter", "2026-Q1", "2025-12-15", "2026-03-14"),
        ("2026-03-15", "quarter", "2026-Q2", "2026-03-15", "2026-06-14"),
        ("2026-09-14", "quarter", "2026-Q3", "2026-06-15", "2026-09-14"),
        ("2026-09-15", "quarter", "2026-Q4", "2026-09-15", "2026-12-14"),
        ("2026-12-14", "quarter", "2026-Q4", "2026-09-15", "2026-12-14"),
        ("2026-12-15", "quarter", "2027-Q1", "2026-12-15", "2027-03-14"),
        ("2025-12-31", "quarter", "2026-Q1", "2025-12-15", "2026-03-14"),
        # halves: 15 Dec – 14 Jun, 15 Jun – 14 Dec
        ("2026-06-14", "half", "2026-H1", "2025-12-15", "2026-06-14"),
        ("2026-06-15", "half", "2026-H2", "2026-06-15", "2026-12-14"),
        ("2026-12-15", "half", "2027-H1", "2026-12-15", "2027-06-14"),
        ("2027-01-01", "half", "2027-H1", "2026-12-15", "2027-06-14"),
        # nine months: 15 Dec – 14 Sep; a day in the gap maps to that year's (ended) nine months
        ("2026-09-14", "nine_months", "2026-N9", "2025-12-15", "2026-09-14"),
        ("2026-01-01", "nine_months", "2026-N9", "2025-12-15", "2026-09-14"),
        ("2026-10-01", "nine_months", "2026-N9", "2025-12-15", "2026-09-14"),
        ("2026-12-15", "nine_months", "2027-N9", "2026-12-15", "2027-09-14"),
        # years: 15 Dec – 14 Dec
        ("2026-12-14", "year", "2026-Y", "2025-12-15", "2026-12-14"),
        ("2026-12-15", "year", "2027-Y", "2026-12-15", "2027-12-14"),
        ("2027-01-01", "year", "2027-Y", "2026-12-15", "2027-12-14"),
    ],
)
def test_nd09_periods_run_from_the_15th_to_the_14th(day, kind, key, start, end):
    period = period_containing(D(day), kind, "nd09")
    assert period == Period(key, kind, D(start), D(end))
    assert period.contains(D(day)) or kind == "nine_months"


@pytest.mark.parametrize(
    ("day", "kind", "key", "start", "end"),
    [
        ("2026-11-14", "month", "2026-M11", "2026-11-01", "2026-11-30"),
        ("2026-12-31", "month", "2026-M12", "2026-12-01", "2026-12-31"),
        ("2027-01-01", "month", "2027-M01", "2027-01-01", "2027-01-31"),
        ("2028-02-29", "month", "2028-M02", "2028-02-01", "2028-02-29"),
        ("2027-02-15", "month", "2027-M02", "2027-02-01", "2027-02-28"),
        ("2026-04-30", "month", "2026-M04", "2026-04-01", "2026-04-30"),
        ("2026-03-31", "quarter", "2026-Q1", "2026-01-01", "2026-03-31"),
        ("2026-04-01", "quarter", "2026-Q2", "2026-04-01", "2026-06-30"),
        ("2026-12-15", "quarter", "2026-Q4", "2026-10-01", "2026-12-31"),
        ("2026-06-30", "half", "2026-H1", "2026-01-01", "2026-06-30"),
        ("2026-07-01", "half", "2026-H2", "2026-07-01", "2026-12-31"),
        ("2026-09-30", "nine_months", "2026-N9", "2026-01-01", "2026-09-30"),
        ("2026-12-31", "nine_months", "2026-N9", "2026-01-01", "2026-09-30"),
        ("2026-12-31", "year", "2026-Y", "2026-01-01", "2026-12-31"),
        ("2027-01-01", "year", "2027-Y", "2027-01-01", "2027-12-31"),
    ],
)
def test_calendar_periods_are_natural(day, kind, key, start, end):
    assert period_containing(D(day), kind, "calendar") == Period(key, kind, D(start), D(end))


@pytest.mark.parametrize("cutoff", ["nd09", "calendar"])
@pytest.mark.parametrize(
    ("kind", "per_year"), [("month", 12), ("quarter", 4), ("half", 2), ("nine_months", 1), ("year", 1)]
)
def test_periods_follow_each_other_without_gaps_or_overlaps(kind, per_year, cutoff):
    periods = periods_between(D("2025-12-20"), D("2028-12-31"), kind, cutoff)
    assert len({p.key for p in periods}) == len(periods)
    for before, after in zip(periods, periods[1:], strict=False):
        assert previous_period(after, cutoff) == before
        assert next_period(before, cutoff) == after
        if kind != "nine_months":
            assert (after.start - before.end).days == 1
    for period in periods:
        assert period_from_key(period.key, cutoff) == period
        assert period.start <= period.end
    assert sum(p.key.startswith("2027-") for p in periods) == per_year


def test_periods_between_includes_the_first_and_stops_at_the_last_start():
    keys = [p.key for p in periods_between(D("2026-10-20"), D("2027-01-10"), "month", "nd09")]
    assert keys == ["2026-M11", "2026-M12", "2027-M01"]
    assert [p.key for p in periods_between(D("2026-10-20"), D("2027-01-15"), "month", "nd09")][-1] == "2027-M02"
    assert periods_between(D("2027-01-01"), D("2026-01-01"), "month") == []
    assert [p.key for p in periods_between(D("2026-01-01"), D("2026-12-31"), "quarter", "calendar")] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "2026-Q4",
    ]


def test_once_period_spans_the_given_dates():
    period = once_period(D("2026-03-01"), D("2026-06-30"))
    assert (period.key, period.type, period.start, period.end) == ("once", "once", D("2026-03-01"), D("2026-06-30"))
    assert period.label("vi") == "Một lần, 01/03/2026 – 30/06/2026"
    with pytest.raises(ValueError):
        once_period(D("2026-06-30"), D("2026-03-01"))
    with pytest.raises(ValueError):
        period_containing(D("2026-01-01"), "once")


@pytest.mark.parametrize(
    ("key", "vi", "en"),
    [
        ("2026-M11", "Tháng 11/2026", "November 2026"),
        ("2027-M01", "Tháng 1/2027", "January 2027"),
        ("2026-Q4", "Quý IV/2026", "Q4 2026"),
        ("2026-Q1", "Quý I/2026", "Q1 2026"),
        ("2026-H1", "6 tháng đầu năm 2026", "First half of 2026"),
        ("2026-H2", "6 tháng cuối năm 2026", "Second half of 2026"),
        ("2026-N9", "9 tháng năm 2026", "First nine months of 2026"),
        ("2026-Y", "Năm 2026", "Year 2026"),
        ("once", "Một lần", "One-off"),
    ],
)
def test_labels_in_both_languages(key, vi, en):
    assert period_label(key, "vi") == vi
    assert period_label(key, "en") == en


@pytest.mark.parametrize("key", ["2026-M13", "2026-M1", "2026-Q5", "2026-H3", "2026-N8", "2026-Y1", "26-M01", "", "x"])
def test_malformed_keys_are_refused(key):
    with pytest.raises(ValueError):
        parse_key(key)
    assert period_label(key, "en") == key


@pytest.mark.parametrize(
    ("period_key", "cutoff", "day", "deadline"),
    [
        ("2026-M11", "nd09", 25, "2026-11-25"),  # ends 14 Nov: the 25th of the same month
        ("2026-M11", "calendar", 25, "2026-12-25"),  # ends 30 Nov: the next 25th
        ("2026-M11", "calendar", 30, "2026-11-30"),  # on the period's last day itself
        ("2027-M02", "nd09", 31, "2027-02-28"),  # day 31 in February: the month's last day
        ("2028-M02", "nd09", 31, "2028-02-29"),  # leap year
        ("2028-M02", "nd09", 30, "2028-02-29"),
        ("2027-M01", "calendar", 31, "2027-01-31"),
        ("2027-M01", "calendar", 30, "2027-02-28"),  # 31 Jan is past the 30th: February has no 30th
        ("2026-M12", "calendar", 5, "2027-01-05"),  # across the year boundary
        ("2026-Q4", "nd09", 20, "2026-12-20"),
        ("2026-Y", "calendar", 15, "2027-01-15"),
    ],
)
def test_day_of_month_deadline(period_key, cutoff, day, deadline):
    period = period_from_key(period_key, cutoff)
    assert deadline_for(period, {"type": "day_of_month", "day": day}) == D(deadline)


@pytest.mark.parametrize(
    ("end", "days", "holidays", "deadline"),
    [
        ("2026-11-13", 1, (), "2026-11-16"),  # Friday + 1 working day = Monday
        ("2026-11-14", 1, (), "2026-11-16"),  # Saturday end
        ("2026-11-14", 5, (), "2026-11-20"),
        ("2026-11-11", 3, (), "2026-11-16"),  # Wed + 3 skips the weekend
        ("2026-04-28", 3, "vn", "2026-05-05"),  # 30/4 and 1/5 and the weekend skipped
        ("2026-02-13", 1, "vn", "2026-02-23"),  # Tết 2026: 16–20 Feb
        ("2026-12-31", 1, "vn", "2027-01-04"),  # 1/1/2027 is a holiday (Friday), then a weekend
        ("2026-11-20", 2, "vn", "2026-11-25"),  # 24/11 Ngày Văn hóa Việt Nam
        ("2027-03-12", 2, ("2027-03-15",), "2027-03-17"),  # a configured extra day off
    ],
)
def test_working_days_deadline_skips_weekends_and_holidays(end, days, holidays, deadline):
    period = Period("once", "once", D("2026-01-01"), D(end))
    days_off = holiday_set(range(2026, 2028)) if holidays == "vn" else frozenset(D(h) for h in holidays)
    assert deadline_for(period, {"type": "working_days", "days": days}, days_off) == D(deadline)


def test_plain_days_and_fixed_date_deadlines():
    period = period_from_key("2026-M12", "nd09")
    assert deadline_for(period, {"type": "days", "days": 10}) == D("2026-12-24")
    assert deadline_for(period, {"type": "days", "days": 20}) == D("2027-01-03")
    assert deadline_for(period, {"type": "days", "days": 0}) == D("2026-12-14")
    assert deadline_for(period, {"type": "date", "date": "2027-01-31"}) == D("2027-01-31")


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        (None, "deadline.type"),
        ({}, "deadline.type"),
        ({"type": "weekly"}, "deadline.type"),
        ({"type": "day_of_month"}, "deadline.day"),
        ({"type": "day_of_month", "day": 0}, "deadline.day"),
        ({"type": "day_of_month", "day": 32}, "deadline.day"),
        ({"type": "day_of_month", "day": "25"}, "deadline.day"),
        ({"type": "day_of_month", "day": True}, "deadline.day"),
        ({"type": "working_days", "days": 0}, "deadline.days"),
        ({"type": "working_days", "days": 61}, "deadline.days"),
        ({"type": "days", "days": -1}, "deadline.days"),
        ({"type": "days", "days": 2.5}, "deadline.days"),
        ({"type": "date", "date": "2026-02-30"}, "deadline.date"),
        ({"type": "date"}, "deadline.date"),
    ],
)
def test_bad_deadline_rules_are_reported(rule, path):
    problems = check_deadline_rule(rule)
    assert [p.path for p in problems] == [path]


@pytest.mark.parametrize(
    "rule",
    [
        {"type": "day_of_month", "day": 25},
        {"type": "day_of_month", "day": 31},
        {"type": "working_days", "days": 5},
        {"type": "days", "days": 0},
        {"type": "date", "date": "2026-12-31"},
    ],
)
def test_good_deadline_rules_pass(rule):
    assert check_deadline_rule(rule) == []


def test_vietnamese_holidays():
    h2026 = vietnam_holidays(2026)
    assert {D("2026-01-01"), D("2026-02-17"), D("2026-04-27"), D("2026-04-30"), D("2026-09-02")} <= h2026
    assert D("2030-02-02") in vietnam_holidays(2030)  # Tết 2030 in Vietnam (UTC+7), a day before China's
    h2040 = vietnam_holidays(2040)  # outside the table: the fixed dates, made up when on a weekend
    assert {D("2040-01-01"), D("2040-04-30"), D("2040-05-01"), D("2040-09-02"), D("2040-11-24")} <= h2040
    assert D("2040-09-03") in h2040  # 2/9/2040 is a Sunday: the adjacent day follows it
    assert D("2040-09-04") in h2040  # and the Sunday is made up on the next free working day
    assert D("2024-11-24") not in vietnam_holidays(2024)


def test_extra_holidays_from_the_setting():
    days, bad = parse_extra("2027-02-11, 2027-02-12;2027-13-01,, junk ")
    assert days == {D("2027-02-11"), D("2027-02-12")}
    assert bad == ["2027-13-01", "junk"]
    assert parse_extra("") == (frozenset(), [])
    assert D("2027-02-11") in holiday_set([2027], days)
