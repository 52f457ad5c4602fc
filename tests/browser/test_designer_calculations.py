"""Calculations are built without JSON: a new calculated value, and a grid column switched to
"calculated", open in the guided formula editor, and what the designer picks is what the preview
computes."""

from __future__ import annotations

from typing import Any

from tests.browser.test_designer_safety import draft, open_designer, sample_form, wait_saved


def formula_box(page: Any) -> Any:
    return page.locator("#fp-d-panel fieldset.fp-d-rulebox", has=page.locator("legend:text-is('Formula')"))


def test_a_new_calculated_value_is_set_up_in_the_guided_editor(browser, live_server, app, city):
    sample_form(app, city)
    page = open_designer(browser, live_server)
    page.locator("#fp-d-palette .fp-d-palette__item[data-type=calculated]").click()
    page.locator(".fp-d-node.is-selected[data-ftype=calculated]").wait_for()
    box = formula_box(page)
    assert box.locator(".fp-re-advanced").is_hidden(), "a new formula must not open as JSON"
    assert box.locator(".fp-re-summary").text_content() == "No formula yet."

    box.get_by_label("Calculation").select_option(label="Sum of fields")
    box.locator(".fp-re-picks").get_by_label("Staff", exact=True).check()
    box.locator(".fp-re-picks").get_by_label("Double", exact=True).check()
    assert box.locator(".fp-re-summary").text_content() == "Calculated as: Staff + Double"
    wait_saved(page)
    added = draft(app)[0]["fields"][-1]
    assert added["formula"] == {"+": [{"var": ["staff", 0]}, {"var": ["staff_x2", 0]}]}

    page.click("#fp-d-tab-preview")
    frame = page.frame_locator("#fp-d-preview-frame")
    frame.locator("[name=staff]").fill("3")
    assert frame.locator(f"#f-{added['name']}").inner_text(timeout=5000) == "9"  # 3 + 3 × 2

    # Choosing no calculation again leaves the constant-0 placeholder, which reads as "no formula yet".
    page.click("#fp-d-tab-outline")
    box.get_by_label("Calculation").select_option(label="Choose a calculation…")
    wait_saved(page)
    assert draft(app)[0]["fields"][-1]["formula"] == {"+": [0]}
    page.context.close()


def test_a_grid_column_switched_to_calculated_gets_the_guided_editor(browser, live_server, app, city):
    sample_form(app, city)
    page = open_designer(browser, live_server)
    page.locator(".fp-d-node__main", has_text="Annex").click()
    columns = page.locator("#fp-d-panel fieldset.fp-d-list", has=page.locator("legend:text-is('Columns')"))
    columns.get_by_role("button", name="Add a column").click()
    columns = page.locator("#fp-d-panel fieldset.fp-d-list", has=page.locator("legend:text-is('Columns')"))
    columns.locator(".fp-d-item").last.locator("select").first.select_option("calculated")
    box = page.locator("#fp-d-panel fieldset.fp-d-rulebox").last
    assert box.locator(".fp-re-advanced").is_hidden()
    box.get_by_label("Calculation").select_option(label="Difference (a − b)")
    box.get_by_label("Field a").select_option(label="Actual")
    box.get_by_label("Field b").select_option(label="Plan")
    wait_saved(page)
    grid = next(f for f in draft(app)[0]["fields"] if f["name"] == "annex")
    assert grid["columns"][-1]["type"] == "calculated"
    assert grid["columns"][-1]["formula"] == {"-": [{"var": "actual"}, {"var": "plan"}]}
    page.context.close()
