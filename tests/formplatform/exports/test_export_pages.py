"""Exports as a person meets them: from a form's submissions or a dashboard, options, progress, My exports."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.dashboards.test_kpi import kpi as kpi  # noqa: F401  (the fixture)
from tests.formplatform.exports.support import KEY, run_exports, seed_submissions, sheets


@pytest.fixture
def seeded(app: Any, city: Any) -> Any:
    with app.app_context():
        seed_submissions(city)
    return city


def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def start(client: Any, path: str, **fields: Any) -> str:
    """Open the options page, post it as the browser would, and return the job page's path."""
    page = client.get(path)
    assert page.status_code == 200
    response = client.post("/exports", data={"csrf_token": token_of(page.get_data(as_text=True)), **fields})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return response.headers["Location"]


def test_from_the_submissions_list_to_a_downloaded_file(app, client, seeded):
    log_in(client, "thamdinh", CITY_PASSWORD)
    listing = client.get(f"/forms/{KEY}/submissions").get_data(as_text=True)
    assert f"/exports/new?source=submissions&amp;form={KEY}" in listing
    job_page = start(client, f"/exports/new?source=submissions&form={KEY}", source="submissions", form=KEY)
    html = client.get(job_page).get_data(as_text=True)
    assert "data-export-job" in html and 'data-state="queued"' in html
    run_exports(app)
    html = client.get(job_page).get_data(as_text=True)
    assert 'data-state="done"' in html and 'value="100"' in html
    download = re.search(r'href="(/exports/[^"]+/file)"', html).group(1)
    response = client.get(download)
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert [row[0] for row in sheets(response.data)["Báo cáo xuất"][1:]] == ["s1", "s2", "s3"]
    mine = client.get("/exports").get_data(as_text=True)
    assert job_page in mine and "Báo cáo xuất" in mine


def test_bad_choices_come_back_on_the_page_with_the_choices_kept(app, client, seeded):
    log_in(client, "thamdinh", CITY_PASSWORD)
    page = client.get(f"/exports/new?source=submissions&form={KEY}&lang=en").get_data(as_text=True)
    fields = {"source": "submissions", "form": KEY, "format": "pdf", "from": "31/03/2026", "agency": seeded.id("d3")}
    response = client.post("/exports", data={"csrf_token": token_of(page), **fields})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose CSV or XLSX." in html and "Write a day as YYYY-MM-DD" in html
    assert re.search(rf'value="{seeded.id("d3")}" checked', html)


def test_deleting_asks_for_confirmation_first(app, client, seeded):
    log_in(client, "thamdinh", CITY_PASSWORD)
    job_page = start(client, f"/exports/new?source=submissions&form={KEY}", source="submissions", form=KEY)
    token = token_of(client.get(job_page).get_data(as_text=True))
    refused = client.post(f"{job_page}/delete", data={"csrf_token": token})
    assert refused.status_code == 422 and client.get(job_page).status_code == 200
    deleted = client.post(f"{job_page}/delete", data={"csrf_token": token, "confirm": "1"})
    assert deleted.status_code == 302 and client.get(job_page).status_code == 404


def test_a_person_without_submission_rights_cannot_open_the_options(app, client, seeded):
    log_in(client, "thietke", CITY_PASSWORD)
    assert client.get(f"/exports/new?source=submissions&form={KEY}").status_code == 403
    assert client.get("/exports").status_code == 200  # their own (empty) list


def test_reports_behind_the_kpi_dashboard_export_across_versions(app, client, kpi):  # noqa: F811
    log_in(client, "thamdinh", CITY_PASSWORD)
    board = client.get("/dashboards/kpi?template=kpi-test&from=2026-09&to=2026-11&lang=en").get_data(as_text=True)
    link = re.search(r'href="(/exports/new\?[^"]+)"', board)
    assert link, "the KPI dashboard links to an export of its reports"
    path = link.group(1).replace("&amp;", "&")
    assert "source=reports" in path and "from=2026-09" in path and "to=2026-11" in path
    job_page = start(client, path, source="reports", form="kpi-test", language="en", **{"from": "2026-09"})
    run_exports(app)
    html = client.get(job_page).get_data(as_text=True)
    download = re.search(r'href="(/exports/[^"]+/file)"', html).group(1)
    tables = sheets(client.get(download).data)
    main = tables["Test KPI sheet"]
    assert main[0][:10] == [
        "Record id",
        "Form version",
        "Agency code",
        "Agency",
        "Period",
        "Period start",
        "Period end",
        "Status",
        "Submitted at",
        "Accepted at",
    ]
    assert main[0][10:] == ["Staff"]
    # submitted and accepted only (the default); v1 `staff` and v2 `headcount` share a column
    assert sorted((r[4], r[2], r[1], r[7], r[10]) for r in main[1:]) == [
        ("2026-M09", "000.00.31.H29", 1, "Accepted", 40),
        ("2026-M10", "000.00.31.H29", 2, "Submitted", 42),
        ("2026-M10", "000.00.33.H29", 1, "Accepted", 30),
    ]
    indicators = tables["Indicators"]
    assert indicators[0] == ["Record id", "Row key", "Row", "Plan", "Actual", "Note"]
    grdp = sorted(r[4] for r in indicators[1:] if r[1] == "grdp")
    assert grdp == [3.0, 5.1, 6.25]
