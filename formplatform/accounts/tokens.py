"""API tokens: user tokens and integration clients. Only a token's SHA-256 is stored; it is shown once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from formplatform.accounts.checks import check_token_request
from formplatform.accounts.models import ApiToken, User
from formplatform.audit.services import record_event
from formplatform.errors import Invalid
from formplatform.models import utcnow

# Writing "last used" on every call would turn each API read into a write; once a minute is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


# nx-27017 stores a datetime written with a top-level `$set` as text; `$currentDate` keeps the type,
# so times of "now" are written with it (portable to MongoDB and mongomock alike).
def stamp(*fields: str) -> dict[str, Any]:
    """A raw update setting `fields` to the database server's current time."""
    return {"$currentDate": {field: True for field in fields}}


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_status(record: ApiToken) -> str:
    """Whether the token is active, revoked or expired."""
    if record.revoked_at is not None:
        return "revoked"
    return "active" if record.expires_at > utcnow() else "expired"


def issue_token(user: User, *, hours: int, name: str = "") -> tuple[str, ApiToken]:
    """A user's bearer token; the plain token is returned once and only its hash is stored."""
    token = "fp_" + secrets.token_urlsafe(32)
    record = ApiToken(
        token_hash=_digest(token), kind="user", user_id=user.id, name=name, expires_at=utcnow() + timedelta(hours=hours)
    )
    record.save(force_insert=True)
    record_event("token.issue", actor=user, target_type="token", target_id=record.id, details={"kind": "user"})
    return token, record


def issue_integration_token(
    name: str, scopes: list[str], agency_id: str, days: int, actor: User
) -> tuple[str, ApiToken]:
    """A token for another system, limited to `scopes` over one agency subtree, expiring after `days`."""
    token = "fpi_" + secrets.token_urlsafe(32)
    record = ApiToken(
        token_hash=_digest(token),
        kind="integration",
        name=name,
        scopes=scopes,
        agency_id=agency_id,
        created_by=actor.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    record.save(force_insert=True)
    record_event(
        "token.issue",
        actor=actor,
        target_type="token",
        target_id=record.id,
        agency_id=agency_id,
        after={"name": name, "scopes": scopes, "agency_id": agency_id, "days": days, "kind": "integration"},
    )
    return token, record


def issue_client_token(name: str, scopes: list[str], agency_id: str, days: Any, actor: User) -> tuple[str, ApiToken]:
    """Check an administrator's request for an integration client, then issue its token."""
    problems = check_token_request(actor, name, scopes, agency_id, days)
    if problems:
        raise Invalid(problems)
    return issue_integration_token(name.strip(), sorted(set(scopes)), agency_id, days, actor)


def revoke_token(record: ApiToken, actor: User) -> None:
    """Revoke a token at once (idempotent)."""
    before = token_status(record)
    ApiToken.objects(id=record.id, revoked_at=None).update_one(__raw__=stamp("revoked_at"))
    record.reload()
    record_event(
        "token.revoke",
        actor=actor,
        target_type="token",
        target_id=record.id,
        agency_id=record.agency_id,
        before={"status": before, "name": record.name},
        after={"status": token_status(record), "name": record.name},
    )


def revoke_user_tokens(user: User) -> None:
    ApiToken.objects(user_id=user.id, revoked_at=None).update(__raw__=stamp("revoked_at"))


def principal_for_token(token: str) -> User | ApiToken | None:
    """The active user behind a user token, or the integration token itself; None if invalid."""
    record = ApiToken.objects(token_hash=_digest(token)).first()
    if record is None or not record.active:
        return None
    if record.kind == "integration":
        _touch(record)
        return record
    user = User.objects(id=record.user_id).first()
    return user if user is not None and user.can_log_in and not user.must_change_password else None


def _touch(record: ApiToken) -> None:
    now = utcnow()
    last = record.last_used_at
    if not isinstance(last, datetime) or now - last > LAST_USED_PRECISION:
        ApiToken.objects(id=record.id).update_one(__raw__=stamp("last_used_at"))
        record.last_used_at = now
