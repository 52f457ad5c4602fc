"""Accounts with role grants scoped to agency subtrees, and API tokens (user and integration)."""

from __future__ import annotations

import contextlib
from datetime import datetime

from mongoengine import (
    BinaryField,
    BooleanField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.errors import NotUniqueError

from formplatform.models import DateTimeField, new_id, utcnow

# Stable role names, stored in the database. Each grant is scoped to one agency's subtree.
ROLES = ("admin", "designer", "reviewer", "specialist", "division_head", "agency_head", "viewer")
STATUSES = ("active", "locked", "closed")
# What an integration client's token may be allowed to do.
TOKEN_SCOPES = (
    "forms:read",
    "submissions:read",
    "submissions:create",
    "dossiers:write",
    "satisfaction:read",
    "aggregates:read",
)


class RoleGrant(EmbeddedDocument):
    """One role over one agency subtree."""

    role = StringField(required=True, choices=ROLES)
    agency_id = StringField(required=True)


class User(Document):
    """A person who logs in. A closed account keeps its history and can never log in again."""

    id = StringField(primary_key=True, default=new_id)
    username = StringField(required=True, unique=True, max_length=64)
    display_name = StringField(max_length=200, default="")
    email = StringField(max_length=254, default="")
    phone = StringField(max_length=20, default="")
    position = StringField(max_length=200, default="")
    # Identifiers Vietnamese CAs write into a signer certificate's subject (UID=CMND:/CCCD:…, UID=MST:…):
    # a certificate naming one of them is this person's (formplatform.accounts.certificates).
    personal_id = StringField(max_length=20, default="")  # CMND (9 digits) or CCCD (12 digits)
    tax_code = StringField(max_length=20, default="")  # personal MST
    agency_id = StringField()  # home agency (where the person works)
    roles = EmbeddedDocumentListField(RoleGrant)
    password_hash = StringField(required=True)
    must_change_password = BooleanField(default=False)
    status = StringField(choices=STATUSES, default="active")
    failed_logins = IntField(default=0)
    locked_until = DateTimeField()  # temporary lockout after repeated failures
    session_version = IntField(default=0)  # bumped to end every session of this account
    last_login_at = DateTimeField()
    password_changed_at = DateTimeField()
    closed_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "users", "indexes": ["agency_id", "status", "roles.agency_id"]}

    @property
    def can_log_in(self) -> bool:
        return self.status == "active"

    @property
    def is_admin(self) -> bool:
        return any(grant.role == "admin" for grant in self.roles)

    def temporarily_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())


class ApiToken(Document):
    """A bearer token; only its SHA-256 is stored, the token itself is shown once.

    `kind` is "user" (acts as its user, issued at /auth/token) or "integration" (a client of another
    system, limited to `scopes` over the `agency_id` subtree, issued by an administrator).
    """

    id = StringField(primary_key=True, default=new_id)
    token_hash = StringField(required=True, unique=True)
    kind = StringField(choices=("user", "integration"), default="user")
    user_id = StringField()
    name = StringField(default="", max_length=200)
    scopes = ListField(StringField(choices=TOKEN_SCOPES))
    agency_id = StringField()
    created_by = StringField()
    expires_at = DateTimeField(required=True)
    revoked_at = DateTimeField()
    last_used_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "api_tokens", "indexes": ["user_id", "kind"]}

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()


class LoginThrottle(Document):
    """Failed logins from one address in one time window (atomic upsert counter)."""

    id = StringField(primary_key=True)  # "<ip>|<window start, epoch minutes>"
    count = IntField(default=0)
    expires_at = DateTimeField(required=True)

    meta = {"collection": "login_throttle", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    @classmethod
    def bump(cls, key: str, expires_at: datetime) -> int:
        """Add one to the counter `key` atomically and return the new count.

        The document is inserted first (so `expires_at` keeps its date type for the TTL index on
        every engine: nx-27017 drops `$setOnInsert` and stores `$set` dates as text), then `$inc`ed.
        """
        with contextlib.suppress(NotUniqueError):  # another request may have created it first
            cls(id=key, count=0, expires_at=expires_at).save(force_insert=True)
        record = cls.objects(id=key).modify(new=True, inc__count=1)
        return record.count if record is not None else 1


class PasswordRequest(Document):
    """A "forgot password" request, waiting for an administrator."""

    id = StringField(primary_key=True, default=new_id)
    username = StringField(required=True, max_length=64)
    user_id = StringField()  # None when no such account: the requester is not told either way
    message = StringField(default="", max_length=500)
    ip = StringField(default="")
    status = StringField(choices=("open", "done", "dismissed"), default="open")
    handled_by = StringField()
    handled_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "password_requests", "indexes": ["status", "-created_at"]}


CERTIFICATE_STATES = ("pending", "confirmed", "rejected")


class SignerCertificate(Document):
    """A public signing certificate a person registered as theirs; it binds signatures to the account
    once an administrator confirmed it (the upload alone proves nothing: certificates are public)."""

    id = StringField(primary_key=True, default=new_id)
    user_id = StringField(required=True)
    fingerprint = StringField(required=True)  # SHA-256 of the DER certificate, hex
    der = BinaryField(required=True)
    subject = StringField(default="")
    issuer = StringField(default="")
    serial = StringField(default="")  # hexadecimal, as CAs print it
    not_before = DateTimeField()
    not_after = DateTimeField()
    status = StringField(choices=CERTIFICATE_STATES, default="pending")
    uploaded_by = StringField()
    confirmed_by = StringField()
    confirmed_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "signer_certificates",
        "indexes": [{"fields": ["user_id", "fingerprint"], "unique": True}, "status"],
    }
