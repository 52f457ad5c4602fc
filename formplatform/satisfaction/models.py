"""Citizen satisfaction documents: dossiers pushed by one-stop systems, the ratings bound to them,
the roll-ups maintained as ratings arrive, and the counters behind rate limits.

Uniqueness is always a unique index (the `_id`), never a check-then-insert: a rating's id is
"<dossier code>|<stage>", a used token's id is its nonce.
"""

from __future__ import annotations

from datetime import datetime

from mongoengine import (
    BooleanField,
    DictField,
    Document,
    DynamicDocument,
    FloatField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.errors import NotUniqueError
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from formplatform.models import DateTimeField, utcnow

# Life cycle of a dossier in the one-stop system (hồ sơ): received → processing (→ supplement
# requested → processing) → finished (result ready) → returned (result handed over); or rejected /
# withdrawn. A dossier can be rated once its handling has ended.
DOSSIER_STATUSES = ("received", "processing", "supplement_requested", "finished", "returned", "rejected", "withdrawn")
RATEABLE_STATUSES = frozenset({"finished", "returned", "rejected"})
_OPEN = frozenset({"processing", "supplement_requested", "finished", "returned", "rejected", "withdrawn"})
# Where each status may move next: only forward along the life cycle (besides processing <-> supplement
# requested); an ended dossier moves no further but from finished to returned.
NEXT_STATUSES: dict[str, frozenset[str]] = {
    "received": _OPEN,
    "processing": _OPEN - {"processing"},
    "supplement_requested": _OPEN - {"supplement_requested"},
    "finished": frozenset({"returned"}),
    "returned": frozenset(),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
}


def status_move_allowed(current: str, new: str) -> bool:
    """Staying put is always allowed (dates may be corrected); otherwise only a forward move."""
    return new == current or new in NEXT_STATUSES.get(current, frozenset())


STAGES = ("receive", "process", "return")  # tiếp nhận, giải quyết, trả kết quả
CHANNELS = ("kiosk", "qr", "web", "api")
RATING_STATUSES = ("counted", "flagged", "rejected")
DOSSIER_STAGE = "dossier"  # the stage of a rating when the questionnaire covers the whole dossier


class Dossier(Document):
    """One administrative-procedure dossier; its code (Thông tư 01/2018 Điều 19) is the id."""

    id = StringField(primary_key=True, max_length=64)  # "<agency code>-YYMMDD-XXXX"
    agency_id = StringField(required=True)  # the handling agency
    procedure_code = StringField(max_length=64, default="")
    procedure_name = DictField()  # {"vi": …, "en": …}
    field_name = DictField()  # lĩnh vực, {"vi": …, "en": …}
    officials = DictField()  # stage -> {"id": …, "name": …}, stages of STAGES
    applicant = StringField(max_length=200, default="")  # shown masked, never in full
    received_at = DateTimeField(required=True)
    due_at = DateTimeField()
    finished_at = DateTimeField()
    status = StringField(required=True, choices=DOSSIER_STATUSES)
    history = ListField(DictField())  # [{"status": …, "at": datetime, "by": principal id}]
    source = StringField(default="api")
    write_id = StringField()  # the import batch or status change that wrote it last (dossier_writes.undo_batch)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    # Single-field indexes beside the compound one: nx-27017 serves an equality from an index only when
    # an index's name ends with that field (neosqlite's `_field_has_index`), else it scans.
    meta = {
        "collection": "dossiers",
        "indexes": ["agency_id", ("agency_id", "-received_at"), "-received_at", "status"],
    }

    @property
    def code(self) -> str:
        return self.id

    @property
    def rateable(self) -> bool:
        return self.status in RATEABLE_STATUSES

    @property
    def masked_applicant(self) -> str:
        """The applicant's name with each word reduced to its first letter: "Phạm Minh Khoa" → "P. M. K."."""
        return " ".join(f"{word[0]}." for word in (self.applicant or "").split())


class Rating(Document):
    """A citizen's rating of one dossier (per stage when the questionnaire is per stage).

    Anonymous to the public, tied to its dossier for validity. `points` holds criterion points by
    concept slug (see rollups.concept_slug) so versions of the questionnaire line up.
    """

    id = StringField(primary_key=True)  # "<dossier code>|<stage>": the unique index that forbids a second rating
    dossier_code = StringField(required=True)
    stage = StringField(required=True, default=DOSSIER_STAGE)
    agency_id = StringField(required=True)
    lineage = ListField(StringField())  # the handling agency's ancestors and itself (roll-ups go to each)
    procedure_code = StringField(default="")
    officials = DictField()  # stage -> official id
    names = DictField()  # stage -> official's name, "procedure" -> {"vi", "en"}: labels for the roll-ups
    form_key = StringField(required=True)
    version = IntField(required=True)
    version_hash = StringField(required=True)
    data = DictField()
    points = DictField()  # concept slug -> points
    total = FloatField(required=True)
    max = FloatField(required=True)
    overall = StringField(default="")
    band = StringField(default="")
    channel = StringField(required=True, choices=CHANNELS)
    device_id = StringField()
    address = StringField()  # a keyed hash of the client address, for integrity checks only
    locale = StringField(default="vi")
    status = StringField(required=True, choices=RATING_STATUSES, default="counted")
    flags = ListField(StringField())
    rolled_up = BooleanField(default=False)
    # True from the moment a counted rating is stored (or a flagged one accepted) until it is in its roll-ups:
    # the scheduler's counting job finds the waiting ones by this indexed flag, never by reading history.
    to_count = BooleanField()
    # While being counted (rollups.add_rating): the pass marker left on each roll-up it reached, and
    # when the claim was taken (epoch seconds: an int compares on every engine, a $set date does not).
    counting = StringField()
    counting_since = IntField()
    # True while a rating counted at intake is not yet in its version's submission tally: the counting pass adds
    # it there with the roll-ups, one tally update per version and pass instead of one per rating on the request.
    untallied = BooleanField()
    # The nonce of the rating link or kiosk token that stored it. A token binds its dossier (signed), and the
    # dossier's one rating is this document's unique id: a token used again is refused as "already rated",
    # and a kiosk resending a rating whose answer got lost recognises its own by this nonce.
    token_nonce = StringField()
    reviewed_by = StringField()
    reviewed_at = DateTimeField()
    created_at = DateTimeField(default=utcnow)  # when the citizen rated (a kiosk's capture time, if plausible)
    stored_at = DateTimeField(default=utcnow)  # when the server stored it (later for a kiosk's backlog)

    meta = {
        "collection": "ratings",
        "indexes": [
            "agency_id",
            "status",  # beside the compound: see Dossier's indexes
            ("status", "-created_at"),
            "-created_at",
            "device_id",
            "rolled_up",
            "to_count",
        ],
    }

    @staticmethod
    def make_id(code: str, stage: str = DOSSIER_STAGE) -> str:
        return f"{code}|{stage}"

    @classmethod
    def exists_for(cls, code: str, **more: str) -> bool:
        """Whether the dossier has a rating: one index look-up by id (never a count, see DESIGN §4)."""
        return cls.objects(id=cls.make_id(code), **more).only("id").first() is not None


class UsedRatingToken(Document):
    """A rating token spent before ratings carried their token's nonce (`Rating.token_nonce`): no longer
    written; the scheduler's `records.expire` deletes what is left once such tokens have expired anyway."""

    id = StringField(primary_key=True)
    dossier_code = StringField()
    used_at = DateTimeField(default=utcnow)

    meta = {"collection": "rating_tokens_used"}


class Rollup(DynamicDocument):
    """Counters for one (kind, agency, key, period), maintained with `$inc` as ratings arrive.

    Flat field names only (nx-27017 upserts write dotted `$inc` paths as literal keys):
    `n`, `total_sum`, `o_<overall>`, `b_<band>`, `c_<concept slug>_sum`, `c_<concept slug>_n`.
    """

    id = StringField(primary_key=True)  # "<kind>|<agency id>|<key>|<period>"
    kind = StringField(required=True)  # agency | official | procedure
    agency_id = StringField(required=True)
    agency_type = StringField()
    key = StringField(default="")  # official "<stage>:<id>" or procedure code; "" for the agency itself
    period = StringField(required=True)  # "2026", "2026-Q4", "2026-11"
    period_kind = StringField(required=True)  # year | quarter | month

    meta = {
        "collection": "satisfaction_rollups",
        "indexes": [("kind", "period_kind", "period"), ("agency_id", "kind", "period")],
    }


class RatingCounter(Document):
    """Ratings from one device or address within one time window (rate limits and burst flags)."""

    id = StringField(primary_key=True)  # "<what>|<who>|<window start>"
    count = IntField(default=0)
    parts = DictField()  # shorter windows inside this one (bump_within): part name -> count
    expires_at = DateTimeField(required=True)

    meta = {"collection": "rating_counters", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    @classmethod
    def bump(cls, key: str, expires_at: datetime) -> int:
        """Add one atomically and return the new count: one round trip once the window's counter exists.

        A new window's counter is inserted with its first count (not upserted: nx-27017 stores `$set`
        dates as text, and the TTL index needs a date); two first requests racing both fall back to `$inc`.
        """
        updated = cls.objects(id=key).modify(inc__count=1, new=True)
        if updated is not None:
            return updated.count
        try:
            cls(id=key, count=1, expires_at=expires_at).save(force_insert=True)
            return 1
        except NotUniqueError:
            updated = cls.objects(id=key).modify(inc__count=1, new=True)
            return updated.count if updated is not None else 1

    @classmethod
    def bump_within(cls, key: str, parts: tuple[str, ...], expires_at: datetime) -> tuple[int, ...]:
        """Add one to a counter and to parts of it (shorter windows inside its window) atomically, and return
        the new counts, the counter's first: one round trip once the counter exists, however many are kept."""
        collection = cls._get_collection()
        change = {"$inc": {"count": 1, **{f"parts.{part}": 1 for part in parts}}}
        found = collection.find_one_and_update({"_id": key}, change, return_document=ReturnDocument.AFTER)
        if found is None:
            try:
                first = {"_id": key, "count": 1, "parts": dict.fromkeys(parts, 1), "expires_at": expires_at}
                collection.insert_one(first)
                return (1,) * (len(parts) + 1)
            except DuplicateKeyError:
                found = collection.find_one_and_update({"_id": key}, change, return_document=ReturnDocument.AFTER)
        counts = found.get("parts") or {}
        return (int(found["count"]), *(int(counts.get(part, 0)) for part in parts))

    @classmethod
    def take_back(cls, key: str) -> None:
        """Take one off a counter (not off its parts): what it counted was not stored after all."""
        cls._get_collection().update_one({"_id": {"$eq": key}}, {"$inc": {"count": -1}})

    @classmethod
    def peek(cls, key: str) -> int:
        found = cls.objects(id=key).only("count").first()
        return found.count if found else 0


IMPORT_KEEP_SECONDS = 24 * 3600  # an import preview not confirmed within a day is forgotten


class DossierImport(Document):
    """A checked sheet waiting for its uploader to confirm the import (the preview); kept a day at most."""

    id = StringField(primary_key=True)
    owner_id = StringField(required=True)
    filename = StringField(default="")
    kind = StringField(default="")  # "csv" or "xlsx"
    encoding = StringField(default="")
    delimiter = StringField(default="")
    rows = ListField(DictField())  # {"where": sheet row number, "values": {column: text}}
    created = FloatField(required=True)  # epoch seconds

    meta = {"collection": "dossier_imports", "indexes": ["owner_id"]}
