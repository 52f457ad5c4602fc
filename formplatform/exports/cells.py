"""Cells every export source writes the same way: times in Vietnam, days, and agency names by id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from formplatform.reporting.periods import VN_OFFSET
from renderers.export_plan import Cell

AgencyNames = dict[str, tuple[str, Any]]  # agency id -> (code, bilingual name)


def local_time(value: Any) -> Cell:
    """A stored UTC moment as Vietnamese local time, ISO-like (sorts the same in both languages)."""
    if not isinstance(value, datetime):
        return None
    return (value + VN_OFFSET).strftime("%Y-%m-%d %H:%M")


def local_day(value: Any) -> Cell:
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else None
