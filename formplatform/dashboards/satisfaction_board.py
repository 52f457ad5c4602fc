"""The satisfaction dashboard: satisfaction rate per agency over months, quarters or years, and average
points per criterion in the last period — read from the roll-ups by id (satisfaction/results.py), never
from the ratings, so its cost does not grow with the number of ratings (DESIGN §6).

A district's roll-up already includes its wards, so figures are shown per agency and never summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from formplatform.agencies.models import Agency
from formplatform.dashboards.params import Filters
from formplatform.dashboards.scope import AGENCY_FIELDS, agency_filter
from formplatform.errors import NotFound
from formplatform.models import utcnow
from formplatform.permissions import Principal
from formplatform.satisfaction.models import Rollup
from formplatform.satisfaction.periods import current_period, previous_periods
from formplatform.satisfaction.results import (
    PERIOD_SPAN,
    RANKED_TYPES,
    UNIT_TYPES,
    Scale,
    latest_period,
    metrics,
    rollup_id,
)

MAX_PERIODS = 24
MAX_TABLE = 60  # agencies in the table when none is chosen (a district and its wards, or Sở and districts)
MAX_LINES = 10  # lines in the trend chart
MAX_CRITERIA_AGENCIES = 6  # groups of bars in the criteria chart


@dataclass
class SatisfactionLine:
    agency: Agency
    figures: list[dict[str, Any]]  # results.metrics per period

    @property
    def latest(self) -> dict[str, Any]:
        return self.figures[-1]


@dataclass
class SatisfactionBoard:
    kind: str
    periods: list[str] = field(default_factory=list)
    lines: list[SatisfactionLine] = field(default_factory=list)
    charted: list[SatisfactionLine] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)  # the last period's scale criteria
    unpublished: bool = False

    @property
    def empty(self) -> bool:
        return not any(f["n"] for line in self.lines for f in line.figures)

    @property
    def latest_period(self) -> str:
        return self.periods[-1] if self.periods else ""


def period_span(filters: Filters) -> list[str]:
    """The periods of the chosen kind, oldest first: from..to, or the usual trend up to the latest with data."""
    end = filters.period_to or latest_period(filters.kind, current_period(filters.kind, utcnow()))
    if filters.period_from:
        keys = previous_periods(end, MAX_PERIODS)
        keys = [k for k in keys if k >= filters.period_from]
        return keys or [end]
    return previous_periods(end, PERIOD_SPAN[filters.kind])


def default_agencies(principal: Principal | None) -> list[Agency]:
    """Rated agencies in scope: Sở and districts for a city-wide viewer, else every rated unit of the subtrees."""
    scope = agency_filter(principal)
    types = list(RANKED_TYPES) if not scope else list(UNIT_TYPES)
    found = Agency.objects(type__in=types, active=True, __raw__=scope).only(*AGENCY_FIELDS).order_by("type", "code")
    return list(found.limit(MAX_TABLE))


def _total(line: SatisfactionLine) -> int:
    return sum(f["n"] for f in line.figures)


def _scales(periods: list[str]) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    for period in periods:
        scales[period] = Scale(period)
    return scales


def satisfaction_board(principal: Principal | None, filters: Filters, chosen: list[Agency]) -> SatisfactionBoard:
    """Figures per agency (chosen ones, checked in scope by the caller, else the default) and period."""
    board = SatisfactionBoard(filters.kind, period_span(filters))
    agencies = chosen or default_agencies(principal)
    try:
        scales = _scales(board.periods)
    except NotFound:  # the questionnaire is not published yet
        board.unpublished = True
        return board
    ids = [rollup_id("agency", a.id, "", p) for a in agencies for p in board.periods]
    rows = {r["_id"]: r for r in Rollup.objects(id__in=ids).as_pymongo()} if ids else {}
    for agency in agencies:
        figures = [
            {"period": p, **metrics(rows.get(rollup_id("agency", agency.id, "", p)), scales[p])} for p in board.periods
        ]
        board.lines.append(SatisfactionLine(agency, figures))
    if chosen:
        board.charted = board.lines[:MAX_LINES]
    else:  # the agencies with the most ratings in the last period, then over the whole span
        rated = [line for line in board.lines if any(f["n"] for f in line.figures)]
        board.charted = sorted(rated, key=lambda line: (-line.latest["n"], -_total(line), line.agency.code))[:MAX_LINES]
    board.criteria = scales[board.latest_period].criteria
    return board
