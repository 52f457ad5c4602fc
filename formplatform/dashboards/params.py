"""Dashboard filters from GET query parameters (shareable URLs), checked once for pages, downloads and API.

A bad value raises BadRequest with a stable code whose headline is registered in words.py, so the page
shows it in the viewer's language and the API returns {"error": {"code", "message"}} — never a 500.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from formplatform.errors import BadRequest
from formplatform.models import utcnow
from formplatform.satisfaction.periods import PERIOD_KINDS, period_bounds, period_kind

MONTH_RE = re.compile(r"^(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])$")
MAX_AGENCIES = 20
FORMATS = ("csv", "xlsx", "docx", "pdf")


@dataclass
class Filters:
    """What a dashboard shows; empty values mean "the default" (see each board)."""

    template: str = ""
    campaign: str = ""
    indicator: str = ""
    agencies: list[str] = field(default_factory=list)
    month_from: date | None = None  # first day of the first month
    month_to: date | None = None  # last day of the last month
    kind: str = "month"
    period_from: str = ""
    period_to: str = ""

    def query(self) -> dict[str, Any]:
        """The filters as query parameters again (links, downloads)."""
        values: dict[str, Any] = {
            "template": self.template,
            "campaign": self.campaign,
            "indicator": self.indicator,
            "agency": self.agencies,
            "from": self.month_from.strftime("%Y-%m") if self.month_from else self.period_from,
            "to": self.month_to.strftime("%Y-%m") if self.month_to else self.period_to,
        }
        if self.period_from or self.period_to or self.kind != "month":
            values["kind"] = self.kind
        return {k: v for k, v in values.items() if v}


def _month(text: str, last: bool) -> date | None:
    if not text:
        return None
    match = MONTH_RE.match(text)
    if match is None or not 2000 <= int(match["year"]) <= utcnow().year + 1:
        raise BadRequest("bad_month")
    year, month = int(match["year"]), int(match["month"])
    return date(year, month, calendar.monthrange(year, month)[1] if last else 1)


def _period(text: str, kind: str) -> str:
    if not text:
        return ""
    if period_kind(text) != kind or not 2000 <= int(text[:4]) <= utcnow().year + 1:
        raise BadRequest("bad_satisfaction_period")
    return text


def _text(args: Any, name: str, limit: int = 200) -> str:
    return (args.get(name) or "").strip()[:limit]


def parse_filters(args: Any, *, board: str) -> Filters:
    """Filters of `board` ("compliance", "kpi", "satisfaction") from request.args; BadRequest when invalid."""
    agencies = [a.strip() for a in args.getlist("agency") if a.strip()]
    agencies = list(dict.fromkeys(agencies))
    if len(agencies) > MAX_AGENCIES:
        raise BadRequest("too_many_agencies")
    found = Filters(template=_text(args, "template", 64), campaign=_text(args, "campaign", 64), agencies=agencies)
    found.indicator = _text(args, "indicator", 300)
    if board == "satisfaction":
        found.kind = _text(args, "kind", 10) or "month"
        if found.kind not in PERIOD_KINDS:
            raise BadRequest("bad_period_kind")
        found.period_from = _period(_text(args, "from", 10), found.kind)
        found.period_to = _period(_text(args, "to", 10), found.kind)
        if found.period_from and found.period_to and found.period_from > found.period_to:
            raise BadRequest("bad_period_range")
        return found
    found.month_from = _month(_text(args, "from", 10), last=False)
    found.month_to = _month(_text(args, "to", 10), last=True)
    if found.month_from and found.month_to and found.month_from > found.month_to:
        raise BadRequest("bad_month_range")
    return found


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def day_end(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59)


def period_start_day(key: str) -> date:
    return period_bounds(key)[0]
