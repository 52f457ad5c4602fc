"""A leader's export in Chromium: a KPI dashboard with data, a filter changed, the reports behind it exported in
the background, the progress bar followed to the end and the file downloaded and read back."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.browser.test_report_workflow import log_in
from tests.formplatform.dashboards.test_kpi import kpi as kpi  # noqa: F401  (the fixture)


def test_dashboard_filter_export_progress_download(app, live_server, page, kpi, monkeypatch):  # noqa: F811
    from openpyxl import load_workbook

    monkeypatch.setitem(app.config, "EXPORT_RUNNER", True)  # jobs run in this process's background thread
    log_in(page, live_server, "thamdinh")
    page.goto(f"{live_server}/dashboards/kpi?template=kpi-test&from=2026-09&to=2026-11&lang=en")
    assert page.locator("table[data-fpd-table]").first.is_visible()
    page.fill("#fpd-from", "2026-10")  # the filter: October and November only
    page.click("form.fpd-filters button[type=submit]")
    page.wait_for_url("**from=2026-10**")
    screenshot(page, "export-1-dashboard")
    page.click("text=Export these reports (XLSX, CSV)…")
    page.wait_for_url("**/exports/new**")
    assert page.input_value("#fpx-from") == "2026-10"
    page.check("input[name=language][value=both]")
    screenshot(page, "export-2-options")
    page.click("text=Start the export")
    page.wait_for_url("**/exports/*")
    download_link = page.locator("[data-export-download]")
    download_link.wait_for(state="visible", timeout=30_000)
    assert page.locator("[data-export-bar]").evaluate("bar => bar.value") == 100
    assert page.locator("[data-export-state]").inner_text() == "Ready"
    screenshot(page, "export-3-ready")
    with page.expect_download() as caught:
        download_link.click()
    download = caught.value
    assert download.suggested_filename.startswith("kpi-test-reports-") and download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as saved:
        book = load_workbook(saved)
    main = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert main[0][0] == "Mã bản ghi / Record id"
    shown = sorted((row[4], row[2]) for row in main[1:])
    assert shown == [("2026-M10", "000.00.31.H29"), ("2026-M10", "000.00.33.H29")]
    page.goto(f"{live_server}/exports?lang=en")
    assert page.locator(".fpx-job[data-state=done]").count() == 1
    screenshot(page, "export-4-my-exports")
