"""A designer imports a Form.io definition and a workbook through the pages: the report lists every
item that could not be kept, the draft opens in the visual editor, and nothing is saved before the
designer says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from form_definitions.interchange import workbook_from_definition
from form_definitions.library import library_versions
from tests.browser.conftest import screenshot
from tests.browser.test_accounts_flow import log_in
from tests.fixtures.city import CITY_PASSWORD

FORMIO = Path(__file__).resolve().parents[1] / "fixtures" / "formio_sample.json"


def stored(app: Any, key: str) -> Any:
    from formplatform.models import Form

    with app.app_context():
        return Form.objects(id=key).first()


def test_formio_import_reports_then_opens_in_the_designer(browser, live_server, app, city, tmp_path):
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, live_server, "thietke", CITY_PASSWORD)
    page.goto(f"{live_server}/admin/forms/import?lang=vi")
    page.set_input_files("#f-file", str(FORMIO))
    page.fill("#f-key", "tu-formio")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    report = page.locator("main").inner_text()
    assert "customConditional" in report  # the script condition is reported, not silently dropped
    assert "Những gì sẽ được tạo" in report and "Những gì bị bỏ qua" in report  # the preview, in Vietnamese
    assert stored(app, "tu-formio") is None, "nothing is saved before the designer confirms"
    screenshot(page, "designer-import-report-vi")
    page.fill("#f-title-en", "Satisfaction survey")  # titles can be set before the draft is made
    page.get_by_role("button", name="Tạo bản nháp").click()
    page.wait_for_url("**/admin/forms/tu-formio/design**")
    page.wait_for_selector(".fp-d-node")
    assert stored(app, "tu-formio").draft["fields"]
    assert stored(app, "tu-formio").draft["title"]["en"] == "Satisfaction survey"
    # Labels came in Vietnamese only: the editor flags the English ones as missing.
    assert "Thiếu bản dịch" in page.locator("#fp-d-missing").inner_text()
    screenshot(page, "designer-imported-formio-vi")
    page.context.close()


def test_exported_workbook_imports_back_as_the_same_form(browser, live_server, app, city, tmp_path):
    definition = library_versions()["par-self-assessment"][-1]
    workbook = tmp_path / "par.xlsx"
    workbook.write_bytes(workbook_from_definition(definition))
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, live_server, "thietke", CITY_PASSWORD)
    page.goto(f"{live_server}/admin/forms/import?lang=en")
    page.set_input_files("#f-file", str(workbook))
    page.fill("#f-key", "par-copy")
    page.locator("main form button[type=submit]").last.click()
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/admin/forms/par-copy/design**")
    draft = stored(app, "par-copy").draft
    assert draft["fields"] == definition["fields"] and draft["title"] == definition["title"]
    page.goto(f"{live_server}/admin/forms?lang=en")
    screenshot(page, "designer-forms-list-en")
    page.context.close()
