"""'Forgot password' requests: anyone may ask, administrators of the account's agency answer."""

from __future__ import annotations

from datetime import timedelta

from formplatform.accounts.models import LoginThrottle, PasswordRequest, User
from formplatform.accounts.tokens import stamp
from formplatform.audit.services import record_event
from formplatform.errors import BadRequest, Conflict, NotFound, TooManyRequests
from formplatform.models import by_ids, utcnow
from formplatform.permissions import Principal, allows

REQUESTS_PER_HOUR = 5
MAX_LISTED = 500


def _count_request(ip: str) -> int:
    """Count one request from `ip` in the current hour (atomic upsert); returns the count so far."""
    hour = int(utcnow().timestamp() // 3600)
    return LoginThrottle.bump(f"password-request|{ip}|{hour}", utcnow() + timedelta(hours=2))


def request_password_reset(username: str, message: str, ip: str) -> PasswordRequest:
    """Record a request for the administrators; whether the account exists is never revealed to the caller."""
    name = (username or "").strip().lower()[:64]
    if not name:
        raise BadRequest("username_required")
    if ip and _count_request(ip) > REQUESTS_PER_HOUR:
        record_event("password.request", outcome="failed", actor_name=name, details={"reason": "throttled"})
        raise TooManyRequests()
    user = User.objects(username=name).only("id", "agency_id").first()
    request = PasswordRequest(
        username=name, user_id=user.id if user else None, message=(message or "").strip()[:500], ip=ip
    )
    request.save(force_insert=True)
    record_event(
        "password.request",
        actor_name=name,
        target_type="user",
        target_id=user.id if user else "",
        agency_id=user.agency_id if user else None,
        details={"request": request.id, "known_account": user is not None},
    )
    return request


def resolve_password_request(request: PasswordRequest, actor: User, status: str = "done") -> PasswordRequest:
    """Mark an open request as done (password reset) or dismissed; a handled request stays as it is."""
    if status not in ("done", "dismissed"):
        raise BadRequest()
    changed = PasswordRequest.objects(id=request.id, status="open").update_one(
        set__status=status, set__handled_by=actor.id, __raw__=stamp("handled_at")
    )
    if not changed:
        raise Conflict("request_closed")
    request.reload()
    owner = User.objects(id=request.user_id).only("agency_id").first() if request.user_id else None
    record_event(
        "password.request_" + status,
        actor=actor,
        target_type="password_request",
        target_id=request.id,
        agency_id=owner.agency_id if owner else None,
        before={"status": "open"},
        after={"status": status, "username": request.username},
    )
    return request


def _owners(requests: list[PasswordRequest]) -> dict[str, User]:
    fields = ("id", "agency_id", "username", "status", "display_name")
    return by_ids(User.objects.only(*fields), (r.user_id for r in requests))


def open_password_requests(principal: Principal) -> list[tuple[PasswordRequest, User | None]]:
    """Open requests the caller may answer: their account's home agency is in the users.manage scope."""
    # Requests naming no existing account belong to the root, like any data without an agency.
    requests = list(PasswordRequest.objects(status="open").order_by("-created_at").limit(MAX_LISTED))
    owners = _owners(requests)
    visible = []
    for request in requests:
        owner = owners.get(request.user_id or "")
        if allows(principal, "users.manage", owner.agency_id if owner else None):
            visible.append((request, owner))
    return visible


def get_password_request(principal: Principal, request_id: str) -> PasswordRequest:
    """An open or handled request the caller may answer; 404 otherwise."""
    request = PasswordRequest.objects(id=request_id).first()
    owner = User.objects(id=request.user_id).only("agency_id").first() if request and request.user_id else None
    if request is None or not allows(principal, "users.manage", owner.agency_id if owner else None):
        raise NotFound()
    return request
