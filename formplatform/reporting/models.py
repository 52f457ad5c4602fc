"""Periodic reporting: campaigns, one report per campaign × period × agency, its revisions and steps.

Every write that must be atomic touches one document: a report's state moves with a conditional
`modify` (expected state and step), never with read-then-save. Dates that queries compare (deadlines,
period bounds, creation times) are written at insert only (see formplatform.models.DateTimeField).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from mongoengine import (
    BooleanField,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)

from formplatform.models import DateTimeField, new_id, utcnow

PERIOD_TYPES = ("month", "quarter", "half", "nine_months", "year", "once")
CUTOFFS = ("nd09", "calendar")  # Nghị định 09/2019: 15th to 14th; or calendar periods (statistics)
# not_started: opened, nobody wrote yet; draft: being written; in_approval: between specialist and the
# last agency step; submitted: received by the reviewing agency; returned: sent back for supplementation;
# accepted: done. "overdue" is derived (deadline passed and not submitted/accepted), never stored.
REPORT_STATES = ("not_started", "draft", "in_approval", "submitted", "returned", "accepted")


def eq(**fields: Any) -> dict[str, Any]:
    """Equality filters spelled `$eq`, for the queries that must stay cheap as history grows.

    nx-27017 reads a bare value as "equal, or an array containing it": an OR that no index serves unless an
    index's name happens to end with the field, so `{"campaign_id": x}` scans every report while
    `{"campaign_id": {"$eq": x}}` is served by the (campaign_id, period_key, agency_id) index. Same meaning
    on MongoDB and mongomock.
    """
    return {name: {"$eq": value} for name, value in fields.items()}


class Campaign(Document):
    """A reporting regime: which template version, which periods and deadlines, which agencies report.

    `deadline` is a rule, e.g. {"type": "day_of_month", "day": 25} (the first 25th on or after the
    period's end), {"type": "working_days", "days": 5}, {"type": "days", "days": 10} (after the
    period's end) or {"type": "date", "date": "2026-12-31"} (one-off campaigns).
    `agency_ids` and `agency_types` together say who must report; resolved each time a period opens.
    """

    id = StringField(primary_key=True, default=new_id)
    name = DictField(required=True)  # {"vi", "en"}
    form_key = StringField(required=True)
    version = IntField(required=True, min_value=1)  # the pinned template version
    period_type = StringField(required=True, choices=PERIOD_TYPES)
    cutoff = StringField(required=True, choices=CUTOFFS, default="nd09")
    deadline = DictField(required=True)
    agency_ids = ListField(StringField())
    agency_types = ListField(StringField())
    # Subtrees the assigned agencies must lie in (the creator's campaigns.manage grants): agency types
    # resolve to agencies inside them only, at every period opening, without the creator's account.
    scope_ids = ListField(StringField())
    owner_agency_id = StringField(required=True)  # whose reviewers accept or return (Sở Nội vụ)
    recurring = BooleanField(default=True)
    starts_on = DateTimeField(required=True)  # first period is the one containing this date
    ends_on = DateTimeField(null=True)  # no period opens after this date
    status = StringField(choices=("active", "closed"), default="active")
    opened_through = StringField(null=True)  # key of the last period opened ("2026-M11")
    created_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "campaigns", "indexes": ["form_key", "status", "owner_agency_id"]}


class Report(Document):
    """One agency's report for one campaign period; `data` is the current content.

    `step` indexes the chain of the pinned version's workflow (form_definitions.workflow); it is the
    step whose role acts next. Unique per (campaign, period, agency).
    """

    id = StringField(primary_key=True, default=new_id)
    campaign_id = StringField(required=True)
    form_key = StringField(required=True)
    version = IntField(required=True)
    version_hash = StringField(required=True)
    agency_id = StringField(required=True)
    owner_agency_id = StringField(required=True)
    period_key = StringField(required=True)  # "2026-M11", "2026-Q4", "2026-H1", "2026-N9", "2026-Y", "once"
    period_start = DateTimeField(required=True)
    period_end = DateTimeField(required=True)
    deadline = DateTimeField(required=True)
    state = StringField(required=True, choices=REPORT_STATES, default="not_started")
    step = IntField(default=0)
    data = DictField()
    score = DictField(null=True)
    totals = DictField()
    revision = IntField(default=0)  # bumps on every content save (optimistic concurrency)
    submissions = IntField(default=0)  # how many times it reached the reviewer
    submitted_at = DateTimeField(null=True)  # last receipt by the reviewing agency
    accepted_at = DateTimeField(null=True)
    on_time = BooleanField(null=True)  # decided at first receipt: submitted_at <= deadline
    signature = DictField(null=True)  # {"file_id", "signer", "signed_at", "valid", "sha256", ...}
    # the reviewer's entries: {"values": verified scores…, "exempt_areas": [...], "comment": general comment,
    # "comments": {section or field name: comment}} (comments kept on save, accept and return)
    review = DictField()
    updated_at = DateTimeField(default=utcnow)
    created_at = DateTimeField(default=utcnow)

    def content_digest(self) -> str:
        """SHA-256 of what a signature vouches for: the pinned version and the content, canonically."""
        canonical = json.dumps(
            {"form": self.form_key, "version_hash": self.version_hash, "data": self.data},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    meta = {
        "collection": "reports",
        "indexes": [
            # a campaign's periods and their reports (compliance, dashboards, opening), by key range too
            {"fields": ["campaign_id", "period_key", "agency_id"], "unique": True},
            "agency_id",
            "state",
            "deadline",
            # open work by state in deadline order (to-do list, reviewers, sweeps): bounded by what is open
            {"fields": ["state", "deadline"]},
            # one agency's reports of a template, newest first (the series page)
            {"fields": ["agency_id", "form_key", "-period_start"]},
        ],
    }


class ReportRevision(Document):
    """A frozen copy of a report's content each time it leaves the agency (and at each return)."""

    id = StringField(primary_key=True, default=new_id)
    report_id = StringField(required=True)
    number = IntField(required=True)  # 1, 2, … per report
    data = DictField()
    score = DictField(null=True)
    totals = DictField()
    reason = StringField(choices=("submitted", "resubmitted", "returned", "accepted"), required=True)
    created_by = StringField()
    created_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "report_revisions",
        "indexes": [{"fields": ["report_id", "number"], "unique": True}],
    }

    @classmethod
    def of(cls, report_id: str) -> Any:
        """The report's revisions, found through the (report_id, number) index on every engine (`eq`)."""
        return cls.objects(__raw__=eq(report_id=report_id))


class ReportStep(Document):
    """One action on a report: who did what at which step, with comments (per section or field)."""

    id = StringField(primary_key=True, default=new_id)
    report_id = StringField(required=True)
    action = StringField(
        required=True,
        choices=("save", "submit", "approve", "send_back", "sign", "accept", "return", "resubmit"),
    )
    step = IntField(required=True)
    from_state = StringField()
    to_state = StringField()
    actor_id = StringField()
    comment = StringField()
    field_comments = DictField()  # data path or section name -> comment
    # a signing step keeps its signature record (file id, signer, signed_at, valid, sha256 …): the
    # report's own `signature` is cleared by a return, the signed PDF of that submission stays reachable
    signature = DictField(null=True)
    revision_number = IntField(null=True)
    created_at = DateTimeField(default=utcnow)

    meta = {"collection": "report_steps", "indexes": [{"fields": ["report_id", "created_at"]}]}

    @classmethod
    def of(cls, report_id: str) -> Any:
        """The report's steps, found through the (report_id, created_at) index on every engine (`eq`)."""
        return cls.objects(__raw__=eq(report_id=report_id))


class Notification(Document):
    """An in-app notice for one user (also e-mailed when SMTP is configured)."""

    id = StringField(primary_key=True, default=new_id)
    user_id = StringField(required=True)
    kind = StringField(required=True, choices=("due", "returned", "overdue", "to_act", "accepted", "submitted"))
    report_id = StringField()
    params = DictField()
    read = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "notifications",
        "indexes": [
            {"fields": ["user_id", "read", "-created_at"]},  # unread ones, newest first; the capped badge
            {"fields": ["user_id", "-created_at"]},  # all of a user's notices, newest first
            {"fields": ["user_id", "kind", "report_id"]},
            {"fields": ["report_id", "kind"]},  # who was already told about a report (sweeps)
        ],
    }
