"""The API reference at /api/v1/docs in Chromium: Redoc (vendored) draws every operation of the platform's own
OpenAPI document inside the site's layout, under the page's content security policy, with no outside request."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot


def test_the_reference_draws_the_document_offline(page: Any, live_server: str) -> None:
    problems: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "favicon" not in m.text and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith((live_server, "data:", "blob:")) else None
    )
    page.goto(f"{live_server}/api/v1/docs?lang=en")
    page.wait_for_selector("h2:has-text('Pull the submissions of a form')", timeout=20_000)
    assert page.locator("header, nav").first.is_visible()  # the site's own chrome around the reference
    assert page.locator("text=Form platform API").first.is_visible()
    assert page.locator("text=/dossiers").count() > 0
    screenshot(page, "api-docs")
    assert not problems and not outside, (problems, outside)
