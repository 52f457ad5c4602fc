"""A three-version form for export tests and helpers to run an export like a client would.

v1: staff (integer), level (choice a/b), note (text), figures (grid), events (repeatable group).
v2: staff renamed `headcount` under the same concept, relabelled.
v3: note removed; level gains option c ("Xuất sắc" / "Excellent").
"""

from __future__ import annotations

import copy
import io
import time
from datetime import datetime
from typing import Any

from tests.fixtures.definitions import t

KEY = "export-test"
LEVELS = [{"value": "a", "label": t("Tốt", "Good")}, {"value": "b", "label": t("Kém", "Poor")}]


def v1() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "key": KEY,
        "kind": "report",
        "title": t("Báo cáo xuất", "Export report"),
        "fields": [
            {"type": "integer", "name": "staff", "concept": "x.staff", "label": t("Số cán bộ", "Staff")},
            {"type": "choice", "name": "level", "concept": "x.level", "label": t("Mức", "Level"), "options": LEVELS},
            {"type": "text", "name": "note", "concept": "x.note", "label": t("Ghi chú", "Note")},
            {
                "type": "grid",
                "name": "figures",
                "concept": "x.figures",
                "label": t("Số liệu", "Figures"),
                "rows": [{"key": "r1", "label": t("Hồ sơ", "Dossiers")}],
                "columns": [{"name": "plan", "type": "integer", "label": t("Kế hoạch", "Plan")}],
            },
            {
                "type": "group",
                "name": "events",
                "concept": "x.events",
                "label": t("Sự kiện", "Events"),
                "fields": [{"type": "text", "name": "title", "concept": "x.events.title", "label": t("Tên", "Title")}],
            },
        ],
    }


def v2() -> dict[str, Any]:
    definition = copy.deepcopy(v1())
    definition["fields"][0].update(name="headcount", label=t("Biên chế", "Headcount"))
    return definition


def v3() -> dict[str, Any]:
    definition = copy.deepcopy(v2())
    definition["fields"] = [f for f in definition["fields"] if f["name"] != "note"]
    definition["fields"][1]["options"] = [*LEVELS, {"value": "c", "label": t("Xuất sắc", "Excellent")}]
    return definition


def publish_three(owner: str) -> None:
    from formplatform.services.forms import publish_form, save_draft

    for definition in (v1(), v2(), v3()):
        save_draft(KEY, definition, None, owner_agency_id=owner)
        publish_form(KEY, None, confirm_breaking=True)


def submission(number: int, agency_id: str, data: dict[str, Any], day: int, sid: str) -> None:
    from formplatform.models import Submission
    from formplatform.services.forms import get_version

    Submission(
        id=sid,
        form_key=KEY,
        version=number,
        version_hash=get_version(KEY, number).hash,
        data=data,
        agency_id=agency_id,
        submitted_at=datetime(2026, 3, day, 2, 30),
    ).save(force_insert=True)


def seed_submissions(city: Any) -> None:
    """s1 (v1, District 1), s2 (v2, District 3), s3 (v3, District 1's ward)."""
    publish_three(city.id("home_affairs"))
    submission(1, city.id("d1"), {"staff": 5, "level": "a", "note": "Đủ", "figures": {"r1": {"plan": 7}}}, 1, "s1")
    submission(2, city.id("d3"), {"headcount": 6, "level": "b", "note": "Thiếu người"}, 2, "s2")
    data3 = {"headcount": 8, "level": "c", "figures": {"r1": {"plan": 9}}, "events": [{"title": "Hội nghị"}, {}]}
    submission(3, city.id("d1_ward"), data3, 3, "s3")


def run_exports(app: Any) -> int:
    from formplatform.exports.runner import run_pending

    with app.app_context():
        return run_pending()


def finished(client: Any, app: Any, body: dict[str, Any], headers: dict[str, str]) -> tuple[dict[str, Any], bytes]:
    """Ask for an export through the API, run it, and return its final status and file."""
    asked = client.post("/api/v1/exports", json=body, headers=headers)
    assert asked.status_code == 202, asked.get_json()
    job = asked.get_json()
    assert job["state"] == "queued" and asked.headers["Location"].endswith(job["id"])
    run_exports(app)
    status = client.get(f"/api/v1/exports/{job['id']}", headers=headers).get_json()
    assert status["state"] == "done", status
    response = client.get(status["links"]["file"], headers=headers)
    assert response.status_code == 200
    return status, response.data


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def wait_until(predicate: Any, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)
