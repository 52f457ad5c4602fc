"""Users, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from formplatform.errors import BadRequest, Unauthorized
from formplatform.models import ApiToken, User, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Argon2id hash of a password that meets the minimum policy."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest("password_too_short", limit=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def create_user(username: str, password: str, *, is_admin: bool = False, display_name: str = "") -> User:
    """Create an active account."""
    user = User(
        username=username.strip().lower(),
        password_hash=hash_password(password),
        is_admin=is_admin,
        display_name=display_name,
    )
    user.save(force_insert=True)
    return user


def authenticate(username: str, password: str) -> User:
    """The active user with these credentials, or Unauthorized (same answer for every failure)."""
    user = User.objects(username=(username or "").strip().lower()).first()
    try:
        valid = user is not None and _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid or user is None or not user.can_log_in:
        raise Unauthorized("invalid_credentials")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(user: User, *, hours: int, name: str = "") -> tuple[str, ApiToken]:
    """A new bearer token; the plain token is returned once and only its hash is stored."""
    token = "fp_" + secrets.token_urlsafe(32)
    record = ApiToken(
        token_hash=_digest(token), user_id=user.id, name=name, expires_at=utcnow() + timedelta(hours=hours)
    )
    record.save(force_insert=True)
    return token, record


def user_for_token(token: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token."""
    record = ApiToken.objects(token_hash=_digest(token)).first()
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        return None
    user = User.objects(id=record.user_id).first()
    return user if user is not None and user.can_log_in else None
