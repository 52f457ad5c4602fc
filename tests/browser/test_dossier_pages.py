"""A district specialist browses dossiers, opens one with its rating QR, and imports a sheet with a bad row."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.satisfaction import make_dossier
from tests.formplatform.satisfaction.test_dossier_intake import row
from tests.formplatform.satisfaction.test_dossier_pages import csv_bytes


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login?lang=vi")
    page.fill("#username", username)
    page.fill("#password", CITY_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_dossier_list_detail_and_import_preview(browser, live_server, app, city, seeded, tmp_path):
    with app.app_context():
        for seq, status in enumerate(["returned", "processing", "finished", "received", "supplement_requested"], 1):
            make_dossier(city, "d1_ward", seq=seq, status=status)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, live_server, "cv_q1")

    page.goto(f"{live_server}/admin/dossiers?lang=vi")
    assert page.locator("table.fpd-dossiers tbody tr").count() == 5
    page.select_option("#agency", city.id("d1_ward"))
    page.locator("form.fp-search button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".fpd-posters").count() == 1
    screenshot(page, "dossiers-list-vi")

    page.locator("a.fpd-code", has_text="261110-0001").click()
    page.wait_for_load_state()
    image = page.locator("img.fpd-qr")
    assert image.evaluate("img => img.complete && img.naturalWidth > 100")
    screenshot(page, "dossier-detail-vi")
    page.goto(page.url.split("?")[0] + "?lang=en")
    screenshot(page, "dossier-detail-en")

    sheet = tmp_path / "ho-so.csv"
    sheet.write_bytes(csv_bytes([row(11), row(12, status="lost", due_at="2026-11-01"), row(11)]))
    page.goto(f"{live_server}/admin/dossiers/import?lang=vi")
    page.set_input_files("#sheet", str(sheet))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    rows = page.locator("[data-testid=import-preview] tbody tr")
    assert rows.count() == 3 and page.locator("#confirm-import").count() == 0  # a bad row: nothing to confirm
    assert page.locator('tr[data-verdict="invalid"]').count() == 2
    screenshot(page, "dossier-import-preview-vi")
    page.get_by_role("button", name="Hủy").click()  # cancel: back to the upload page
    page.wait_for_load_state()
    sheet.write_bytes(csv_bytes([row(11), row(12)]))
    page.set_input_files("#sheet", str(sheet))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator('tr[data-verdict="new"]').count() == 2
    page.locator("#confirm-import").click()
    page.wait_for_load_state()
    assert "2 hồ sơ mới" in page.locator("main").inner_text()
    screenshot(page, "dossier-import-done-vi")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    small = phone.new_page()
    log_in(small, live_server, "cv_q1")
    small.goto(f"{live_server}/admin/dossiers?lang=en")
    screenshot(small, "dossiers-list-phone-en")
    phone.close()
    context.close()
