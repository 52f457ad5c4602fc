"""The public results pages in Chromium: rankings and an agency's detail, in both languages, on a desktop and
on a phone (390×844): the charts draw (Chart.js under the content security policy), the tables rank the rows."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.formplatform.satisfaction.test_results import known_ratings


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def results_city(app, city, seeded):
    with app.test_request_context():
        known_ratings(city)
    return city


def watch_console(page) -> list[str]:
    """Script errors, CSP refusals and failed requests (but the favicon this app does not have)."""
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", on_response)
    return problems


def chart_values(page, chart_id: str) -> list:
    """The data a drawn chart holds, read from Chart.js itself (None when nothing was drawn)."""
    return page.evaluate(
        """(id) => {
            const canvas = document.querySelector(`canvas[data-fps-chart="${id}"]`);
            const chart = canvas && window.Chart && window.Chart.getChart(canvas);
            return chart ? chart.data.datasets[0].data : null;
        }""",
        chart_id,
    )


def canvas_is_drawn(page, chart_id: str) -> bool:
    """Whether the canvas has a size and some non-transparent pixels."""
    return page.evaluate(
        """(id) => {
            const canvas = document.querySelector(`canvas[data-fps-chart="${id}"]`);
            if (!canvas || canvas.width < 50 || canvas.height < 50) return false;
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) return true; }
            return false;
        }""",
        chart_id,
    )


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_ranking_page_draws_its_charts_on_a_desktop(page, live_server, results_city, lang):
    c = results_city
    problems = watch_console(page)
    page.goto(f"{live_server}/satisfaction?period=2025&lang={lang}")
    assert chart_values(page, "fps-data-district") == [100, 66.7]
    assert chart_values(page, "fps-data-department") == [100]  # Sở Tư pháp: one rating, "satisfied"
    assert canvas_is_drawn(page, "fps-data-district")
    rows = page.locator('table[data-fps-ranking="district"] tbody tr')
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-fps-agency") == c.id("d3")
    first = rows.nth(0).inner_text()
    assert ("UBND Quận 3" if lang == "vi" else "District 3") in first and "100" in first
    assert problems == []
    screenshot(page, f"results-ranking-{lang}-desktop")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_ranking_and_agency_pages_fit_a_phone(phone, live_server, results_city, lang):
    c = results_city
    problems = watch_console(phone)
    phone.goto(f"{live_server}/satisfaction?period=2025&lang={lang}")
    assert chart_values(phone, "fps-data-district") == [100, 66.7]
    assert canvas_is_drawn(phone, "fps-data-district")
    assert phone.locator('table[data-fps-ranking="district"] tbody tr').count() == 2
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(phone, f"results-ranking-{lang}-phone")
    phone.locator(f'table[data-fps-ranking="district"] a[href*="{c.id("d1")}"]').click()
    phone.wait_for_url(f"**/satisfaction/agencies/{c.id('d1')}**")
    assert chart_values(phone, "fps-data-trend") == [None, None, None, None, 66.7]
    assert chart_values(phone, "fps-data-criteria") == [1] * 9
    assert canvas_is_drawn(phone, "fps-data-criteria") and canvas_is_drawn(phone, "fps-data-trend")
    text = phone.locator("main").inner_text()
    assert ("UBND Phường Bến Nghé" if lang == "vi" else "Ben Nghe Ward") in text
    assert "Nguyễn Văn Tiếp" not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
    screenshot(phone, f"results-agency-{lang}-phone")
