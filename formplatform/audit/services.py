"""Recording audit events from services; the request supplies where the action came from."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from formplatform.audit.models import AuditEvent

SECRET_KEYS = {"password", "password_hash", "token", "token_hash", "content"}


def _clean(values: dict[str, Any] | None) -> dict[str, Any]:
    """Drop secrets and make values storable (no `$`/`.` in keys)."""
    if not values:
        return {}
    return {str(k).replace(".", "_").lstrip("$"): ("***" if k in SECRET_KEYS else v) for k, v in values.items()}


def record_event(
    action: str,
    *,
    actor: Any = None,
    target_type: str = "",
    target_id: str = "",
    agency_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    outcome: str = "ok",
    actor_name: str = "",
) -> AuditEvent:
    """Append one event; `actor` is a User, an ApiToken of an integration client, or None."""
    event = AuditEvent(
        action=action,
        outcome=outcome,
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name or getattr(actor, "username", None) or getattr(actor, "name", "") or "",
        target_type=target_type,
        target_id=target_id or "",
        # without an explicit agency the event concerns the acting person's agency, so that the
        # administrators of that agency (not only city-wide ones) see it
        agency_id=agency_id if agency_id is not None else getattr(actor, "agency_id", None),
        before=_clean(before),
        after=_clean(after),
        details=_clean(details),
    )
    if has_request_context():
        event.ip = request.remote_addr or ""
        event.user_agent = (request.user_agent.string or "")[:300]
    event.save()
    return event
