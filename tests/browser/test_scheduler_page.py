"""An administrator follows the platform's periodic jobs and runs one now, in Vietnamese and English,
on a desktop and on a phone-sized screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_accounts_flow import log_in
from tests.fixtures.city import CITY_PASSWORD


@pytest.mark.parametrize(("lang", "width"), [("vi", 1366), ("en", 390)])
def test_an_administrator_sees_each_job_and_runs_one_now(browser, live_server, app, city, lang, width):
    from formplatform.scheduler.jobs import JOBS
    from formplatform.scheduler.runner import run_due

    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    log_in(page, live_server, "quantri", CITY_PASSWORD)
    page.goto(f"{live_server}/admin/scheduler?lang={lang}")
    rows = page.locator("#scheduled-jobs tbody tr")
    assert rows.count() == len(JOBS)
    assert page.locator("#scheduler-state[role=alert]").is_visible()  # no scheduler thread in the test app
    row = page.locator('tr[data-job="records.expire"]')
    row.get_by_role("button").click()
    page.wait_for_load_state()
    flash = page.locator(".fp-flash--success")
    assert ("sẽ chạy trong vài giây" if lang == "vi" else "will run within a few seconds") in flash.inner_text()
    with app.app_context():
        assert "records.expire" in run_due("test")
    page.reload()
    outcome = page.locator('tr[data-job="records.expire"]').inner_text()
    assert ("Thành công" if lang == "vi" else "Succeeded") in outcome and "rating_counters: 0" in outcome
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    screenshot(page, f"scheduler-{lang}-{width}")
    context.close()
