"""Form documents: forms, versions, submissions, files. String primary keys everywhere (DESIGN §4)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import mongoengine
from mongoengine import (
    BinaryField,
    DictField,
    Document,
    IntField,
    StringField,
)


class DateTimeField(mongoengine.DateTimeField):
    """A DateTimeField that also reads back dates stored as text.

    The embedded nx-27017 engine stores a datetime written by a top-level `$set` as a string
    ("2026-11-22 12:00:00.123000"), while inserts keep the date type. Reading either gives a
    datetime; but a date written by `$set` cannot be compared inside a query on that engine, so
    query only on dates written at insert (or with `$currentDate`).
    """

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return value
        return value


def new_id() -> str:
    """A random, URL-safe string id (never an ObjectId, see DESIGN §4)."""
    return secrets.token_hex(12)


def utcnow() -> datetime:
    """Naive UTC now, as stored by MongoDB."""
    return datetime.now(UTC).replace(tzinfo=None)


def by_ids(documents: Any, ids: Iterable[str | None]) -> dict[str, Any]:
    """The documents of a queryset (e.g. `User.objects.only(...)`) with these ids, by id, in one query, and
    no query at all for no ids: nx-27017 answers an empty `_id $in` by reading the whole collection."""
    wanted = sorted({i for i in ids if i})
    return {d.id: d for d in documents(id__in=wanted)} if wanted else {}


class Form(Document):
    """A form: its editable draft and a pointer to its newest published version. The id is the key."""

    id = StringField(primary_key=True, max_length=64)
    kind = StringField(required=True)
    title = DictField(required=True)
    status = StringField(choices=("active", "archived"), default="active")
    draft = DictField()
    draft_revision = IntField(default=0)
    draft_updated_at = DateTimeField()
    draft_updated_by = StringField()
    owner_agency_id = StringField()  # the agency whose designers maintain it (Sở Nội vụ by default)
    latest_version = IntField(default=0)
    version_hashes = DictField()  # str(number) -> content hash of each published version
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "forms", "indexes": ["kind", "status"]}

    @property
    def key(self) -> str:
        return self.id


class FormVersion(Document):
    """An immutable published version; (form_key, number) is unique."""

    id = StringField(primary_key=True)
    form_key = StringField(required=True)
    number = IntField(required=True, min_value=1)
    hash = StringField(required=True)
    definition = DictField(required=True)
    # The JSON Schema uses "$schema"/"$id" keys, which MongoDB refuses as field names: stored as text.
    schema_json = StringField(required=True)
    diff = DictField()
    published_by = StringField()
    published_at = DateTimeField(default=utcnow)
    submission_count = IntField(default=0)

    meta = {
        "collection": "form_versions",
        "indexes": [{"fields": ["form_key", "number"], "unique": True}],
    }

    @staticmethod
    def make_id(key: str, number: int) -> str:
        return f"{key}@{number}"

    @property
    def schema(self) -> dict[str, Any]:
        return json.loads(self.schema_json)

    @property
    def plain_definition(self) -> dict[str, Any]:
        """The definition as plain dicts and lists, made once per loaded version: reading through
        MongoEngine's change-tracking wrappers costs more than checking a submission's answers.
        A published version never changes; callers only read it."""
        plain = getattr(self, "_plain", None)
        if plain is None:
            plain = self._plain = json.loads(json.dumps(self.to_mongo().get("definition") or {}))
        return plain


class VersionTally(Document):
    """Part of a published version's submission count, spread over a few documents (services/tallies.py)."""

    id = StringField(primary_key=True)  # "<version id>|<shard>"
    version_id = StringField(required=True)
    n = IntField(default=0)
    applied = StringField()  # the last tallying pass added to this document (services/tallies.py)

    meta = {"collection": "version_tallies"}


class TallyPass(Document):
    """The one submission-tallying pass under way: its claim, so a pass that died is finished, never redone."""

    id = StringField(primary_key=True)  # always "submissions": one pass at a time
    claim = StringField(required=True)
    started_at = DateTimeField(required=True)

    meta = {"collection": "tally_passes"}


class Submission(Document):
    """Answers filed against one pinned version (form key, number and content hash)."""

    id = StringField(primary_key=True, default=new_id)
    form_key = StringField(required=True)
    version = IntField(required=True)
    version_hash = StringField(required=True)
    data = DictField()
    score = DictField(null=True)
    totals = DictField()
    locale = StringField(choices=("vi", "en"), default="vi")
    source = StringField(choices=("web", "api", "kiosk"), default="web")
    agency_id = StringField()  # the agency the answers belong to; None for anonymous public ratings
    submitted_by = StringField()
    submitted_at = DateTimeField(default=utcnow)
    untallied = StringField()  # "new" until a tallying pass claims it (its claim), then removed

    meta = {
        "collection": "submissions",
        # nx-27017 serves an equality from an index only when an index's name ends with that field
        # (neosqlite's `_field_has_index`): hence "form_key" on its own beside the compound index.
        "indexes": [
            {"fields": ["form_key", "-submitted_at"]},
            "form_key",
            "submitted_by",
            "agency_id",
            {"fields": ["untallied"], "sparse": True},
        ],
    }


class StoredFile(Document):
    """An uploaded evidence file, kept in MongoDB (size-capped well below the 16 MB document limit)."""

    id = StringField(primary_key=True, default=new_id)
    name = StringField(required=True, max_length=255)
    content_type = StringField(required=True)
    size = IntField(required=True)
    sha256 = StringField(required=True)
    content = BinaryField(required=True)
    uploaded_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "files"}

    def reference(self) -> dict[str, object]:
        """The value a file field stores in submission data."""
        return {"id": self.id, "name": self.name, "size": self.size, "content_type": self.content_type}


class PlatformState(Document):
    """Small facts about the stored data itself, e.g. which layout the satisfaction roll-ups follow."""

    id = StringField(primary_key=True)
    version = IntField(default=0)

    meta = {"collection": "platform_state"}
