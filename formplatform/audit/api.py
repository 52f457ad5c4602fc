"""REST API v1 routes of the audit area: reading the log (there is no route that changes it)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from formplatform.audit.labels import action_label
from formplatform.audit.models import AuditEvent
from formplatform.audit.views import PER_PAGE, find_events, parse_query
from formplatform.auth import current_principal, require_permission
from formplatform.errors import BadRequest
from formplatform.paging import MAX_PAGE, page_body
from formplatform.security import protect_session_writes

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1")
bp.before_request(protect_session_writes)


def event_record(event: AuditEvent) -> dict[str, Any]:
    """An event as the API shows it (times in UTC, ISO 8601)."""
    return {
        "id": event.id,
        "at": event.at.isoformat() + "Z",
        "action": event.action,
        "action_label": action_label(event.action),
        "outcome": event.outcome,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "agency_id": event.agency_id,
        "before": dict(event.before or {}),
        "after": dict(event.after or {}),
        "details": dict(event.details or {}),
    }


def _page_args() -> tuple[int, int]:
    """?page= and ?per_page= (1–100, default 50), with a 400 on nonsense."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", PER_PAGE))
    except ValueError as error:
        raise BadRequest("bad_page") from error
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= 100:
        raise BadRequest("bad_page")
    return page, per_page


@bp.get("/audit")
@require_permission("audit.read")
def list_events() -> Any:
    """Audit events in the caller's scope, newest first, with the filters of the audit page."""
    query = parse_query(request.args)
    page, per_page = _page_args()
    found = find_events(query, current_principal(), page, per_page)
    return jsonify(page_body(found, [event_record(e) for e in found.items]))
