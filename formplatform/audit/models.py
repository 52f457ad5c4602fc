"""Audit events. Append-only for everyone: the document refuses updates and deletes."""

from __future__ import annotations

from typing import Any

from mongoengine import DictField, Document, QuerySet, StringField

from formplatform.models import DateTimeField, new_id, utcnow


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit event."""


class _AppendOnlyQuerySet(QuerySet):
    def update(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be changed")

    def update_one(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be changed")

    def modify(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(Document):
    """One recorded action. `action` is a stable dotted name such as `user.lock` or `form.publish`."""

    id = StringField(primary_key=True, default=new_id)
    at = DateTimeField(default=utcnow, required=True)
    action = StringField(required=True, max_length=64)
    outcome = StringField(choices=("ok", "failed"), default="ok")
    actor_id = StringField()
    actor_name = StringField(default="")  # username at the time (or the integration client's name)
    ip = StringField(default="")
    user_agent = StringField(default="", max_length=300)
    target_type = StringField(default="")
    target_id = StringField(default="")
    agency_id = StringField()  # the agency the action concerns, for scoped reading
    before = DictField()
    after = DictField()
    details = DictField()

    meta = {
        "collection": "audit_events",
        "queryset_class": _AppendOnlyQuerySet,
        "indexes": ["-at", "action", "actor_id", "target_id"],
    }

    def save(self, *args: Any, **kwargs: Any) -> AuditEvent:
        """Only ever inserts: an event that exists cannot be saved again."""
        kwargs["force_insert"] = True
        if self._created is False:
            raise AppendOnlyError("audit events cannot be changed")
        return super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise AppendOnlyError("audit events cannot be deleted")
