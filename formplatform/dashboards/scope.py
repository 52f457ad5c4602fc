"""Whose figures a viewer may see: the agencies of their `dashboards.read` subtrees, nothing else."""

from __future__ import annotations

from typing import Any

from formplatform.agencies.models import Agency
from formplatform.errors import NotFound, Unauthorized
from formplatform.models import by_ids
from formplatform.permissions import Principal, allows, scope_filter

READ = "dashboards.read"
AGENCY_FIELDS = ("id", "code", "name", "type", "parent_id", "active")


def report_filter(principal: Principal | None) -> dict[str, Any]:
    """Raw filter on a document's agency_id for the viewer's scope ({} = the whole city)."""
    return scope_filter(principal, READ) or {}


def agency_filter(principal: Principal | None) -> dict[str, Any]:
    """Raw filter on agencies' _id for the viewer's scope ({} = the whole city)."""
    return scope_filter(principal, READ, field="_id") or {}


def checked_agencies(principal: Principal | None, ids: list[str]) -> list[Agency]:
    """The asked-for agencies, in the given order, when every one lies in the viewer's scope; 404 otherwise.

    404 rather than 403: whether another district's agency id exists is not the viewer's business.
    """
    if principal is None:
        raise Unauthorized()
    for agency_id in ids:
        if not allows(principal, READ, agency_id):
            raise NotFound()
    found = by_ids(Agency.objects.only(*AGENCY_FIELDS), ids)
    return [found[i] for i in ids if i in found]


def agencies_by_id(ids: set[str] | list[str]) -> dict[str, Agency]:
    return by_ids(Agency.objects.only(*AGENCY_FIELDS), ids)
