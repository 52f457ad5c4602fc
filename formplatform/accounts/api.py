"""REST API v1 routes of the accounts area: who is calling, and the accounts an administrator manages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import Field

from formplatform.accounts import queries
from formplatform.accounts.models import ApiToken, User
from formplatform.accounts.tokens import token_status
from formplatform.agencies.models import Agency
from formplatform.apispec import AUTH, CountedPage, Open, Paging, api, ok, paging
from formplatform.auth import current_principal, require_permission
from formplatform.errors import Unauthorized
from formplatform.security import protect_session_writes

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
bp.before_request(protect_session_writes)


class UserQuery(Paging):
    q: str | None = Field(None, max_length=200, description="Searches user names, names and e-mails")
    agency_id: str | None = Field(None, max_length=200)
    role: str | None = Field(None, max_length=64)
    status: str | None = Field(None, max_length=32)


def _time(value: Any) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _agency(agency: Agency | None) -> dict[str, Any] | None:
    return {"id": agency.id, "code": agency.code, "name": agency.name} if agency is not None else None


def user_record(user: User, agencies: dict[str, Agency]) -> dict[str, Any]:
    """What the API tells about an account (never its password hash)."""
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "phone": user.phone,
        "position": user.position,
        "agency": _agency(agencies.get(user.agency_id or "")),
        "roles": [
            {"role": g.role, "agency_id": g.agency_id, "agency_code": getattr(agencies.get(g.agency_id), "code", None)}
            for g in user.roles
        ],
        "status": user.status,
        "must_change_password": user.must_change_password,
        "last_login_at": _time(user.last_login_at),
        "created_at": _time(user.created_at),
    }


def _places(users: list[User]) -> dict[str, Agency]:
    return queries.agencies_by_id(i for u in users for i in [u.agency_id, *(g.agency_id for g in u.roles)])


def client_record(client: ApiToken) -> dict[str, Any]:
    """What the API tells an integration client about itself."""
    return {
        "type": "integration",
        "id": client.id,
        "name": client.name,
        "scopes": list(client.scopes),
        "agency": _agency(queries.agencies_by_id([client.agency_id]).get(client.agency_id or "")),
        "expires_at": _time(client.expires_at),
        "status": token_status(client),
    }


@bp.get("/me")
@api.validate(resp=ok(Open), tags=["accounts"], security=AUTH)
def me() -> Any:
    """Who is calling: a user account or an integration client"""
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    if isinstance(principal, ApiToken):
        return jsonify(client_record(principal))
    return jsonify({"type": "user", **user_record(principal, _places([principal]))})


@bp.get("/users")
@require_permission("users.manage")
@api.validate(query=UserQuery, resp=ok(CountedPage), tags=["accounts"], security=AUTH)
def list_users() -> Any:
    """Accounts the administrator manages"""
    page, per_page = paging()
    filters = {key: (request.args.get(key) or "").strip() for key in ("q", "agency_id", "role", "status")}
    items, total = queries.list_users(current_principal(), page=page, per_page=per_page, **filters)
    places = _places(items)
    return jsonify(
        {"items": [user_record(u, places) for u in items], "total": total, "page": page, "per_page": per_page}
    )


@bp.get("/users/<user_id>")
@require_permission("users.manage")
@api.validate(resp=ok(Open), tags=["accounts"], security=AUTH)
def read_user(user_id: str) -> Any:
    """One managed account"""
    user = queries.get_managed_user(current_principal(), user_id)
    return jsonify(user_record(user, _places([user])))
