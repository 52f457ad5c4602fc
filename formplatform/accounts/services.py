"""Accounts: passwords, logins with lockout and throttling, account life cycle, API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from mongoengine import NotUniqueError

from form_definitions.problems import Problem
from formplatform.accounts.checks import check_authority, check_details, check_grants, clean_details
from formplatform.accounts.models import LoginThrottle, PasswordRequest, RoleGrant, User
from formplatform.accounts.password_requests import (  # noqa: F401 - re-exported
    request_password_reset,
    resolve_password_request,
)
from formplatform.accounts.tokens import (  # noqa: F401 - re-exported: callers import token functions from here
    issue_client_token,
    issue_integration_token,
    issue_token,
    principal_for_token,
    revoke_token,
    revoke_user_tokens,
    stamp,
)
from formplatform.audit.services import record_event
from formplatform.errors import BadRequest, Conflict, Invalid, TooManyRequests, Unauthorized
from formplatform.models import utcnow

_hasher = PasswordHasher()


def configure_hashing(time_cost: int, memory_kib: int) -> None:
    """Set Argon2id cost for new hashes (config ARGON2_TIME_COST, ARGON2_MEMORY_KIB; tests use less)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


# Generated temporary passwords carry ~75 random bits, so they need no slow key stretching; lighter
# parameters keep a 1000-row import in seconds. Verification reads the parameters from each hash.
_temporary_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
MIN_PASSWORD_LENGTH = 10
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
ADDRESS_WINDOW_MINUTES = 10
MAX_FAILURES_PER_ADDRESS = 30
EDITABLE = ("display_name", "email", "phone", "position", "agency_id")
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


def hash_password(password: str, username: str = "", *, generated: bool = False) -> str:
    """Argon2id hash of a password that meets the policy (lighter for a generated temporary one)."""
    check_password_policy(password, username)
    return (_temporary_hasher if generated else _hasher).hash(password)


def temporary_password() -> str:
    """A random password that meets the policy, for new accounts and resets."""
    return secrets.token_urlsafe(9) + str(secrets.randbelow(10)) + "a"


def _temporary_password_for(username: str) -> str:
    """A temporary password that passes the policy for this user name (retried in the rare clash)."""
    while True:
        password = temporary_password()
        if username.lower() not in password.lower():
            return password


def create_account(fields: dict[str, Any], roles: list[tuple[str, str]], actor: User) -> tuple[User, str]:
    """An administrator opens an account within their scope; returns it with its temporary password."""
    fields = clean_details({"username": "", **fields})
    roles = _unique(roles)
    problems = check_details(fields, new=True) + check_grants(actor, fields.get("agency_id"), roles)
    if not problems and User.objects(username=fields["username"]).only("id").first() is not None:
        problems.append(Problem("username", "username_taken"))
    if problems:
        raise Invalid(problems)
    password = _temporary_password_for(fields["username"])
    try:
        user = create_user(
            fields["username"],
            password,
            roles=roles,
            agency_id=fields["agency_id"],
            **{key: fields.get(key, "") for key in ("display_name", "email", "phone", "position")},
            must_change_password=True,
            actor=actor,
            generated=True,
        )
    except NotUniqueError as error:
        raise Invalid([Problem("username", "username_taken")]) from error
    return user, password


def _unique(roles: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys((str(r or "").strip(), str(a or "").strip()) for r, a in roles))


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
    generated: bool = False,
) -> User:
    """Create an active account with role grants `[(role, agency_id)]`; it must change its password first."""
    name = username.strip().lower()
    user = User(
        username=name,
        password_hash=hash_password(password, name, generated=generated),
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


def update_user(user: User, changes: dict[str, Any], roles: list[tuple[str, str]] | None, actor: User) -> User:
    """Change an account's details and, when `roles` is given, its grants; each change is audited."""
    if user.status == "closed":
        raise Conflict("account_closed")
    check_authority(actor, user)
    details = clean_details({key: changes[key] for key in EDITABLE if key in changes})
    merged = {**{key: getattr(user, key) for key in EDITABLE}, **details}
    current = [(grant.role, grant.agency_id) for grant in user.roles]
    grants = current if roles is None else _unique(roles)
    if set(grants) != set(current) and actor.id == user.id:
        raise BadRequest("cannot_change_own_roles")
    problems = check_details(merged, new=False) + check_grants(actor, merged["agency_id"], grants)
    if problems:
        raise Invalid(problems)
    before = user_snapshot(user)
    if any(merged[key] != getattr(user, key) for key in EDITABLE):
        User.objects(id=user.id).update_one(**{f"set__{key}": merged[key] for key in EDITABLE})
        user.reload()
        _record_change("user.update", user, actor, before, user_snapshot(user))
    if set(grants) != set(current):
        User.objects(id=user.id).update_one(set__roles=[RoleGrant(role=r, agency_id=a) for r, a in grants])
        user.reload()
        _record_change(
            "user.roles_change", user, actor, {"roles": before["roles"]}, {"roles": user_snapshot(user)["roles"]}
        )
    return user


def _record_change(action: str, user: User, actor: User, before: dict[str, Any], after: dict[str, Any]) -> None:
    record_event(
        action, actor=actor, target_type="user", target_id=user.id, agency_id=user.agency_id, before=before, after=after
    )


def _throttle_address(ip: str) -> None:
    """Count a failure from `ip`; too many in the window answers 429 for a while."""
    window = int(utcnow().timestamp() // 60 // ADDRESS_WINDOW_MINUTES)
    LoginThrottle.bump(f"{ip}|{window}", utcnow() + timedelta(minutes=2 * ADDRESS_WINDOW_MINUTES))


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
    User.objects(id=user.id).update_one(set__failed_logins=0, unset__locked_until=True, __raw__=stamp("last_login_at"))
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
        # Like an administrator's lock, a lockout ends the account's open sessions and personal tokens:
        # whoever is guessing the password may already hold one of them.
        User.objects(id=user.id).update_one(
            set__locked_until=utcnow() + LOCKOUT, set__failed_logins=0, inc__session_version=1
        )
        revoke_user_tokens(user)
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
    if user.status == "closed":
        raise Conflict("account_closed")
    check_authority(actor, user)
    password = _temporary_password_for(user.username)
    before = {"must_change_password": user.must_change_password}
    _set_password(user, password, must_change=True)
    record_event(
        "user.password_reset",
        actor=actor,
        target_type="user",
        target_id=user.id,
        agency_id=user.agency_id,
        before=before,
        after={"must_change_password": True},
    )
    for request in PasswordRequest.objects(user_id=user.id, status="open"):
        resolve_password_request(request, actor, "done")
    return password


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    User.objects(id=user.id).update_one(
        set__password_hash=hash_password(password, user.username, generated=must_change),
        set__must_change_password=must_change,
        inc__session_version=1,
        set__failed_logins=0,
        unset__locked_until=True,
        __raw__=stamp("password_changed_at"),
    )
    revoke_user_tokens(user)
    user.reload()


def set_status(user: User, status: str, actor: User) -> User:
    """Lock, unlock or close an account; a closed account never opens again. Sessions end at once."""
    if status not in ("active", "locked", "closed"):
        raise BadRequest()
    if user.status == "closed":
        raise Conflict("account_closed")
    if actor.id == user.id and status != "active":
        raise BadRequest("cannot_lock_yourself")
    check_authority(actor, user)
    before = user_snapshot(user)
    changes: dict[str, Any] = {"set__status": status, "inc__session_version": 1}
    if status == "closed":
        changes["__raw__"] = stamp("closed_at")
    if status == "active":
        changes.update(set__failed_logins=0, unset__locked_until=True)
    # The status condition makes closing final even when two administrators act at the same moment.
    if not User.objects(id=user.id, status__ne="closed").update_one(**changes):
        raise Conflict("account_closed")
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
