"""REST API v1 routes of the agencies area."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import Field

from formplatform.agencies import services
from formplatform.agencies.models import AGENCY_TYPES, Agency
from formplatform.api import json_body
from formplatform.apispec import AUTH, CountedPage, Open, Paging, api, ok, paging
from formplatform.auth import current_principal
from formplatform.errors import BadRequest
from formplatform.permissions import require, scope_filter
from formplatform.security import protect_session_writes

bp = Blueprint("agencies_api", __name__, url_prefix="/api/v1")
bp.before_request(protect_session_writes)


class AgencyQuery(Paging):
    q: str | None = Field(None, max_length=200, description="Searches codes and names")
    type: str | None = Field(None, max_length=64, description="One of: " + ", ".join(AGENCY_TYPES) + ".")


def agency_record(agency: Agency) -> dict[str, Any]:
    """An agency as the API shows it."""
    return {
        "id": agency.id,
        "code": agency.code,
        "name": dict(agency.name or {}),
        "type": agency.type,
        "parent_id": agency.parent_id,
        "ancestors": list(agency.ancestors or []),
        "active": agency.active,
        "contact": dict(agency.contact or {}),
        "updated_at": agency.updated_at.isoformat() + "Z" if agency.updated_at else None,
    }


@bp.get("/agencies")
@api.validate(query=AgencyQuery, resp=ok(CountedPage), tags=["agencies"], security=AUTH)
def list_agencies() -> Any:
    """Agencies the caller may read, by code; `?q=` searches code and names, `?type=` filters."""
    scope = scope_filter(current_principal(), "agencies.read", field="_id")
    page, per_page = paging()
    kind = request.args.get("type") or None
    if kind is not None and kind not in AGENCY_TYPES:
        raise BadRequest("bad_agency_type")
    query = services.search_agencies(request.args.get("q") or "", scope, kind)
    total = query.count()
    items = query.skip((page - 1) * per_page).limit(per_page)
    return jsonify({"items": [agency_record(a) for a in items], "total": total, "page": page, "per_page": per_page})


@bp.get("/agencies/<agency_id>")
@api.validate(resp=ok(Open), tags=["agencies"], security=AUTH)
def read_agency(agency_id: str) -> Any:
    """One agency in the caller's scope"""
    require(current_principal(), "agencies.read", agency_id, hide=True)
    return jsonify(agency_record(services.get_agency(agency_id)))


@bp.put("/agencies/<agency_id>/contact")
@api.validate(json=Open, resp=ok(Open), tags=["agencies"], security=AUTH)
def put_contact(agency_id: str) -> Any:
    """Replace the contact person; 422 lists every problem by field."""
    principal = current_principal()
    require(principal, "agency.contact.edit", agency_id, hide=True)
    agency = services.get_agency(agency_id)
    body = json_body()  # an object: the declaration checked it
    return jsonify(agency_record(services.update_contact(agency, body, principal)))
