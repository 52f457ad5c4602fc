"""Submissions exports through the API: three versions merged cell by cell, scope, bad input, ownership."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.exports.support import KEY, finished, run_exports, seed_submissions, sheets

MAIN = [
    ["Record id", "Form version", "Submitted at", "Agency code", "Agency", "Source", "Headcount", "Level", "Note"],
    ["s1", 1, "2026-03-01 09:30", "000.00.31.H29", "District 1 People's Committee", "web", 5, "Good", "Đủ"],
    ["s2", 2, "2026-03-02 09:30", "000.00.33.H29", "District 3 People's Committee", "web", 6, "Poor", "Thiếu người"],
    ["s3", 3, "2026-03-03 09:30", "000.31.31.H29", "Ben Nghe Ward People's Committee", "web", 8, "Excellent", None],
]
FIGURES = [["Record id", "Row key", "Row", "Plan"], ["s1", "r1", "Dossiers", 7], ["s3", "r1", "Dossiers", 9]]
EVENTS = [["Record id", "Item", "Title"], ["s3", 1, "Hội nghị"], ["s3", 2, None]]


@pytest.fixture
def seeded(app: Any, city: Any) -> Any:
    with app.app_context():
        seed_submissions(city)
    return city


def ask(**changes: Any) -> dict[str, Any]:
    return {"source": "submissions", "form": KEY, "format": "xlsx", "language": "en", **changes}


def test_three_versions_export_to_xlsx_cell_by_cell(app, client, seeded):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    status, content = finished(client, app, ask(), headers)
    assert status["progress"] == {"done": 3, "total": 3, "percent": 100}
    assert status["file"]["name"].startswith(f"{KEY}-submissions-") and status["file"]["name"].endswith(".xlsx")
    assert sheets(content) == {"Export report": MAIN, "Figures": FIGURES, "Events": EVENTS}


def test_three_versions_export_to_csv_cell_by_cell(app, client, seeded):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    status, content = finished(client, app, ask(format="csv"), headers)
    assert status["file"]["content_type"] == "application/zip" and status["file"]["name"].endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["01-main.csv", "02-x.figures.csv", "03-x.events.csv"]
        tables = [list(csv.reader(io.StringIO(archive.read(n).decode("utf-8-sig")))) for n in archive.namelist()]
    as_text = [[["" if v is None else str(v) for v in row] for row in table] for table in (MAIN, FIGURES, EVENTS)]
    assert tables == as_text


def test_headers_in_vietnamese_or_both_languages_values_follow(app, client, seeded):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    _, content = finished(client, app, ask(language="vi"), headers)
    main = sheets(content)["Báo cáo xuất"]
    assert main[0][:3] == ["Mã bản ghi", "Phiên bản biểu mẫu", "Thời điểm gửi"]
    assert main[0][6:] == ["Biên chế", "Mức", "Ghi chú"]
    assert main[3][4] == "UBND Phường Bến Nghé" and main[3][7] == "Xuất sắc"
    _, content = finished(client, app, ask(language="both"), headers)
    main = next(iter(sheets(content).values()))
    assert main[0][6:] == ["Biên chế / Headcount", "Mức / Level", "Ghi chú / Note"]
    assert main[0][0] == "Mã bản ghi / Record id" and main[1][7] == "Tốt"


def test_an_export_holds_only_the_owners_agencies(app, client, seeded):
    headers = bearer(client, "cv_q1", CITY_PASSWORD)  # specialist of District 1: the district and its ward
    _, content = finished(client, app, ask(), headers)
    assert [row[0] for row in sheets(content)["Export report"][1:]] == ["s1", "s3"]
    asked = client.post("/api/v1/exports", json=ask(agency=[seeded.id("d3")]), headers=headers)
    assert asked.status_code == 404  # another district: not revealed


def test_chosen_agencies_include_their_units_and_days_bound_the_submissions(app, client, seeded):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    _, content = finished(client, app, ask(agency=[seeded.id("d1")]), headers)
    assert [row[0] for row in sheets(content)["Export report"][1:]] == ["s1", "s3"]
    _, content = finished(client, app, ask(**{"from": "2026-03-02", "to": "2026-03-02"}), headers)
    assert [row[0] for row in sheets(content)["Export report"][1:]] == ["s2"]


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"format": "docx"}, "format", "export_bad_format"),
        ({"language": "fr"}, "language", "export_bad_language"),
        ({"from": "01/03/2026"}, "from", "export_bad_day"),
        ({"from": "2026-03-05", "to": "2026-03-01"}, "to", "export_bad_range"),
        ({"agency": [f"a{n}" for n in range(51)]}, "agency", "export_too_many_agencies"),
        ({"source": "dossiers"}, "source", "export_bad_source"),
        ({"form": ""}, "form", "required"),
    ],
)
def test_bad_choices_are_refused_with_every_problem_named(app, client, seeded, change, path, code):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    response = client.post("/api/v1/exports", json=ask(**change), headers={**headers, "Accept-Language": "vi"})
    assert response.status_code == 422
    problems = response.get_json()["error"]["errors"]
    assert [(p["path"], p["code"]) for p in problems] == [(path, code)]
    assert problems[0]["message"]
    with app.app_context():
        from formplatform.exports.models import ExportJob

        assert ExportJob.objects.count() == 0


def test_malformed_requests_get_clear_errors(app, client, seeded):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    bad_json = client.post("/api/v1/exports", data="{", content_type="application/json", headers=headers)
    assert bad_json.status_code == 400
    assert client.post("/api/v1/exports", json=["x"], headers=headers).status_code == 400
    assert client.post("/api/v1/exports", json=ask(form="no-such-form"), headers=headers).status_code == 404
    assert client.post("/api/v1/exports", json=ask()).status_code == 401
    designer = bearer(client, "thietke", CITY_PASSWORD)  # designs forms, reads no submissions
    assert client.post("/api/v1/exports", json=ask(), headers=designer).status_code == 403


def test_someone_elses_export_cannot_be_seen_downloaded_or_deleted(app, client, seeded):
    owner = bearer(client, "thamdinh", CITY_PASSWORD)
    status, _ = finished(client, app, ask(), owner)
    other = bearer(client, "xem_tp", CITY_PASSWORD)
    for path in (f"/api/v1/exports/{status['id']}", f"/api/v1/exports/{status['id']}/file"):
        assert client.get(path, headers=other).status_code == 404
    assert client.delete(f"/api/v1/exports/{status['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/exports", headers=other).get_json()["items"] == []
    listed = client.get("/api/v1/exports", headers=owner).get_json()
    assert [j["id"] for j in listed["items"]] == [status["id"]] and listed["items"][0]["state"] == "done"


def test_deleting_an_export_removes_its_file_and_is_audited(app, client, seeded):
    from formplatform.audit.models import AuditEvent
    from formplatform.exports.models import ExportChunk

    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    status, _ = finished(client, app, ask(), headers)
    assert client.delete(f"/api/v1/exports/{status['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/exports/{status['id']}", headers=headers).status_code == 404
    with app.app_context():
        assert ExportChunk.objects(job_id=status["id"]).count() == 0
        actions = [e.action for e in AuditEvent.objects(target_id=status["id"]).order_by("created_at")]
    assert actions == ["export.request", "export.download", "export.delete"]


def test_at_most_three_exports_wait_per_owner(app, client, seeded):
    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    for _ in range(3):
        assert client.post("/api/v1/exports", json=ask(), headers=headers).status_code == 202
    refused = client.post("/api/v1/exports", json=ask(), headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "too_many_exports"
    assert run_exports(app) == 3
    assert client.post("/api/v1/exports", json=ask(), headers=headers).status_code == 202


def test_an_integration_client_with_the_submissions_scope_exports_its_agency(app, client, seeded):
    from formplatform.accounts.tokens import issue_integration_token

    with app.app_context():
        token, _ = issue_integration_token(
            "Kho dữ liệu", ["submissions:read"], seeded.id("d3"), 30, seeded.users["quantri"]
        )
    headers = {"Authorization": f"Bearer {token}"}
    _, content = finished(client, app, ask(), headers)
    assert [row[0] for row in sheets(content)["Export report"][1:]] == ["s2"]
