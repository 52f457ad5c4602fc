"""HTML pages of the audit area: the log with its filters, and its CSV export. Nothing here edits an event."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _

from formplatform.audit.labels import (
    ACTION_LABELS,
    ACTION_PREFIXES,
    OUTCOME_LABELS,
    action_label,
    outcome_label,
    target_label,
)
from formplatform.audit.models import AuditEvent
from formplatform.audit.services import record_event
from formplatform.auth import current_principal, current_user, require_permission
from formplatform.errors import BadRequest
from formplatform.models import utcnow
from formplatform.paging import Page, combine, page_number, page_of
from formplatform.permissions import scope_filter

bp = Blueprint("audit", __name__, template_folder="templates")
PER_PAGE = 50
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
# Spreadsheets run cells starting with these as formulas; user names typed at the login page land here.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class AuditQuery:
    """The filters of the log, as typed (dates parsed). Dates are calendar days in UTC, both inclusive."""

    action: str = ""
    actor: str = ""
    target: str = ""
    outcome: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def link_args(self) -> dict[str, str]:
        """The non-empty filters, for links that keep them (pages, export)."""
        values = asdict(self)
        for key in ("date_from", "date_to"):
            values[key] = values[key].strftime("%d/%m/%Y") if values[key] else ""
        return {k: v for k, v in values.items() if v}


def parse_date(text: str, field: str) -> date | None:
    """dd/mm/yyyy as Vietnamese users write it (also with - or .), or ISO yyyy-mm-dd; BadRequest otherwise."""
    text = text.strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if 1900 <= parsed.year <= 9000:
            return parsed
    raise BadRequest("bad_date", field=field)


def parse_query(args: Mapping[str, str]) -> AuditQuery:
    """Read the filters from a query string; a bad date, range or outcome is a 400 with a stable code."""
    query = AuditQuery(
        action=(args.get("action") or "").strip().lower()[:64],
        actor=(args.get("actor") or "").strip()[:64],
        target=(args.get("target") or "").strip()[:64],
        outcome=(args.get("outcome") or "").strip(),
        date_from=parse_date(args.get("date_from") or "", "date_from"),
        date_to=parse_date(args.get("date_to") or "", "date_to"),
    )
    if query.outcome not in ("", "ok", "failed"):
        raise BadRequest("bad_outcome", field="outcome")
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise BadRequest("bad_date_range", field="date_to")
    return query


def raw_filter(query: AuditQuery, principal: Any, *extra: dict[str, Any]) -> dict[str, Any]:
    """The MongoDB filter: the caller's scope and every filter (portable regexes only, DESIGN §4)."""
    clauses: list[dict[str, Any]] = list(extra)
    scope = scope_filter(principal, "audit.read")
    if scope is not None:
        clauses.append(scope)  # events with no agency belong to the root: only city-wide readers see them
    if query.action:
        clauses.append({"action": {"$regex": "^" + re.escape(query.action)}})
    if query.actor:
        clauses.append({"actor_name": {"$regex": re.escape(query.actor), "$options": "i"}})
    if query.target:
        clauses.append({"target_id": query.target})
    if query.outcome:
        clauses.append({"outcome": query.outcome})
    if query.date_from:
        clauses.append({"at": {"$gte": datetime.combine(query.date_from, time.min)}})
    if query.date_to:
        clauses.append({"at": {"$lt": datetime.combine(query.date_to + timedelta(days=1), time.min)}})
    return combine(clauses)


def find_events(query: AuditQuery, principal: Any, page: int, per_page: int) -> Page[AuditEvent]:
    """One page of matching events, newest first (never counted, see paging.py)."""
    return page_of(AuditEvent.objects(__raw__=raw_filter(query, principal)).order_by("-at", "-id"), page, per_page)


def show_value(value: Any) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def diff_rows(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, str]]:
    """Key by key: the value before and after, and `changed`, `added`, `removed` or '' (same, or no diff)."""
    rows = []
    for key in [*before, *(k for k in after if k not in before)]:
        status = ""
        if before and after:
            if key not in before:
                status = "added"
            elif key not in after:
                status = "removed"
            elif before[key] != after[key]:
                status = "changed"
        shown_before = show_value(before[key]) if key in before else "—"
        shown_after = show_value(after[key]) if key in after else "—"
        value = shown_after if key in after else shown_before
        rows.append({"key": key, "before": shown_before, "after": shown_after, "value": value, "status": status})
    return rows


@bp.context_processor
def audit_helpers() -> dict[str, Any]:
    return {
        "action_labels": ACTION_LABELS,
        "action_prefixes": ACTION_PREFIXES,
        "outcome_labels": OUTCOME_LABELS,
        "action_label": action_label,
        "outcome_label": outcome_label,
        "target_label": target_label,
        "diff_rows": diff_rows,
        "show_value": show_value,
        "time_format": TIME_FORMAT,
    }


@bp.get("/admin/audit")
@require_permission("audit.read")
def audit_log() -> Any:
    """The log: filters, one page of events newest first, each with its before/after."""
    error, error_field, status = None, "", 200
    query, page = AuditQuery(), Page[AuditEvent](number=page_number(request.args.get("page")), per_page=PER_PAGE)
    try:
        query = parse_query(request.args)
        page = find_events(query, current_principal(), page.number, PER_PAGE)
    except BadRequest as failure:
        error, error_field, status = failure.payload()["message"], failure.params.get("field", ""), 400
    form_keys = ("action", "actor", "target", "outcome", "date_from", "date_to")
    return render_template(
        "audit/log.html",
        form={key: (request.args.get(key) or "").strip()[:64] for key in form_keys},
        links=query.link_args(),
        error=error,
        error_field=error_field,
        items=page.items,
        page=page,
        filtered=bool(query.link_args()) or error is not None,
    ), status


CSV_COLUMNS = (
    "time_utc",
    "action",
    "action_label",
    "outcome",
    "actor_name",
    "actor_id",
    "target_type",
    "target_id",
    "agency_id",
    "ip",
    "user_agent",
    "before",
    "after",
    "details",
)


def csv_cells(event: AuditEvent) -> list[str]:
    """One event as spreadsheet cells; text that looks like a formula is defused."""
    cells = [
        event.at.strftime(TIME_FORMAT),
        event.action,
        action_label(event.action),
        event.outcome,
        event.actor_name,
        event.actor_id or "",
        event.target_type,
        event.target_id,
        event.agency_id or "",
        event.ip,
        event.user_agent,
        *(json.dumps(v, ensure_ascii=False, sort_keys=True, default=str) if v else "" for v in _changes(event)),
    ]
    return ["'" + c if c.startswith(FORMULA_STARTS) else c for c in cells]


def _changes(event: AuditEvent) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return dict(event.before or {}), dict(event.after or {}), dict(event.details or {})


def _csv_lines(events: Any) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()  # the BOM makes Excel read UTF-8 (Vietnamese) correctly
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(csv_cells(event))
        yield buffer.getvalue()


@bp.get("/admin/audit.csv")
@require_permission("audit.read")
def audit_csv() -> Any:
    """The filtered events as CSV, streamed; the export is itself recorded (and left out of the file)."""
    query = parse_query(request.args)
    principal = current_principal()
    user = current_user()
    export = record_event(
        "audit.export",
        actor=principal,
        target_type="audit",
        agency_id=getattr(user, "agency_id", None),
        details={"filters": query.link_args(), "format": "csv"},
    )
    events = AuditEvent.objects(__raw__=raw_filter(query, principal, {"_id": {"$ne": export.id}})).order_by("-at")
    filename = f"audit-{utcnow():%Y%m%d-%H%M%S}.csv"
    return Response(
        stream_with_context(_csv_lines(events)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
