"""Where an export's records come from: the collection, the order, and the meta columns before the answers.

Rows are read a window of WINDOW documents at a time, each window its own query in index order, so
memory stays flat in this process and in the database server alike: nx-27017 holds a whole query's
result in memory until the cursor is drained (100,000 submissions took ~1 GB there as one query).
A span of dates is not put in the query either, since that engine compares dates by reading every
row: the first record of the span is found by a binary search over positions in index order, and
reading stops at the first record past its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from pymongo.collection import Collection

from formplatform.agencies.models import Agency
from formplatform.exports.cells import AgencyNames, local_day, local_time
from formplatform.exports.ratings import RATING_FIELDS, RATING_HEADERS, RatingsPlan, rating_data, rating_meta
from formplatform.models import Submission
from formplatform.reporting.models import Report
from formplatform.satisfaction.models import Rating
from renderers.export_plan import Cell, ExportPlan, Record

WINDOW = 1000


def _answers(doc: dict[str, Any]) -> dict[str, Any]:
    return doc.get("data") or {}


@dataclass(frozen=True)
class Source:
    collection: Callable[[], Collection]
    order: list[tuple[str, int]]
    meta_headers: tuple[Any, ...]
    fields: tuple[str, ...]
    meta: Callable[[dict[str, Any], AgencyNames, Callable[[Any], str], Callable[[str], str]], list[Cell]]
    data: Callable[[dict[str, Any]], dict[str, Any]] = _answers  # what the plan reads of a record
    plan: Callable[..., Any] = ExportPlan  # (versions, meta headers, wording) -> tables and rows


def _agency(doc: dict[str, Any], agencies: AgencyNames, label: Callable[[Any], str]) -> list[Cell]:
    code, name = agencies.get(doc.get("agency_id") or "", ("", None))
    return [code or None, label(name) if name else None]


def _submission_meta(doc: dict[str, Any], agencies: AgencyNames, label: Any, word: Any) -> list[Cell]:
    return [local_time(doc.get("submitted_at")), *_agency(doc, agencies, label), doc.get("source")]


def _report_meta(doc: dict[str, Any], agencies: AgencyNames, label: Any, word: Any) -> list[Cell]:
    from formplatform.reporting.campaign_words import REPORT_STATUS_LABELS

    state = doc.get("state") or ""
    return [
        *_agency(doc, agencies, label),
        doc.get("period_key"),
        local_day(doc.get("period_start")),
        local_day(doc.get("period_end")),
        word(REPORT_STATUS_LABELS[state]) if state in REPORT_STATUS_LABELS else state,
        local_time(doc.get("submitted_at")),
        local_time(doc.get("accepted_at")),
    ]


SOURCES: dict[str, Source] = {
    "submissions": Source(
        collection=Submission._get_collection,
        order=[("submitted_at", 1)],
        meta_headers=(_l("Submitted at"), _l("Agency code"), _l("Agency"), _l("Source")),
        fields=("version", "data", "agency_id", "submitted_at", "source"),
        meta=_submission_meta,
    ),
    "reports": Source(
        collection=Report._get_collection,
        order=[("period_end", 1), ("agency_id", 1)],
        meta_headers=(
            _l("Agency code"),
            _l("Agency"),
            _l("Period"),
            _l("Period start"),
            _l("Period end"),
            _l("Status"),
            _l("Submitted at"),
            _l("Accepted at"),
        ),
        fields=("version", "data", "agency_id", "period_key", "period_start", "period_end", "state", "submitted_at")
        + ("accepted_at",),
        meta=_report_meta,
    ),
    # every rating of the satisfaction questionnaire, oldest capture first (index -created_at)
    "ratings": Source(
        collection=Rating._get_collection,
        order=[("created_at", 1)],
        meta_headers=RATING_HEADERS,
        fields=RATING_FIELDS,
        meta=rating_meta,
        data=rating_data,
        plan=RatingsPlan,
    ),
}


def agency_names(query: dict[str, Any]) -> AgencyNames:
    """Codes and names of the agencies an export may meet (its scope, or every agency for the whole city)."""
    restriction = {"_id": query["agency_id"]} if "agency_id" in query else {}
    return {a.id: (a.code, a.name) for a in Agency.objects(__raw__=restriction).only("id", "code", "name")}


def records(source: Source, query: dict[str, Any], agencies: AgencyNames, label: Any, word: Any) -> Iterator[Record]:
    """Every selected record in order, a window at a time (see the module's note)."""
    for doc in ordered_documents(source, query):
        meta = source.meta(doc, agencies, label, word)
        yield Record(str(doc["_id"]), int(doc.get("version") or 0), source.data(doc), meta)


def ordered_documents(source: Source, query: dict[str, Any], window: int = WINDOW) -> Iterator[dict[str, Any]]:
    """The documents `query` selects, in the source's order, read by windows of `window` documents."""
    collection, order = source.collection(), [*source.order, ("_id", 1)]
    moment = order[0][0]  # the leading sort key; a span of dates on it is applied by position
    span = query.get(moment) if isinstance(query.get(moment), dict) else {}
    base = {name: value for name, value in query.items() if name != moment or not span}
    offset = _first_not_before(collection, base, order, span["$gte"]) if "$gte" in span else 0
    projection = {name: 1 for name in source.fields}
    while True:
        found = list(collection.find(base, projection).sort(order).skip(offset).limit(window))
        for doc in found:
            if "$lte" in span and _past(doc.get(moment), span["$lte"]):
                return
            yield doc
        if len(found) < window:
            return
        offset += len(found)


def _past(value: Any, end: datetime) -> bool:
    return isinstance(value, datetime) and value > end


def _first_not_before(collection: Collection, query: dict[str, Any], order: list[tuple[str, int]], start: Any) -> int:
    """The position (in `order`) of the first document whose leading key is not before `start`.

    Found by doubling, then halving, a position: each probe reads one document's key, and walks the
    index to its position, so the search costs a few index walks and never a comparison of dates.
    """
    field = order[0][0]

    def before(position: int) -> bool:
        doc = next(iter(collection.find(query, {field: 1}).sort(order).skip(position).limit(1)), None)
        return doc is not None and (not isinstance(doc.get(field), datetime) or doc[field] < start)

    if not before(0):
        return 0
    low, high = 0, 1
    while before(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if before(middle) else (low, middle)
    return high
