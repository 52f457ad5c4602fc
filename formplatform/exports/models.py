"""Background exports: the job a user asked for, and its finished file in string-keyed chunks.

Not GridFS: GridFS keys its chunks by ObjectId, which the embedded engine cannot filter on (DESIGN §4).
Times that change after insert (heartbeat, finish) are epoch seconds: a date written by an update is
not stored as a date by every engine we run on, a number is.
"""

from __future__ import annotations

from mongoengine import BinaryField, Document, FloatField, IntField, ListField, StringField

from formplatform.models import DateTimeField, new_id, utcnow

SOURCES = ("submissions", "reports", "ratings")
FORMATS = ("xlsx", "csv", "docx", "pdf")
# Word and PDF lay one table out on pages, so they serve the sources whose export is one table.
SOURCE_FORMATS = {"submissions": ("xlsx", "csv"), "reports": ("xlsx", "csv"), "ratings": FORMATS}
LANGUAGES = ("vi", "en", "both")
STATES = ("queued", "running", "done", "failed")
CHUNK_BYTES = 2 * 1024 * 1024


class ExportJob(Document):
    """One export: what to select (fixed, with the owner's scope, when asked), how far it got, the result."""

    id = StringField(primary_key=True, default=new_id)
    owner_id = StringField(required=True)  # a user id, or "client:<token id>" for an integration client
    owner_name = StringField(default="")
    source = StringField(required=True, choices=SOURCES)
    form_key = StringField(required=True)  # ratings: the satisfaction questionnaire
    form_title = StringField(default="")  # in the language of the request, for lists
    agencies = ListField(StringField())  # chosen agencies (each within the scope); empty = the whole scope
    day_from = StringField(default="")  # submissions, ratings: on or after (YYYY-MM-DD); reports: YYYY-MM
    day_to = StringField(default="")
    states = ListField(StringField())  # reports only
    scope = ListField(StringField())  # agency ids the owner could read when asking
    scope_all = IntField(default=0)  # 1: the owner could read the whole city
    format = StringField(required=True, choices=FORMATS)
    language = StringField(required=True, choices=LANGUAGES)
    state = StringField(required=True, choices=STATES, default="queued")
    done = IntField(default=0)
    total = IntField(default=0)
    runner = StringField(default="")  # the claim of the runner working on it
    heartbeat = FloatField(default=0.0)  # epoch seconds of its runner's last sign of life
    attempts = IntField(default=0)
    error = StringField(default="")
    filename = StringField(default="")
    content_type = StringField(default="")
    size = IntField(default=0)
    chunks = IntField(default=0)
    sha256 = StringField(default="")
    finished = FloatField(default=0.0)  # epoch seconds
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "export_jobs", "indexes": [{"fields": ["owner_id", "-created_at"]}, "state"]}

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class ExportChunk(Document):
    """Part `n` of a finished export file; id "<job id>:<n>" so the file reads back in order by id."""

    id = StringField(primary_key=True)
    job_id = StringField(required=True)
    n = IntField(required=True)
    data = BinaryField(required=True)

    meta = {"collection": "export_chunks", "indexes": ["job_id"]}

    @staticmethod
    def key(job_id: str, n: int) -> str:
        return f"{job_id}:{n:06d}"
