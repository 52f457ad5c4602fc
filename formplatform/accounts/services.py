"""Accounts: passwords, logins with lockout and throttling, account life cycle, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from formplatform.accounts.models import ApiToken, LoginThrottle, RoleGrant, User
from formplatform.audit.services import record_event
from formplatform.errors import BadRequest, Conflict, TooManyRequests, Unauthorized
from formplatform.models import utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
ADDRESS_WINDOW_MINUTES = 10
MAX_FAILURES_PER_ADDRESS = 30
COMMON_PASSWORDS = {"1234567890", "0123456789", "password123", "matkhau123", "qwertyuiop", "abc123456789"}


def check_password_policy(password: str, username: str = "") -> None:
    """At least 10 characters, letters and digits, not the user name, not a well-known password."""
    text = password or ""
    if len(text) < MIN_PASSWORD_LENGTH:
        raise BadRequest("password_too_short", limit=MIN_PASSWORD_LENGTH)
    if not any(c.isalpha() for c in text) or not any(c.isdigit() for c in text):
        raise BadRequest("password_too_simple")
    if text.lower() in COMMON_PASSWORDS or (username and username.lower() in text.lower()):
        raise BadRequest("password_too_simple")


def hash_password(password: str, username: str = "") -> str:
    """Argon2id hash of a password that meets the policy."""
    check_password_policy(password, username)
    return _hasher.hash(password)


def temporary_password() -> str:
    """A random password that meets the policy, for new accounts and resets."""
    return secrets.token_urlsafe(9) + str(secrets.randbelow(10)) + "a"


def create_user(
    username: str,
    password: str,
    *,
    roles: list[tuple[str, str]] | None = None,
    agency_id: str | None = None,
    display_name: str = "",
    email: str = "",
    phone: str = "",
    position: str = "",
    must_change_password: bool = True,
    actor: User | None = None,
) -> User:
    """Create an active account with role grants `[(role, agency_id)]`; it must change its password first."""
    name = username.strip().lower()
    user = User(
        username=name,
        password_hash=hash_password(password, name),
        agency_id=agency_id,
        roles=[RoleGrant(role=r, agency_id=a) for r, a in roles or []],
        display_name=display_name,
        email=email,
        phone=phone,
        position=position,
        must_change_password=must_change_password,
    )
    user.save(force_insert=True)
    record_event(
        "user.create",
        actor=actor,
        target_type="user",
        target_id=user.id,
        agency_id=agency_id,
        after=user_snapshot(user),
    )
    return user


def user_snapshot(user: User) -> dict[str, Any]:
    """What the audit log keeps of an account's state (never the password hash)."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "phone": user.phone,
        "position": user.position,
        "agency_id": user.agency_id,
        "status": user.status,
        "roles": [f"{g.role}@{g.agency_id}" for g in user.roles],
    }


def _throttle_address(ip: str) -> None:
    """Count a failure from `ip`; too many in the window answers 429 for a while."""
    window = int(utcnow().timestamp() // 60 // ADDRESS_WINDOW_MINUTES)
    LoginThrottle.objects(id=f"{ip}|{window}").modify(
        upsert=True,
        new=True,
        inc__count=1,
        set_on_insert__expires_at=utcnow() + timedelta(minutes=2 * ADDRESS_WINDOW_MINUTES),
    )


def address_blocked(ip: str) -> bool:
    window = int(utcnow().timestamp() // 60 // ADDRESS_WINDOW_MINUTES)
    record = LoginThrottle.objects(id=f"{ip}|{window}").first()
    return record is not None and record.count >= MAX_FAILURES_PER_ADDRESS


def authenticate(username: str, password: str, *, ip: str = "") -> User:
    """The active user with these credentials; failures are counted, repeated ones lock the account."""
    if ip and address_blocked(ip):
        record_event("login.throttled", outcome="failed", actor_name=username[:64], details={"ip": ip})
        raise TooManyRequests()
    name = (username or "").strip().lower()
    user = User.objects(username=name).first()
    if user is not None and user.temporarily_locked():
        record_event(
            "login.failed",
            actor=user,
            outcome="failed",
            target_type="user",
            target_id=user.id,
            details={"reason": "temporarily_locked"},
        )
        raise Unauthorized("account_temporarily_locked")
    try:
        valid = user is not None and _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid or user is None or not user.can_log_in:
        _count_failure(user, name, ip, "closed" if user and user.status == "closed" else "bad_credentials")
        raise Unauthorized("invalid_credentials")
    User.objects(id=user.id).update_one(set__failed_logins=0, set__last_login_at=utcnow(), unset__locked_until=True)
    record_event("login.ok", actor=user, target_type="user", target_id=user.id)
    return user


def _count_failure(user: User | None, name: str, ip: str, reason: str) -> None:
    if ip:
        _throttle_address(ip)
    if user is None:
        record_event("login.failed", outcome="failed", actor_name=name[:64], details={"reason": "unknown_user"})
        return
    updated = User.objects(id=user.id).modify(new=True, inc__failed_logins=1)
    record_event(
        "login.failed", actor=user, outcome="failed", target_type="user", target_id=user.id, details={"reason": reason}
    )
    if updated is not None and updated.failed_logins >= MAX_FAILED_LOGINS:
        User.objects(id=user.id).update_one(set__locked_until=utcnow() + LOCKOUT, set__failed_logins=0)
        record_event(
            "login.lockout",
            actor=user,
            outcome="failed",
            target_type="user",
            target_id=user.id,
            details={"minutes": int(LOCKOUT.total_seconds() // 60)},
        )


def change_password(user: User, current: str, new: str) -> None:
    """The user changes their own password; every other session and token of theirs ends."""
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError) as error:
        raise BadRequest("wrong_current_password") from error
    if current == new:
        raise BadRequest("password_unchanged")
    _set_password(user, new, must_change=False)
    record_event("user.password_change", actor=user, target_type="user", target_id=user.id)


def reset_password(user: User, actor: User) -> str:
    """An administrator resets a password: a temporary one, to be changed at the next login."""
    password = temporary_password()
    _set_password(user, password, must_change=True)
    record_event("user.password_reset", actor=actor, target_type="user", target_id=user.id, agency_id=user.agency_id)
    return password


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    User.objects(id=user.id).update_one(
        set__password_hash=hash_password(password, user.username),
        set__must_change_password=must_change,
        set__password_changed_at=utcnow(),
        inc__session_version=1,
        set__failed_logins=0,
        unset__locked_until=True,
    )
    revoke_user_tokens(user)
    user.reload()


def set_status(user: User, status: str, actor: User) -> User:
    """Lock, unlock or close an account; a closed account never opens again. Sessions end at once."""
    if user.status == "closed":
        raise Conflict("account_closed")
    if actor.id == user.id and status != "active":
        raise BadRequest("cannot_lock_yourself")
    before = user_snapshot(user)
    changes: dict[str, Any] = {"set__status": status, "inc__session_version": 1}
    if status == "closed":
        changes["set__closed_at"] = utcnow()
    if status == "active":
        changes.update(set__failed_logins=0, unset__locked_until=True)
    User.objects(id=user.id).update_one(**changes)
    if status != "active":
        revoke_user_tokens(user)
    user.reload()
    action = {"active": "user.unlock", "locked": "user.lock", "closed": "user.close"}[status]
    record_event(
        action,
        actor=actor,
        target_type="user",
        target_id=user.id,
        agency_id=user.agency_id,
        before=before,
        after=user_snapshot(user),
    )
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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


def revoke_token(record: ApiToken, actor: User) -> None:
    """Revoke a token at once (idempotent)."""
    ApiToken.objects(id=record.id, revoked_at=None).update_one(set__revoked_at=utcnow())
    record_event("token.revoke", actor=actor, target_type="token", target_id=record.id, agency_id=record.agency_id)


def revoke_user_tokens(user: User) -> None:
    ApiToken.objects(user_id=user.id, revoked_at=None).update(set__revoked_at=utcnow())


def principal_for_token(token: str) -> User | ApiToken | None:
    """The active user behind a user token, or the integration token itself; None if invalid."""
    record = ApiToken.objects(token_hash=_digest(token)).first()
    if record is None or not record.active:
        return None
    if record.kind == "integration":
        return record
    user = User.objects(id=record.user_id).first()
    return user if user is not None and user.can_log_in and not user.must_change_password else None
