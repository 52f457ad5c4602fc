"""The CSV export of the audit log: the page's filters, Excel-friendly UTF-8, formulas defused, and itself logged."""

from __future__ import annotations

import csv
import io
from typing import Any

from formplatform.audit.models import AuditEvent
from tests.conftest import log_in
from tests.fixtures.city import CITY_PASSWORD


def record(app: Any, action: str, **fields: Any) -> AuditEvent:
    from formplatform.audit.services import record_event

    with app.app_context():
        return record_event(action, **fields)


def rows(response: Any) -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_export_streams_the_filtered_events_as_csv(app, client, city):
    record(
        app,
        "user.update",
        actor=city.users["quantri"],
        target_type="user",
        target_id="u-1",
        before={"display_name": "Nguyễn Văn A"},
        after={"display_name": "Nguyễn Văn Ánh"},
    )
    record(app, "form.publish", target_type="form", target_id="kpi-monthly")
    log_in(client, "quantri", CITY_PASSWORD)
    response = client.get("/admin/audit.csv?action=user.update&lang=en")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv" and response.mimetype_params.get("charset") == "utf-8"
    assert "attachment" in response.headers["Content-Disposition"] and ".csv" in response.headers["Content-Disposition"]
    exported = rows(response)
    assert [r["target_id"] for r in exported] == ["u-1"]
    assert exported[0]["action_label"] == "Account changed" and exported[0]["actor_name"] == "quantri"
    assert "Nguyễn Văn Ánh" in exported[0]["after"] and "Nguyễn Văn A" in exported[0]["before"]
    assert exported[0]["time_utc"].count("/") == 2


def test_the_export_is_recorded_but_not_part_of_its_own_file(app, client, city):
    log_in(client, "quantri", CITY_PASSWORD)
    before = AuditEvent.objects(action="audit.export").count()
    exported = rows(client.get("/admin/audit.csv?action=audit"))
    assert exported == []
    events = list(AuditEvent.objects(action="audit.export").order_by("at"))
    assert len(events) == before + 1
    event = events[-1]
    assert event.actor_id == city.users["quantri"].id and event.actor_name == "quantri"
    assert event.details["filters"] == {"action": "audit"} and event.details["format"] == "csv"
    assert event.ip == "127.0.0.1"
    again = rows(client.get("/admin/audit.csv?action=audit"))
    assert [r["action"] for r in again] == ["audit.export"]  # the first export shows in the second


def test_text_that_looks_like_a_formula_is_defused(app, client, city):
    record(app, "login.failed", outcome="failed", actor_name='=HYPERLINK("http://evil","x")')
    record(app, "login.failed", outcome="failed", actor_name="@SUM(A1)")
    log_in(client, "quantri", CITY_PASSWORD)
    names = {r["actor_name"] for r in rows(client.get("/admin/audit.csv?outcome=failed"))}
    assert names == {'\'=HYPERLINK("http://evil","x")', "'@SUM(A1)"}
