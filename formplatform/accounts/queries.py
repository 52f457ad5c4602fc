"""Reading accounts, agencies and integration clients within the caller's scope (404 beyond it)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from formplatform.accounts.models import ROLES, STATUSES, ApiToken, User
from formplatform.agencies.models import Agency
from formplatform.errors import NotFound
from formplatform.models import by_ids
from formplatform.permissions import Principal, require, scope_filter


def _subtree_ids(root_id: str) -> list[str]:
    return [a.id for a in Agency.objects(__raw__=Agency.subtree_query(root_id)).only("id")]


def user_filter(
    principal: Principal | None, *, q: str = "", agency_id: str = "", role: str = "", status: str = ""
) -> dict[str, Any]:
    """A raw filter: accounts whose home agency is in the caller's users.manage scope, narrowed by search."""
    clauses: list[dict[str, Any]] = []
    scope = scope_filter(principal, "users.manage")
    if scope is not None:
        clauses.append(scope)
    if q:
        pattern = {"$regex": re.escape(q), "$options": "i"}
        clauses.append({"$or": [{"username": pattern}, {"display_name": pattern}, {"email": pattern}]})
    if agency_id:
        clauses.append({"agency_id": {"$in": _subtree_ids(agency_id)}})
    if role in ROLES:
        clauses.append({"roles.role": role})
    if status in STATUSES:
        clauses.append({"status": status})
    if not clauses:
        return {}
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def list_users(
    principal: Principal | None, *, page: int = 1, per_page: int = 20, **filters: str
) -> tuple[list[User], int]:
    """One page of the accounts the caller manages, by user name, with the total count."""
    query = User.objects(__raw__=user_filter(principal, **filters)).exclude("password_hash")
    total = query.count()
    items = list(query.order_by("username").skip((page - 1) * per_page).limit(per_page))
    return items, total


def get_managed_user(principal: Principal | None, user_id: str) -> User:
    """The account if its home agency is in the caller's users.manage scope; 404 otherwise."""
    user = User.objects(id=user_id).first()
    if user is None:
        raise NotFound()
    require(principal, "users.manage", user.agency_id, hide=True)
    return user


def agencies_by_id(ids: Iterable[str | None]) -> dict[str, Agency]:
    """The agencies with these ids, in one query."""
    return by_ids(Agency.objects, ids)


def agency_choices(principal: Principal | None, permission: str = "users.manage") -> list[Agency]:
    """Agencies in the caller's scope for `permission`, in tree order (parents before children)."""
    scope = scope_filter(principal, permission, field="_id")
    agencies = list(Agency.objects(__raw__=scope or {}).only("id", "code", "name", "ancestors", "active"))
    codes = {a.id: a.code for a in agencies}
    return sorted(agencies, key=lambda a: [codes.get(i, "") for i in a.lineage])


def list_client_tokens(principal: Principal | None) -> list[ApiToken]:
    """Integration clients of agencies in the caller's tokens.manage scope, newest first."""
    scope = scope_filter(principal, "tokens.manage")
    return list(ApiToken.objects(__raw__={**(scope or {}), "kind": "integration"}).order_by("-created_at"))


def get_client_token(principal: Principal | None, token_id: str) -> ApiToken:
    """An integration client's token record within the caller's tokens.manage scope; 404 otherwise."""
    record = ApiToken.objects(id=token_id, kind="integration").first()
    if record is None:
        raise NotFound()
    require(principal, "tokens.manage", record.agency_id, hide=True)
    return record
