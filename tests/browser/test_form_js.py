"""form.js in headless Chromium: show-if rules, calculated grid columns and totals, adding rows.

The page is a rendered fill form plus the static files, loaded from file:// under a strict CSP
(no inline script or style), as the site serves it. `browser` is the session fixture of
tests/browser/conftest.py (one Playwright per process: a second sync_playwright() cannot start).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from form_definitions.answers import compute
from form_definitions.formdata import read_form
from renderers import render_form
from tests.browser.test_rules_js import CHROMIUM, STATIC
from tests.form_definitions.test_rule_cases import same
from tests.renderers.forms import ALL_TYPES, ANSWERS, t

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CSP = "default-src 'none'; script-src file:; style-src file:; img-src file: data:"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}"),
]


def page_html(body: str, lang: str = "vi") -> str:
    scripts = "".join(
        f'<script src="{(STATIC / path).as_uri()}"></script>'
        for path in ("vendor/json-logic-js/logic.js", "js/rules.js", "js/form.js")
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Biểu mẫu</title>'
        f'<link rel="stylesheet" href="{(STATIC / "css" / "app.css").as_uri()}"></head><body>'
        '<header class="fp-header"><div class="fp-container"><a class="fp-brand" href="#">Sở Nội vụ TP.HCM'
        '<small>Hệ thống biểu mẫu</small></a><ul class="fp-lang-switch"><li><span aria-current="true">VI</span>'
        '</li><li><a href="#">EN</a></li></ul></div></header>'
        f'<main class="fp-main"><div class="fp-container">{body}</div></main>{scripts}</body></html>'
    )


@pytest.fixture
def open_form(browser, tmp_path):
    pages = []

    def opener(data=None, *, locale="vi", errors=None, viewport=None, definition=ALL_TYPES):
        path = tmp_path / f"form{len(pages)}.html"
        body = render_form(definition, data=data, locale=locale, errors=errors)
        path.write_text(page_html(body, locale), "utf-8")
        page = browser.new_page(viewport=viewport or {"width": 1366, "height": 768})
        page.problems = []
        page.on("pageerror", lambda error: page.problems.append(str(error)))
        page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
        page.goto(path.as_uri())
        page.wait_for_function("() => document.querySelector('form').fpState !== undefined")
        pages.append(page)
        return page

    yield opener
    for page in pages:
        assert page.problems == [], page.problems
        page.close()


def by_name(page, name):
    return page.locator(f'[name="{name}"]')


def focused_name(page):
    return page.evaluate("() => document.activeElement.getAttribute('name')")


def text_of(page, element_id):
    return page.locator(f'[id="{element_id}"]').text_content()


def test_show_if_field_appears_and_disappears(open_form):
    page = open_form()
    other = page.locator('[data-fp-key="other_channel"]')
    assert other.is_hidden()
    page.locator('[id="f-channels--2"]').check()
    assert other.is_visible()
    assert by_name(page, "other_channel").is_enabled()
    assert page.locator('[id="f-other_channel-req"]').is_visible()
    by_name(page, "other_channel").fill("Zalo")
    page.locator('[id="f-channels--2"]').uncheck()
    assert other.is_hidden()
    assert by_name(page, "other_channel").is_disabled()


def test_sections_and_static_text_follow_their_rules(open_form):
    has_plan = {"==": [{"var": "has_plan"}, True]}
    definition = {
        "schema_version": 1,
        "key": "rules",
        "kind": "report",
        "title": t("Quy tắc", "Rules"),
        "fields": [
            {"type": "yes_no", "name": "has_plan", "label": t("Có kế hoạch?", "Has a plan?")},
            {
                "type": "section",
                "name": "plan",
                "label": t("Kế hoạch", "Plan"),
                "visible_if": has_plan,
                "fields": [
                    {"type": "text", "name": "plan_name", "label": t("Tên", "Name"), "required_if": has_plan},
                ],
            },
            {"type": "static", "content": t("Không có kế hoạch", "No plan"), "visible_if": {"!": has_plan}},
        ],
    }
    page = open_form(definition=definition)
    section, note = page.locator('[data-fp-key="_1"]'), page.locator('[data-fp-key="_2"]')
    assert section.is_hidden() and note.is_visible() and by_name(page, "plan_name").is_disabled()
    page.locator('[id="f-has_plan--0"]').check()
    assert section.is_visible() and note.is_hidden() and by_name(page, "plan_name").is_enabled()
    assert page.locator('[id="f-plan_name-req"]').is_visible()
    page.locator('[id="f-has_plan--1"]').check()
    assert section.is_hidden() and note.is_visible() and by_name(page, "plan_name").is_disabled()


def test_rules_inside_group_rows_read_their_own_row(open_form):
    definition = {
        "schema_version": 1,
        "key": "rows",
        "kind": "report",
        "title": t("Dòng", "Rows"),
        "fields": [
            {
                "type": "group",
                "name": "people",
                "label": t("Người", "People"),
                "fields": [
                    {
                        "type": "choice",
                        "name": "kind",
                        "label": t("Loại", "Kind"),
                        "widget": "select",
                        "options": [
                            {"value": "staff", "label": t("Cán bộ", "Staff")},
                            {"value": "other", "label": t("Khác", "Other")},
                        ],
                    },
                    {
                        "type": "text",
                        "name": "detail",
                        "label": t("Chi tiết", "Detail"),
                        "visible_if": {"==": [{"var": "kind"}, "other"]},
                    },
                ],
            },
        ],
    }
    page = open_form(definition=definition)
    page.locator('[data-fp-add-row][data-fp-for="people"]').click()
    by_name(page, "people.1.kind").select_option("other")
    assert page.locator('[data-fp-key="people.1.detail"]').is_visible()
    assert page.locator('[data-fp-key="people.0.detail"]').is_hidden()
    by_name(page, "people.1.detail").fill("Tình nguyện viên")
    page.locator('[id="f-people.0"] [data-fp-remove-row]').click()
    assert page.locator('[data-fp-key="people.0.detail"]').is_visible()
    assert by_name(page, "people.0.detail").input_value() == "Tình nguyện viên"


def test_calculated_column_and_totals_update_as_you_type(open_form):
    page = open_form(locale="en")
    by_name(page, "annex.docs.plan").fill("200")
    by_name(page, "annex.docs.actual").fill("150")
    assert text_of(page, "f-annex.docs.pct") == "75.0"
    assert text_of(page, "f-annex.docs-total") == "425"
    assert text_of(page, "f-annex-total-plan") == "200"
    by_name(page, "annex.procs.plan").fill("1000")
    assert text_of(page, "f-annex-total-plan") == "1,200"
    by_name(page, "annex.docs.plan").fill("0")
    assert text_of(page, "f-annex.docs.pct") == ""  # division by zero is null, as on the server
    assert text_of(page, "f-annex-total-plan") == "1,000"


def test_numbers_are_shown_in_the_vietnamese_style(open_form):
    page = open_form(locale="vi")
    by_name(page, "annex.docs.plan").fill("3")
    by_name(page, "annex.docs.actual").fill("2")
    assert text_of(page, "f-annex.docs.pct") == "66,7"
    by_name(page, "annex.procs.plan").fill("1234")
    assert text_of(page, "f-annex-total-plan") == "1.237"


def test_add_and_remove_group_rows(open_form):
    page = open_form(locale="en")
    by_name(page, "items.0.qty").fill("2")
    by_name(page, "items.0.price").fill("1,5")
    assert text_of(page, "f-items.0.cost") == "3"
    page.locator('[data-fp-add-row][data-fp-for="items"]').click()
    assert focused_name(page) == "items.1.what"
    by_name(page, "items.1.qty").fill("4")
    by_name(page, "items.1.price").fill("10")
    assert text_of(page, "f-items.1.cost") == "40"
    assert text_of(page, "f-items_total") == "43.00"
    titles = page.locator('[data-fp-key="items"] h3').all_text_contents()
    assert titles == ["Row 1", "Row 2"]
    page.locator('[id="f-items.0"] [data-fp-remove-row]').click()
    assert by_name(page, "items.0.qty").input_value() == "4"
    assert by_name(page, "items.1.qty").count() == 0
    assert page.locator('[data-fp-key="items"] h3').all_text_contents() == ["Row 1"]
    assert page.locator('[id="f-items.0"] label[for="f-items.0.qty"]').count() == 1
    assert text_of(page, "f-items_total") == "40.00"
    assert page.locator('[id="f-items.0"] [data-fp-remove-row]').is_disabled()  # keep one row


def test_add_row_to_an_addable_grid(open_form):
    page = open_form(locale="en")
    by_name(page, "lines.0.amount").fill("1.5")
    page.locator('[data-fp-add-row][data-fp-for="lines"]').click()
    by_name(page, "lines.1.amount").fill("2")
    assert page.locator('[id="f-lines.1"] [data-fp-row-number]').text_content() == "2"
    assert text_of(page, "f-lines-total-amount") == "3.5"


def test_what_the_browser_posts_is_what_it_calculated_with(open_form):
    page = open_form(copy.deepcopy(ANSWERS), locale="en")
    page.locator('[data-fp-add-row][data-fp-for="items"]').click()
    by_name(page, "items.2.qty").fill("5")
    by_name(page, "items.2.price").fill("0.5")
    by_name(page, "annex.procs.actual").fill("10")
    posted = page.evaluate(
        """() => {
            const form = {};
            for (const [name, value] of new FormData(document.querySelector('form'))) {
                if (typeof value === 'string') (form[name] = form[name] || []).push(value);
            }
            return {form, values: document.querySelector('form').fpState.compute()};
        }"""
    )
    server_values, _ = compute(ALL_TYPES, read_form(ALL_TYPES, posted["form"]))
    browser_values = {k: v for k, v in posted["values"].items() if k != "evidence"}
    server_values.pop("evidence")
    assert same(browser_values, server_values), (browser_values, server_values)
    assert server_values["items_total"] == 39.5


def test_error_summary_gets_focus_and_links_to_fields(open_form):
    page = open_form(errors=[{"path": "annex.docs.plan", "code": "required", "message": "Nhập kế hoạch"}])
    assert page.evaluate("() => document.activeElement.hasAttribute('data-fp-error-summary')")
    page.locator(".fp-error-summary a").click()
    assert focused_name(page) == "annex.docs.plan"


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_screenshot_of_a_filled_form(open_form, width, height):
    page = open_form(
        copy.deepcopy(ANSWERS),
        viewport={"width": width, "height": height},
        errors=[{"path": "agency", "code": "required", "message": "Vui lòng nhập tên cơ quan"}],
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fill-form-{width}x{height}.png"), full_page=True)
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, "the page must not scroll sideways (only grids do)"
