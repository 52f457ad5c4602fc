"""Every dashboard table downloads as CSV, XLSX, DOCX and PDF with the page's figures; each download is audited."""

from __future__ import annotations

import io

import pytest

from tests.conftest import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.dashboards.test_kpi import GRDP, RANGE
from tests.formplatform.dashboards.test_kpi import kpi as kpi  # noqa: F401  (the fixture)

pytest.importorskip("renderers.tables")

TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def test_the_kpi_table_reads_back_from_excel_with_its_numbers(client, kpi):  # noqa: F811
    from openpyxl import load_workbook

    log_in(client, "xem_tp", CITY_PASSWORD)
    response = client.get("/dashboards/kpi.xlsx", query_string={**RANGE, "indicator": GRDP, "lang": "en"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == TYPES["xlsx"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "dashboard-kpi-series-" in disposition and ".xlsx" in disposition
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == ["Agency", "September 2026", "October 2026"]
    assert rows[1:] == [["District 1 People's Committee", 5.1, 6.25], ["District 3 People's Committee", None, 3.0]]
    assert sheet["A1"].value == "GRDP growth — Actual"


@pytest.mark.parametrize("fmt", ["csv", "docx", "pdf"])
def test_each_format_has_its_content_type_and_is_audited(app, client, kpi, fmt):  # noqa: F811
    from formplatform.audit.models import AuditEvent

    log_in(client, "xem_tp", CITY_PASSWORD)
    response = client.get(f"/dashboards/kpi.{fmt}", query_string={**RANGE, "indicator": GRDP})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(TYPES[fmt])
    assert f'.{fmt}"' in response.headers["Content-Disposition"]
    if fmt == "csv":
        text = response.data.decode("utf-8-sig")
        assert "6.25" in text and "5.1" in text and "UBND Quận 1" in text
    if fmt == "pdf":
        assert response.data.startswith(b"%PDF")
    with app.app_context():
        event = AuditEvent.objects(action="dashboard.export").order_by("-created_at").first()
    assert event is not None and event.target_id == "kpi/series" and event.details["format"] == fmt


def test_compliance_and_satisfaction_tables_download_too(client, kpi):  # noqa: F811
    log_in(client, "xem_tp", CITY_PASSWORD)
    for path in (
        "/dashboards/compliance.csv?table=periods",
        "/dashboards/compliance.xlsx?table=agencies",
        "/dashboards/satisfaction.csv?table=trend",
        "/dashboards/satisfaction.docx?table=criteria",
    ):
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])


def test_unknown_table_or_format_is_a_clear_400(client, kpi):  # noqa: F811
    log_in(client, "xem_tp", CITY_PASSWORD)
    table = client.get("/dashboards/kpi.csv?table=nothing&lang=en")
    assert table.status_code == 400 and "no table with this name" in table.get_data(as_text=True)
    fmt = client.get("/dashboards/kpi.exe?lang=en")
    assert fmt.status_code == 400 and "CSV, XLSX, DOCX or PDF" in fmt.get_data(as_text=True)
    assert client.get("/dashboards/nothing.csv").status_code == 404


def test_a_district_viewer_downloads_only_their_district(client, kpi):  # noqa: F811
    log_in(client, "xem_q1", CITY_PASSWORD)
    text = client.get("/dashboards/kpi.csv", query_string={**RANGE, "lang": "en"}).data.decode("utf-8-sig")
    assert "District 1" in text and "District 3" not in text
    assert client.get("/dashboards/kpi.csv", query_string={**RANGE, "agency": kpi.id("d3")}).status_code == 404
