"""A sum check in the browser: the message appears next to the fields while typing (tied by
aria-describedby), the server refuses the submit while the figures do not add up, and accepts it once
they are corrected."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.checks import MESSAGE, figures_definition

KEY = "dossier-figures-public"


@pytest.fixture
def figures_form(app: Any, admin: Any) -> str:
    from formplatform.services.forms import publish_form, save_draft

    definition = {**figures_definition(), "key": KEY, "kind": "questionnaire"}
    late_within = {"<=": [{"var": "late"}, {"var": "received"}]}
    message = {"vi": "Số trễ hạn vượt số tiếp nhận.", "en": "More late than received."}
    definition["checks"].append({"name": "late_within", "rule": late_within, "message": message})  # tied to no field
    with app.app_context():
        save_draft(KEY, definition, admin)
        publish_form(KEY, admin)
    return KEY


def type_figures(page: Any, received: str) -> None:
    for name, value in (("received", received), ("on_time", "3"), ("late", "3"), ("pending", "3")):
        page.fill(f'input[name="{name}"]', value)


def test_a_sum_check_refuses_then_accepts_once_corrected(page, live_server, figures_form):
    page.goto(f"{live_server}/forms/{figures_form}?lang=en")
    type_figures(page, "3")
    page.fill('input[name="late"]', "5")
    form_level = page.locator("[data-fp-form-checks][aria-live=polite] #fp-check-late_within")
    assert form_level.inner_text() == "More late than received."  # above the fields, announced politely
    page.fill('input[name="late"]', "3")
    assert form_level.count() == 0
    message = page.locator("#f-received-check-dossiers_add_up")
    assert message.inner_text() == MESSAGE["en"]
    described = page.get_attribute('input[name="received"]', "aria-describedby") or ""
    assert "f-received-check-dossiers_add_up" in described.split()
    assert page.get_attribute('input[name="received"]', "aria-invalid") == "true"
    assert page.locator("#f-pending-check-dossiers_add_up").inner_text() == MESSAGE["en"]
    page.fill('input[name="targets.q1.plan"]', "5")
    page.fill('input[name="targets.q1.actual"]', "7")
    assert page.locator("#f-targets\\.q1-check-actual_within_plan").inner_text() == "Actual may not exceed the plan."
    page.fill('input[name="targets.q1.actual"]', "4")
    assert page.locator("#f-targets\\.q1-check-actual_within_plan").count() == 0

    page.locator("form.fp-form button[type=submit]").click()  # the server has the last word
    page.wait_for_load_state()
    assert "/submissions/" not in page.url
    assert MESSAGE["en"] in page.locator("#fp-box-received").inner_text()
    assert page.locator('input[name="received"]').input_value() == "3"  # nothing typed is lost

    page.fill('input[name="received"]', "9")
    assert page.locator("#f-received-check-dossiers_add_up").count() == 0
    assert MESSAGE["en"] not in page.locator("#fp-box-received").inner_text()
    assert page.get_attribute('input[name="received"]', "aria-invalid") is None  # the stale server error is gone
    page.locator("form.fp-form button[type=submit]").click()
    page.wait_for_url("**/submissions/**")
