"""What an export selects: parsed and checked when it is asked for, turned into a query when it runs.

The owner's scope is fixed when the export is asked for (the agencies they could read then), so a job
that runs later never reads more than its owner could, and never depends on a request.
Submissions are read with `submissions.read`; reports the way their pages are (readers of the
agency, and a division's staff for the agency the division belongs to); citizens' ratings with
`satisfaction.read`, of the satisfaction questionnaire, by the day they were captured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from form_definitions.problems import Problem
from formplatform.agencies.models import Agency
from formplatform.errors import Forbidden, Invalid, NotFound, Unauthorized
from formplatform.exports.models import LANGUAGES, SOURCE_FORMATS, SOURCES, ExportJob
from formplatform.models import Form
from formplatform.permissions import Principal, scope_filter
from formplatform.reporting.models import REPORT_STATES
from formplatform.reporting.periods import VN_OFFSET
from formplatform.reporting.workflow_access import reading_filter
from formplatform.satisfaction.questionnaire import form_key as satisfaction_form

MAX_AGENCIES = 50
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
DEFAULT_STATES = ("submitted", "accepted")


@dataclass
class Selection:
    source: str
    form_key: str
    format: str = "xlsx"
    language: str = "vi"
    agencies: list[str] = field(default_factory=list)
    day_from: str = ""
    day_to: str = ""
    states: list[str] = field(default_factory=list)


def _values(values: Any, name: str) -> list[str]:
    if hasattr(values, "getlist"):
        found = values.getlist(name)
    else:
        found = values.get(name) or []
        found = found if isinstance(found, list) else [found]
    return list(dict.fromkeys(str(v).strip() for v in found if str(v).strip()))


def _text(values: Any, name: str, default: str = "") -> str:
    value = values.get(name, default)
    return value.strip()[:64] if isinstance(value, str) else default


def _bound(text: str, source: str, path: str, last: bool) -> tuple[date | None, list[Problem]]:
    """A day (submissions, ratings) or a month (reports) as its first or last day."""
    if not text:
        return None, []
    by_day = source != "reports"
    pattern, code = (DAY_RE, "export_bad_day") if by_day else (MONTH_RE, "export_bad_month")
    try:
        if not pattern.match(text):
            raise ValueError(text)
        if by_day:
            return date.fromisoformat(text), []
        first = date.fromisoformat(f"{text}-01")
        if not last:
            return first, []
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return following - timedelta(days=1), []
    except ValueError:
        return None, [Problem(path, code)]


def parse_selection(values: Any, *, source: str = "") -> Selection:
    """The export asked for in a form post, a query string or a JSON body; Invalid lists every problem."""
    source = source or _text(values, "source", "submissions")
    if source not in SOURCES:
        raise Invalid([Problem("source", "export_bad_source")])
    form_key = _text(values, "form") or (satisfaction_form() if source == "ratings" else "")
    chosen = Selection(source, form_key, _text(values, "format", "xlsx"), _text(values, "language", "vi"))
    chosen.agencies = _values(values, "agency")
    chosen.states = _values(values, "state") if source == "reports" else []
    chosen.day_from, chosen.day_to = _text(values, "from"), _text(values, "to")
    problems = []
    if not form_key:
        problems.append(Problem("form", "required"))
    if chosen.format not in SOURCE_FORMATS[source]:  # Word and PDF: exports of one table (ratings)
        problems.append(Problem("format", "export_bad_format" if source != "ratings" else "export_bad_ratings_format"))
    if chosen.language not in LANGUAGES:
        problems.append(Problem("language", "export_bad_language"))
    if len(chosen.agencies) > MAX_AGENCIES:
        problems.append(Problem("agency", "export_too_many_agencies", {"limit": MAX_AGENCIES}))
    if any(s not in REPORT_STATES for s in chosen.states):
        problems.append(Problem("state", "export_bad_state"))
    start, bad_start = _bound(chosen.day_from, source, "from", last=False)
    end, bad_end = _bound(chosen.day_to, source, "to", last=True)
    problems += bad_start + bad_end
    if start and end and start > end:
        problems.append(Problem("to", "export_bad_range"))
    if source == "ratings" and form_key != satisfaction_form():
        problems.append(Problem("form", "export_not_ratings"))
    if problems:
        raise Invalid(problems)
    if source == "reports" and not chosen.states:
        chosen.states = list(DEFAULT_STATES)
    return chosen


def owner_scope(principal: Principal | None, source: str) -> list[str] | None:
    """Agency ids the principal reads for `source` (None: the whole city); Forbidden when none."""
    if principal is None:
        raise Unauthorized()
    if source == "reports":
        scoped = reading_filter(principal)
    else:
        scoped = scope_filter(principal, "satisfaction.read" if source == "ratings" else "submissions.read")
    if scoped is None:
        return None
    ids = sorted(scoped["agency_id"]["$in"])
    if not ids:
        raise Forbidden()
    return ids


def checked_form(key: str) -> Form:
    form = Form.objects(id=key).first()
    if form is None or not form.latest_version:
        raise NotFound()
    return form


def check_agencies(chosen: list[str], scope: list[str] | None) -> None:
    """Every chosen agency must exist and lie in the scope: 404 otherwise (other districts stay unseen)."""
    if scope is not None and not set(chosen) <= set(scope):
        raise NotFound()
    found = Agency.objects(id__in=chosen).scalar("id") if chosen else []  # ids, not a count (a scan on nx-27017)
    if len(set(found)) != len(set(chosen)):
        raise NotFound()


def _subtrees(roots: list[str]) -> set[str]:
    found = Agency.objects(__raw__={"$or": [{"_id": {"$in": roots}}, {"ancestors": {"$in": roots}}]}).scalar("id")
    return set(found)


def _utc(day: date, *, end: bool) -> datetime:
    """The start (or end) of a Vietnamese calendar day as naive UTC."""
    moment = datetime(day.year, day.month, day.day) + (timedelta(days=1) if end else timedelta())
    return moment - VN_OFFSET - (timedelta(microseconds=1) if end else timedelta())


def job_query(job: ExportJob) -> dict[str, Any]:
    """The raw filter the job reads: its form, its scope and chosen agencies (with their subtrees), its dates.

    Ratings are all of the satisfaction questionnaire, and `ratings` has no index on form_key (a filter
    on it would make the embedded engine read every rating), so their query names no form.
    """
    query: dict[str, Any] = {} if job.source == "ratings" else {"form_key": job.form_key}
    ids: set[str] | None = None if job.scope_all else set(job.scope)
    if job.agencies:
        chosen = _subtrees(list(job.agencies))
        ids = chosen if ids is None else ids & chosen
    if ids is not None:
        query["agency_id"] = {"$in": sorted(ids)}
    start, _ = _bound(job.day_from, job.source, "from", last=False)
    end, _ = _bound(job.day_to, job.source, "to", last=True)
    if job.source != "reports":
        moment = {
            **({"$gte": _utc(start, end=False)} if start else {}),
            **({"$lte": _utc(end, end=True)} if end else {}),
        }
        if moment:
            query["created_at" if job.source == "ratings" else "submitted_at"] = moment
    else:
        query["state"] = {"$in": list(job.states)}
        span = {
            **({"$gte": datetime(start.year, start.month, start.day)} if start else {}),
            **({"$lte": datetime(end.year, end.month, end.day, 23, 59, 59)} if end else {}),
        }
        if span:
            query["period_end"] = span
    return query
