"""The audit log is append-only for everyone: no document method, query or route changes an event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from mongoengine import NotUniqueError

from formplatform.audit.models import AppendOnlyError, AuditEvent

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def event(app: Any) -> Any:
    from formplatform.audit.services import record_event

    with app.app_context():
        yield record_event(
            "user.lock", target_type="user", target_id="u1", before={"status": "active"}, after={"status": "locked"}
        )


def stored(event_id: str) -> dict[str, Any]:
    return AuditEvent._get_collection().find_one({"_id": event_id})


ATTEMPTS: dict[str, Callable[[Any], Any]] = {
    "document update": lambda e: e.update(set__action="user.unlock"),
    "document modify": lambda e: e.modify(set__action="user.unlock"),
    "document delete": lambda e: e.delete(),
    "queryset update": lambda e: AuditEvent.objects(id=e.id).update(set__action="user.unlock"),
    "queryset update_one": lambda e: AuditEvent.objects(id=e.id).update_one(set__action="user.unlock"),
    "queryset upsert_one": lambda e: AuditEvent.objects(id=e.id).upsert_one(set__action="user.unlock"),
    "queryset modify": lambda e: AuditEvent.objects(id=e.id).modify(set__action="user.unlock"),
    "queryset delete": lambda e: AuditEvent.objects(id=e.id).delete(),
    "delete everything": lambda e: AuditEvent.objects.delete(),
}


@pytest.mark.parametrize("attempt", list(ATTEMPTS), ids=list(ATTEMPTS))
def test_a_recorded_event_cannot_be_changed_or_deleted(app: Any, event: Any, attempt: str) -> None:
    with app.app_context():
        original = stored(event.id)
        with pytest.raises(AppendOnlyError):
            ATTEMPTS[attempt](event)
        assert stored(event.id) == original
        assert AuditEvent.objects.count() == 1


def test_saving_an_event_again_is_refused(app: Any, event: Any) -> None:
    with app.app_context():
        original = stored(event.id)
        event.action = "user.unlock"
        event.after = {"status": "active"}
        with pytest.raises(AppendOnlyError):
            event.save()
        loaded = AuditEvent.objects.get(id=event.id)
        loaded.outcome = "failed"
        with pytest.raises(AppendOnlyError):
            loaded.save()
        with pytest.raises(NotUniqueError):  # a forged event with the same id does not replace it
            AuditEvent(id=event.id, action="user.unlock").save()
        assert stored(event.id) == original


def test_no_route_can_change_the_audit_log(app: Any) -> None:
    audit_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/admin/audit", "/api/v1/audit")) or rule.endpoint.startswith("audit")
    ]
    assert {r.rule for r in audit_rules} >= {"/admin/audit", "/admin/audit.csv", "/api/v1/audit"}
    for rule in audit_rules:
        assert not (rule.methods or set()) & WRITE_METHODS, f"{rule.rule} accepts {sorted(rule.methods or [])}"


@pytest.mark.parametrize("method", sorted(WRITE_METHODS))
@pytest.mark.parametrize("path", ["/admin/audit", "/api/v1/audit", "/admin/audit.csv"])
def test_write_methods_on_the_audit_log_are_not_allowed(client: Any, admin_headers: Any, method: str, path: str):
    response = client.open(path, method=method, headers=admin_headers, json={})
    assert response.status_code == 405
