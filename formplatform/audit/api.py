"""REST API v1 routes of the audit area: reading the log (there is no route that changes it)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import Field

from formplatform.apispec import AUTH, Page, Paging, api, ok, paging
from formplatform.audit.labels import action_label
from formplatform.audit.models import AuditEvent
from formplatform.audit.views import PER_PAGE, find_events, parse_query
from formplatform.auth import current_principal, require_permission
from formplatform.paging import page_body
from formplatform.security import protect_session_writes

bp = Blueprint("audit_api", __name__, url_prefix="/api/v1")
bp.before_request(protect_session_writes)


class AuditFilters(Paging):
    per_page: int = Field(PER_PAGE, ge=1, le=100)
    action: str | None = Field(None, max_length=64)
    actor: str | None = Field(None, max_length=64)
    target: str | None = Field(None, max_length=64)
    outcome: str | None = Field(None, max_length=64, description="One of: (empty), ok, failed.")
    date_from: str | None = Field(
        None, max_length=10, description=("dd/mm/yyyy or yyyy-mm-dd (a bad date: 400 bad_date)")
    )
    date_to: str | None = Field(None, max_length=10, description="dd/mm/yyyy or yyyy-mm-dd (a bad date: 400 bad_date)")


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


@bp.get("/audit")
@require_permission("audit.read")
@api.validate(query=AuditFilters, resp=ok(Page), tags=["audit"], security=AUTH)
def list_events() -> Any:
    """Audit events in the caller's scope, newest first, with the filters of the audit page."""
    query = parse_query(request.args)
    page, per_page = paging()
    found = find_events(query, current_principal(), page, per_page)
    return jsonify(page_body(found, [event_record(e) for e in found.items]))
