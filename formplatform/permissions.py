"""Who may do what where: permissions granted by roles (or integration scopes) over agency subtrees.

Every check happens on the server. A grant on an agency covers it and everything below it; the
city committee at the root is the scope of a system administrator. Data with no agency (public
ratings, forms without an owner) belongs to the root.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context

from formplatform.accounts.models import ApiToken, User
from formplatform.agencies.models import Agency
from formplatform.errors import Forbidden, NotFound, Unauthorized

ALL_ROLES = frozenset({"admin", "designer", "reviewer", "specialist", "division_head", "agency_head", "viewer"})
PERMISSIONS: dict[str, frozenset[str]] = {
    "agencies.manage": frozenset({"admin"}),
    "agencies.read": ALL_ROLES,
    "agency.contact.edit": frozenset({"admin", "agency_head", "division_head", "specialist"}),
    "users.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    "scheduler.manage": frozenset({"admin"}),  # see and start the platform's periodic jobs
    "tokens.manage": frozenset({"admin"}),
    "signatures.manage": frozenset({"admin"}),  # load certificate revocation lists (CRL files)
    "forms.design": frozenset({"admin", "designer"}),
    "submissions.create": frozenset({"admin", "specialist", "division_head", "agency_head"}),
    "submissions.read": frozenset({"admin", "reviewer", "specialist", "division_head", "agency_head", "viewer"}),
    # Periodic reporting (formplatform/reporting): who opens campaigns, who reviews, who follows compliance.
    "campaigns.manage": frozenset({"admin", "designer", "reviewer"}),
    "reports.review": frozenset({"admin", "reviewer"}),
    "compliance.read": frozenset({"admin", "reviewer", "designer", "viewer", "agency_head"}),
    # Citizen satisfaction: who pushes dossiers, who reads and reviews ratings, who pairs kiosks.
    "dossiers.manage": frozenset({"admin", "specialist"}),
    "satisfaction.read": frozenset({"admin", "reviewer", "viewer", "agency_head", "division_head", "specialist"}),
    "satisfaction.review": frozenset({"admin", "reviewer"}),
    "kiosks.manage": frozenset({"admin"}),
    # Leaders' dashboards (formplatform/dashboards): compliance, KPI and satisfaction aggregates, in scope.
    "dashboards.read": frozenset({"admin", "reviewer", "designer", "viewer", "agency_head", "division_head"}),
}
SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    "forms:read": frozenset(),
    "submissions:read": frozenset({"submissions.read"}),
    "submissions:create": frozenset({"submissions.create"}),
    "dossiers:write": frozenset({"dossiers.manage"}),
    "satisfaction:read": frozenset({"satisfaction.read"}),
    "aggregates:read": frozenset({"dashboards.read"}),
}
Principal = User | ApiToken


def _cache() -> dict[str, Any]:
    if not has_request_context():
        return {}
    if "permission_cache" not in g:
        g.permission_cache = {}
    return g.permission_cache


def root_agency_id() -> str | None:
    """The city committee at the top of the tree."""
    cache = _cache()
    if "root" not in cache:
        root = Agency.objects(parent_id=None, type="city").only("id").first()
        cache["root"] = root.id if root else None
    return cache["root"]


def lineage(agency_id: str | None) -> list[str]:
    """The agency's ancestors and itself (root first); the root's lineage for data with no agency."""
    if agency_id is None:
        root = root_agency_id()
        return [root] if root else []
    cache = _cache()
    key = f"lineage:{agency_id}"
    if key not in cache:
        agency = Agency.objects(id=agency_id).only("id", "ancestors").first()
        cache[key] = agency.lineage if agency else []
    return cache[key]


def remember_lineages(agencies: Iterable[Agency]) -> None:
    """Keep the lineages of agencies a page has read anyway (with `ancestors`) for this request, so that
    checking a permission per row costs no look-up per row."""
    cache = _cache()
    for agency in agencies:
        cache[f"lineage:{agency.id}"] = agency.lineage


def grant_roots(principal: Principal | None, permission: str) -> set[str]:
    """Agency ids whose subtrees this principal holds `permission` over."""
    if principal is None:
        return set()
    if isinstance(principal, ApiToken):
        granted = any(permission in SCOPE_PERMISSIONS.get(s, ()) for s in principal.scopes)
        return {principal.agency_id} if granted and principal.agency_id and principal.active else set()
    if not principal.can_log_in:
        return set()
    roles = PERMISSIONS[permission]
    return {grant.agency_id for grant in principal.roles if grant.role in roles}


def allows(principal: Principal | None, permission: str, agency_id: str | None = None) -> bool:
    """Whether the principal holds `permission` over the agency (or the root when None)."""
    roots = grant_roots(principal, permission)
    return bool(roots) and any(ancestor in roots for ancestor in lineage(agency_id))


def holds_role(principal: Principal | None, role: str, agency_id: str) -> bool:
    """Whether a user holds exactly `role` for the agency (a workflow step is acted on by its role).

    A grant over the agency or an ancestor counts; so does a grant over one of the agency's own
    divisions (phòng): the head of a district's division approves that district's reports.
    """
    if not isinstance(principal, User) or not principal.can_log_in:
        return False
    roots = {grant.agency_id for grant in principal.roles if grant.role == role}
    if any(ancestor in roots for ancestor in lineage(agency_id)):
        return True
    if not roots:
        return False
    cache, key = _cache(), f"division:{principal.id}:{role}:{agency_id}"
    if key not in cache:  # once a request per agency: a to-do list asks for each of its reports
        # count(), not only("id").first(): nx-27017 drops matches when an array filter meets a projection
        cache[key] = Agency.objects(id__in=list(roots), type="division", ancestors=agency_id).count() > 0
    return bool(cache[key])


def allows_somewhere(principal: Principal | None, permission: str) -> bool:
    """Whether the principal holds `permission` over at least one agency (menus, list pages)."""
    return bool(grant_roots(principal, permission))


def scope_filter(principal: Principal | None, permission: str, field: str = "agency_id") -> dict[str, Any] | None:
    """A raw query filter restricting `field` to the principal's subtrees; None means no restriction.

    Raises Forbidden when the principal holds the permission nowhere.
    """
    roots = grant_roots(principal, permission)
    if not roots:
        raise Forbidden() if principal is not None else Unauthorized()
    root = root_agency_id()
    if root in roots:
        return None
    ids = [
        a.id
        for a in Agency.objects(
            __raw__={"$or": [{"_id": {"$in": list(roots)}}, {"ancestors": {"$in": list(roots)}}]}
        ).only("id")
    ]
    return {field: {"$in": ids}}


def require(principal: Principal | None, permission: str, agency_id: str | None = None, *, hide: bool = False) -> None:
    """Raise unless allowed: 401 without a principal; 404 when `hide` (do not reveal what exists), else 403."""
    if allows(principal, permission, agency_id):
        return
    if principal is None:
        raise Unauthorized()
    raise NotFound() if hide else Forbidden()


def design_owner(principal: Principal | None, key: str) -> str | None:
    """The agency that owns (or would own) form `key`, after checking the caller may design there.

    An existing form outside the caller's designer scope answers 404. A new form goes to the caller's
    home agency when they design there, else to the first agency they hold the designer role over.
    """
    from formplatform.models import Form

    form = Form.objects(id=key).only("id", "owner_agency_id").first()
    if form is not None:
        require(principal, "forms.design", form.owner_agency_id, hide=True)
        return form.owner_agency_id
    home = getattr(principal, "agency_id", None)
    if isinstance(principal, User) and allows(principal, "forms.design", home):
        return home
    roots = sorted(grant_roots(principal, "forms.design"))
    if not roots:
        require(principal, "forms.design")
    return roots[0]
