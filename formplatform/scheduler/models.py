"""What the scheduler keeps in MongoDB: who may run periodic work now, and each job's last and next run.

Times are epoch seconds (floats): they change after insert, and nx-27017 stores a `$set` date as text.
"""

from __future__ import annotations

from mongoengine import DictField, Document, FloatField, IntField, StringField

LEASE_ID = "scheduler"


class SchedulerLease(Document):
    """The one lease: the process named `holder` runs periodic work until `until` unless it renews."""

    id = StringField(primary_key=True)
    holder = StringField(required=True)
    until = FloatField(required=True)

    meta = {"collection": "scheduler_lease"}


class JobState(Document):
    """A scheduled job's record: when it is due next, and how its last run went."""

    id = StringField(primary_key=True)  # the job's name
    next_due = FloatField(default=0)  # 0: as soon as the scheduler looks ("Run now" sets it)
    last_started = FloatField()
    last_finished = FloatField()
    last_seconds = FloatField()
    outcome = StringField(default="")  # "ok" or "failed"
    summary = DictField()  # what the last run did, e.g. {"counted": 3}
    error = StringField(default="")
    runs = IntField(default=0)
    failures = IntField(default=0)
    run_by = StringField(default="")  # the lease holder that ran it

    meta = {"collection": "scheduled_jobs"}
