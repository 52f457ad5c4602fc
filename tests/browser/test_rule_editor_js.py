"""The guided rule editor (js/designer/rule-editor.js) in headless Chromium, driven as a designer would.

Every rule the guided editor writes is checked three ways: the exact JSON Logic, the plain-language
summary it shows, and what the server's evaluator (form_definitions.rules) answers on sample data —
so the summary is proven to say what the rule does. `browser` is the session fixture of
tests/browser/conftest.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from form_definitions.rules import OPERATIONS, SPECIAL_FORMS, evaluate, holds
from formplatform.designer.rule_messages import rule_editor_messages
from tests.browser.conftest import screenshot
from tests.browser.test_rules_js import CHROMIUM, STATIC

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}"),
]

MESSAGES = rule_editor_messages()  # English: no request, no locale
SCRIPTS = ("vendor/json-logic-js/logic.js", "js/rules.js", "js/designer/rule-editor.js")
STYLES = ("css/app.css", "css/rule-editor.css")
WARDS = [{"value": f"p{i}", "label": f"Phường {i}"} for i in (1, 2, 3)]
FIELDS = [
    {"name": "ward", "label": "Ward", "type": "choice", "options": WARDS},
    {
        "name": "channels",
        "label": "Channels",
        "type": "multi_choice",
        "options": [{"value": "counter", "label": "At the counter"}, {"value": "online", "label": "Online"}],
    },
    {"name": "has_plan", "label": "Has a plan", "type": "yes_no"},
    {"name": "age", "label": "Age", "type": "integer"},
    {"name": "score", "label": "Score", "type": "decimal"},
    {"name": "stars", "label": "Stars", "type": "rating"},
    {"name": "visit_date", "label": "Visit date", "type": "date"},
    {"name": "full_name", "label": "Full name", "type": "text"},
    {"name": "evidence", "label": "Evidence", "type": "file"},
    {
        "name": "level",
        "label": "Level",
        "type": "scored_choice",
        "options": [{"value": "a", "label": "Good"}, {"value": "b", "label": "Fair"}],
    },
    {"name": "total", "label": "Total", "type": "calculated"},
    {"name": "annex", "label": "Annex", "type": "grid"},
]
NUMERIC = ["Age", "Score", "Stars", "Total"]


def v(name):
    return {"var": name}


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda message: page.problems.append(message.text) if message.type == "error" else None)
    page.set_content(
        '<!doctype html><html lang="en"><body><main class="fp-main"><div id="host"></div></main></body></html>'
    )
    for path in STYLES:
        page.add_style_tag(path=str(STATIC / path))
    page.add_style_tag(content="#host { max-width: 760px; }")
    for path in SCRIPTS:
        page.add_script_tag(path=str(STATIC / path))
    yield page
    assert page.problems == []
    context.close()


def mount(page, **options):
    options = {"kind": "condition", "purpose": "visible_if", "fields": FIELDS, "messages": MESSAGES, **options}
    options.setdefault("idPrefix", f"fp-re-{options['kind']}")
    page.evaluate(
        """opts => {
            if (window.editor) { window.editor.destroy(); }
            window.emitted = [];
            opts.onChange = value => window.emitted.push(value);
            window.editor = FPRuleEditor.create(document.getElementById('host'), opts);
        }""",
        options,
    )


def emitted(page):
    return page.evaluate("window.emitted")


def get(page):
    return page.evaluate("window.editor.get()")


def set_rule(page, rule):
    page.evaluate("rule => window.editor.set(rule)", rule)


def summary(page):
    return page.locator(".fp-re-summary").text_content()


def row(page, index):
    return page.locator(".fp-re-row").nth(index)


def in_json_view(page):
    return page.locator(".fp-re-advanced").is_visible()


def fill_row(target, field, op=None, value=None):
    target.get_by_label("Field", exact=True).select_option(label=field)
    if op is not None:
        target.get_by_label("Comparison", exact=True).select_option(label=op)
    if isinstance(value, list):
        for label in value:
            target.get_by_label(label, exact=True).check()
    elif value is not None:
        control = target.get_by_label("Value", exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)


def browser_holds(page, rule, data):
    return page.evaluate("([rule, data]) => FPRules.holds(rule, data)", [rule, data])


# (summary after "Shown when: ", UI steps, JSON Logic, [(data, shown?)])
CONDITIONS = [
    (
        "Ward is “Phường 1”",
        ("Ward", "equals", "Phường 1"),
        {"==": [v("ward"), "p1"]},
        [({"ward": "p1"}, True), ({"ward": "p2"}, False), ({}, False)],
    ),
    (
        "Ward is not “Phường 1”",
        ("Ward", "does not equal", "Phường 1"),
        {"!=": [v("ward"), "p1"]},
        [({"ward": "p2"}, True), ({"ward": "p1"}, False), ({}, True)],
    ),
    (
        "Ward is one of “Phường 1”, “Phường 3”",
        ("Ward", "is one of", ["Phường 1", "Phường 3"]),
        {"in": [v("ward"), ["p1", "p3"]]},
        [({"ward": "p3"}, True), ({"ward": "p2"}, False), ({}, False)],
    ),
    ("Ward is answered", ("Ward", "is answered"), {"!!": v("ward")}, [({"ward": "p2"}, True), ({}, False)]),
    ("Ward is not answered", ("Ward", "is not answered"), {"!": v("ward")}, [({"ward": "p2"}, False), ({}, True)]),
    (
        "Channels includes “Online”",
        ("Channels", "includes", "Online"),
        {"in": ["online", v("channels")]},
        [({"channels": ["counter", "online"]}, True), ({"channels": ["counter"]}, False), ({}, False)],
    ),
    (
        "Channels does not include “Online”",
        ("Channels", "does not include", "Online"),
        {"!": {"in": ["online", v("channels")]}},
        [({"channels": ["counter"]}, True), ({"channels": ["online"]}, False), ({}, True)],
    ),
    (
        "Channels is answered",
        ("Channels", "is answered"),
        {"!!": v("channels")},
        [({"channels": ["online"]}, True), ({"channels": []}, False), ({}, False)],
    ),
    (
        "Has a plan is Yes",
        ("Has a plan", "equals", "Yes"),
        {"===": [v("has_plan"), True]},
        [({"has_plan": True}, True), ({"has_plan": False}, False), ({}, False)],
    ),
    (
        "Has a plan is not No",
        ("Has a plan", "does not equal", "No"),
        {"!==": [v("has_plan"), False]},
        [({"has_plan": True}, True), ({"has_plan": False}, False), ({}, True)],
    ),
    (  # "No" is an answer: truthiness would miss it
        "Has a plan is answered",
        ("Has a plan", "is answered"),
        {"!=": [v("has_plan"), None]},
        [({"has_plan": False}, True), ({"has_plan": True}, True), ({}, False)],
    ),
    (
        "Age ≥ 18",
        ("Age", "is greater than or equal to", "18"),
        {">=": [v("age"), 18]},
        [({"age": 18}, True), ({"age": 17}, False), ({}, False)],
    ),
    (  # JSON Logic reads a blank number as 0 in comparisons: documented, held here
        "Age < 18",
        ("Age", "is less than", "18"),
        {"<": [v("age"), 18]},
        [({"age": 17}, True), ({"age": 18}, False), ({}, True)],
    ),
    ("Age > 0", ("Age", "is greater than", "0"), {">": [v("age"), 0]}, [({"age": 1}, True), ({"age": 0}, False)]),
    (
        "Age is 0",
        ("Age", "equals", "0"),
        {"==": [v("age"), 0]},
        [({"age": 0}, True), ({"age": 3}, False), ({}, False)],
    ),
    (  # 0 is an answer
        "Age is answered",
        ("Age", "is answered"),
        {"!=": [v("age"), None]},
        [({"age": 0}, True), ({}, False)],
    ),
    (
        "Age is not answered",
        ("Age", "is not answered"),
        {"==": [v("age"), None]},
        [({"age": 0}, False), ({}, True)],
    ),
    (
        "Score ≤ 2.5",
        ("Score", "is less than or equal to", "2.5"),
        {"<=": [v("score"), 2.5]},
        [({"score": 2.5}, True), ({"score": 2.51}, False)],
    ),
    (
        "Stars is not 5",
        ("Stars", "does not equal", "5"),
        {"!=": [v("stars"), 5]},
        [({"stars": 4}, True), ({"stars": 5}, False)],
    ),
    (
        "Visit date is before 2024-07-01",
        ("Visit date", "is before", "2024-07-01"),
        {"<": [v("visit_date"), "2024-07-01"]},
        [({"visit_date": "2024-06-30"}, True), ({"visit_date": "2024-07-01"}, False), ({}, False)],
    ),
    (
        "Visit date is on or after 2024-07-01",
        ("Visit date", "is on or after", "2024-07-01"),
        {">=": [v("visit_date"), "2024-07-01"]},
        [
            ({"visit_date": "2024-07-01"}, True),
            ({"visit_date": "2025-01-15"}, True),
            ({"visit_date": "2024-06-30"}, False),
        ],
    ),
    (  # typed with spaces: the fill page trims answers, so the rule does too
        "Full name is “Nguyễn Văn A”",
        ("Full name", "equals", "  Nguyễn Văn A "),
        {"==": [v("full_name"), "Nguyễn Văn A"]},
        [({"full_name": "Nguyễn Văn A"}, True), ({"full_name": "Nguyễn Văn B"}, False)],
    ),
    (
        "Evidence is answered",
        ("Evidence", "is answered"),
        {"!!": v("evidence")},
        [
            ({"evidence": {"id": "f1", "name": "a.pdf", "size": 9, "content_type": "application/pdf"}}, True),
            ({}, False),
        ],
    ),
    (
        "Level is “Good”",
        ("Level", "equals", "Good"),
        {"==": [v("level"), "a"]},
        [({"level": "a"}, True), ({"level": "b"}, False)],
    ),
    (
        "Total > 10",
        ("Total", "is greater than", "10"),
        {">": [v("total"), 10]},
        [({"total": 10.5}, True), ({"total": 10}, False)],
    ),
]


@pytest.mark.parametrize(("text", "steps", "rule", "samples"), CONDITIONS, ids=[c[0] for c in CONDITIONS])
def test_each_operator_writes_the_rule_its_summary_describes(page, text, steps, rule, samples):
    mount(page, value=None)
    page.get_by_role("button", name="Add condition", exact=True).click()
    fill_row(row(page, 0), *steps)
    assert get(page) == rule
    assert emitted(page)[-1] == rule
    assert page.evaluate("editor.isValid()") is True
    assert summary(page) == f"Shown when: {text}"
    for data, shown in samples:
        assert holds(rule, data) is shown, (data, shown)
        assert browser_holds(page, rule, data) is shown, (data, shown)
    # round trip: the same rule opens as the same guided row and summary
    mount(page, value=rule)
    assert get(page) == rule and not in_json_view(page) and emitted(page) == []
    assert summary(page) == f"Shown when: {text}"
    assert row(page, 0).get_by_label("Field", exact=True).input_value() == rule_field(rule)


def rule_field(rule):
    (args,) = rule.values()
    text = json.dumps(args)
    return next(f["name"] for f in FIELDS if f'"var": "{f["name"]}"' in text)


def test_all_and_any_and_one_nested_group(page):
    mount(page)
    assert page.locator(".fp-re-join").is_hidden()  # one choice fewer while there is nothing to combine
    page.get_by_role("button", name="Add condition", exact=True).click()
    fill_row(row(page, 0), "Ward", "equals", "Phường 1")
    page.get_by_role("button", name="Add condition", exact=True).click()
    fill_row(row(page, 1), "Age", "is greater than or equal to", "18")
    both = {"and": [{"==": [v("ward"), "p1"]}, {">=": [v("age"), 18]}]}
    assert get(page) == both
    assert summary(page) == "Shown when: Ward is “Phường 1” and Age ≥ 18"

    page.get_by_label("Combine conditions").select_option(label="Any of these conditions is true")
    either = {"or": both["and"]}
    assert get(page) == either
    assert summary(page) == "Shown when: Ward is “Phường 1” or Age ≥ 18"
    assert holds(either, {"ward": "p2", "age": 30}) and not holds(either, {"ward": "p2", "age": 3})

    page.get_by_label("Combine conditions").select_option(label="All of these conditions are true")
    page.get_by_role("button", name="Add group").click()
    group = page.locator(".fp-re-group")
    fill_row(group.locator(".fp-re-row").nth(0), "Has a plan", "equals", "Yes")
    group.get_by_role("button", name="Add condition to group 3").click()
    fill_row(group.locator(".fp-re-row").nth(1), "Evidence", "is answered")
    nested = {
        "and": [
            {"==": [v("ward"), "p1"]},
            {">=": [v("age"), 18]},
            {"or": [{"===": [v("has_plan"), True]}, {"!!": v("evidence")}]},
        ]
    }
    assert get(page) == nested
    assert summary(page) == (
        "Shown when: Ward is “Phường 1” and Age ≥ 18 and (Has a plan is Yes or Evidence is answered)"
    )
    base = {"ward": "p1", "age": 20}
    assert holds(nested, {**base, "has_plan": True})
    assert holds(nested, {**base, "has_plan": False, "evidence": {"id": "x"}})
    assert not holds(nested, {**base, "has_plan": False})
    assert not holds(nested, {"ward": "p2", "age": 20, "has_plan": True})

    mount(page, value=nested)  # round trip, group included
    assert get(page) == nested and not in_json_view(page)
    assert page.locator(".fp-re-group .fp-re-row").count() == 2
    assert page.get_by_label("Combine the conditions of group 3").input_value() == "or"


def test_removing_conditions_down_to_none_means_no_rule(page):
    rule = {"and": [{"==": [v("ward"), "p1"]}, {">=": [v("age"), 18]}]}
    mount(page, value=rule)
    page.get_by_role("button", name="Remove condition 1").click()
    assert get(page) == {">=": [v("age"), 18]}  # a single condition is not wrapped in "and"
    assert page.evaluate("document.activeElement.textContent") == "Add condition"
    page.get_by_role("button", name="Remove condition 1").click()
    assert get(page) is None and emitted(page) == [{">=": [v("age"), 18]}, None]
    assert summary(page) == "Always shown (no rule)."
    assert page.get_by_text("No conditions yet").is_visible()


def test_removing_a_groups_last_condition_removes_the_group(page):
    rule = {"or": [{"==": [v("ward"), "p1"]}, {"and": [{">": [v("age"), 1]}, {"!!": v("full_name")}]}]}
    mount(page, value=rule)
    page.get_by_role("button", name="Remove condition 2.1").click()
    assert get(page) == {"or": [{"==": [v("ward"), "p1"]}, {"!!": v("full_name")}]}
    page.get_by_role("button", name="Remove condition 2.1").click()
    assert get(page) == {"==": [v("ward"), "p1"]} and page.locator(".fp-re-group").count() == 0


def test_an_unfinished_condition_is_not_emitted(page):
    mount(page, value={"==": [v("ward"), "p1"]})
    page.get_by_role("button", name="Add condition", exact=True).click()
    assert get(page) == {"==": [v("ward"), "p1"]} and emitted(page) == []  # a blank row changes nothing
    page.locator(".fp-re-row").nth(1).get_by_label("Field", exact=True).select_option(label="Age")
    hint = row(page, 1).locator(".fp-re-hint")
    assert hint.is_visible() and hint.text_content() == "Complete this condition or remove it."
    assert row(page, 1).get_by_label("Value", exact=True).get_attribute("aria-invalid") == "true"
    assert page.evaluate("editor.isValid()") is False and emitted(page) == []
    assert summary(page) == "Unfinished: the last complete rule stays in effect."
    row(page, 1).get_by_label("Value", exact=True).press_sequentially("1e")  # "1" is a number, "1e" is not yet
    assert emitted(page) == [{"and": [{"==": [v("ward"), "p1"]}, {"==": [v("age"), 1]}]}]
    assert page.evaluate("editor.isValid()") is False and hint.is_visible()
    row(page, 1).get_by_label("Value", exact=True).fill("65")
    assert emitted(page)[1:] == [{"and": [{"==": [v("ward"), "p1"]}, {"==": [v("age"), 65]}]}]
    assert hint.is_hidden() and page.evaluate("editor.isValid()") is True


def test_changing_the_field_or_operator_offers_what_fits_the_type(page):
    mount(page)
    page.get_by_role("button", name="Add condition", exact=True).click()
    first = row(page, 0)
    first.get_by_label("Field", exact=True).select_option(label="Ward")
    ops = first.get_by_label("Comparison", exact=True).locator("option").all_text_contents()
    assert ops == ["equals", "does not equal", "is one of", "is answered", "is not answered"]
    assert first.get_by_label("Value", exact=True).locator("option").all_text_contents() == [
        "Choose a value…",
        "Phường 1",
        "Phường 2",
        "Phường 3",
    ]
    fill_row(first, "Ward", "equals", "Phường 2")
    first.get_by_label("Comparison", exact=True).select_option(label="is one of")  # the pick carries over
    assert get(page) == {"in": [v("ward"), ["p2"]]}
    first.get_by_label("Field", exact=True).select_option(label="Visit date")
    assert first.get_by_label("Comparison", exact=True).locator("option").all_text_contents() == [
        "equals",
        "does not equal",
        "is before",
        "is on or before",
        "is after",
        "is on or after",
        "is answered",
        "is not answered",
    ]
    assert first.get_by_label("Value", exact=True).get_attribute("type") == "date"
    first.get_by_label("Field", exact=True).select_option(label="Evidence")
    assert first.get_by_label("Comparison", exact=True).locator("option").all_text_contents() == [
        "is answered",
        "is not answered",
    ]
    assert first.get_by_label("Value", exact=True).count() == 0
    field_names = first.get_by_label("Field", exact=True).locator("option").all_text_contents()
    assert "Annex" not in field_names and "Total" in field_names  # grids have no guided comparison


GUIDED_SHAPES = [c[2] for c in CONDITIONS] + [
    {"and": [{"==": [v("ward"), "p1"]}, {"in": [v("ward"), ["p3", "p1"]]}]},  # order kept as written
    {"or": [{"!": v("ward")}, {"and": [{">": [v("age"), 1]}, {"<": [v("age"), 9]}]}]},
    {
        "or": [
            {"and": [{"!!": v("ward")}, {"!!": v("full_name")}]},
            {"or": [{"==": [v("age"), None]}, {"!": v("evidence")}]},
        ]
    },
]
NOT_GUIDED = [
    True,
    {"and": [{"==": [v("ward"), "p1"]}]},  # one condition wrapped: guided would drop the "and"
    {"==": [v("has_plan"), True]},  # yes/no is written with ===
    {"!!": v("age")},  # for numbers "answered" is != null (0 is an answer)
    {"==": [v("ward"), "p9"]},  # not one of the field's options
    {"==": [v("age"), "18"]},  # a number compared as text
    {"in": [v("ward"), ["p1", "p1"]]},
    {"==": [{"var": ["ward", "p1"]}, "p1"]},
    {"==": ["p1", v("ward")]},
    {"<": [v("ward"), "p1"]},  # no order on choices
    {"and": [{"==": [v("ward"), "p1"]}, {"or": [{"!!": v("age")}, {"and": [{"!!": v("ward")}, {"!": v("ward")}]}]}]},
    {">": [{"+": [{"var": ["annex.counter.resolved_late", 0]}, {"var": ["annex.online.resolved_late", 0]}]}, 0]},
]


def test_every_guided_shape_round_trips_exactly(page):
    mount(page)
    for rule in GUIDED_SHAPES:
        set_rule(page, rule)
        assert get(page) == rule, rule
        assert not in_json_view(page), rule
        assert page.evaluate("editor.isValid()") is True
    assert emitted(page) == []  # set() is not an edit


def test_other_rules_open_as_json_with_the_guided_editor_explained(page):
    mount(page)
    for rule in NOT_GUIDED:
        set_rule(page, rule)
        assert get(page) == rule, rule
        assert in_json_view(page), rule
        assert json.loads(page.get_by_label("Rule as JSON (JSON Logic)").input_value()) == rule
        toggle = page.locator(".fp-re-toggle")
        assert toggle.is_disabled() and toggle.text_content() == "Use the guided editor"
        assert page.locator(".fp-re-note").text_content() == (
            "This rule is too complex for the guided editor; edit it as JSON."
        )
        assert summary(page) == "Shown when: a custom rule (see the JSON)"
    set_rule(page, {"==": [v("ward"), "p1"]})
    assert not in_json_view(page)


def type_json(page, text):
    page.get_by_label("Rule as JSON (JSON Logic)").fill(text)
    return page.locator(".fp-re-errors li").all_text_contents()


def test_json_view_checks_as_you_type(page):
    mount(page, value={"==": [v("ward"), "p1"]})
    page.get_by_role("button", name="Edit as JSON").click()
    area = page.get_by_label("Rule as JSON (JSON Logic)")
    assert json.loads(area.input_value()) == {"==": [v("ward"), "p1"]}
    assert page.locator(".fp-re-errors").get_attribute("aria-live") == "polite"

    assert type_json(page, '{"==": [{"var": "ward"} "p2"]}') == ["JSON syntax error at line 1, column 25."]
    assert area.get_attribute("aria-invalid") == "true"
    assert type_json(page, '{\n  "==": [\n    {"var": "ward"},\n    p2\n  ]\n}') == [
        "JSON syntax error at line 4, column 5."
    ]
    assert type_json(page, '{"==": [{"var": "ward"}, "p2"]') == [
        "The JSON ends too early: a bracket, brace or quote is not closed."
    ]
    assert page.locator(".fp-re-toggle").is_disabled()
    assert page.locator(".fp-re-note").text_content() == "Fix the errors in the JSON to go back to the guided editor."
    assert summary(page) == "The JSON has errors: the last valid rule stays in effect."
    assert type_json(page, '{"equals": [{"var": "ward"}, "p2"]}') == ["Unknown operator “equals”."]
    assert type_json(page, '{"method": [{"var": "ward"}, "toUpperCase"]}') == ["Unknown operator “method”."]
    assert type_json(page, '{"==": [{"var": "wrd"}, "p2"]}') == ["“wrd” is not a field of this form."]
    assert type_json(page, '{"==": [{"var": "nope.x"}, 1]}') == ["“nope” is not a field of this form."]
    assert type_json(page, '{"==": [{"var": "ward"}, "p2"], "!": true}') == [
        "An operation must have exactly one key, its operator (found: ==, !)."
    ]
    assert type_json(page, '"ward"') == ["A condition must be a JSON object, true or false."]
    assert emitted(page) == []  # nothing invalid got out

    grid_rule = {">": [{"var": ["annex.counter.resolved_late", 0]}, 0]}  # dotted paths into a grid, as the library
    assert type_json(page, json.dumps(grid_rule)) == []
    loop = {"some": [v("channels"), {"==": [{"var": ""}, "online"]}]}  # "" inside some is the item itself
    assert type_json(page, json.dumps(loop)) == []
    assert emitted(page) == [grid_rule, loop]
    assert page.locator(".fp-re-toggle").is_disabled()

    assert type_json(page, "") == []
    assert emitted(page)[-1] is None and summary(page) == "Always shown (no rule)."
    assert type_json(page, '{"in": [{"var": "ward"}, ["p2", "p3"]]}') == []
    toggle = page.locator(".fp-re-toggle")
    assert toggle.is_enabled() and page.locator(".fp-re-note").is_hidden()
    assert summary(page) == "Shown when: Ward is one of “Phường 2”, “Phường 3”"
    toggle.click()
    assert not in_json_view(page)
    assert row(page, 0).get_by_label("Phường 2", exact=True).is_checked()
    assert not row(page, 0).get_by_label("Phường 1", exact=True).is_checked()
    assert get(page) == {"in": [v("ward"), ["p2", "p3"]]}
    assert page.evaluate("document.activeElement.id") == "fp-re-condition-toggle"


def test_set_fields_destroy_and_the_required_if_summary(page):
    rule = {"==": [v("ward"), "p1"]}
    mount(page, value=rule, purpose="required_if")
    assert summary(page) == "Required when: Ward is “Phường 1”"
    renamed = [dict(f, name="district") if f["name"] == "ward" else f for f in FIELDS]
    page.evaluate("fields => editor.setFields(fields)", renamed)  # a rule naming a field that is gone
    assert in_json_view(page) and get(page) == rule and page.evaluate("editor.isValid()") is False
    assert page.locator(".fp-re-errors li").all_text_contents() == ["“ward” is not a field of this form."]
    set_rule(page, None)
    assert not in_json_view(page) and summary(page) == "Not required by a rule."
    page.evaluate("editor.destroy(); window.editor = null")
    assert page.locator("#host").inner_html() == ""


def test_the_operator_list_is_the_servers():
    # checked from Python, no page needed: the script's list must be exactly rules.py's
    text = (STATIC / "js" / "designer" / "rule-editor.js").read_text("utf-8")
    start = text.index("var KNOWN_OPERATORS = [")
    listed = json.loads(text[start + len("var KNOWN_OPERATORS = ") : text.index("];", start) + 1])
    assert sorted(listed) == sorted(set(OPERATIONS) | set(SPECIAL_FORMS))


def test_script_fallbacks_are_the_python_messages(page):
    assert page.evaluate("FPRuleEditor.DEFAULT_MESSAGES") == MESSAGES


def test_all_text_comes_from_the_messages(page):
    marked = {key: "⟦" + text for key, text in MESSAGES.items()}
    data_text = {f["label"] for f in FIELDS} | {o["label"] for f in FIELDS for o in f.get("options", [])}
    rule = {"and": [{"in": [v("ward"), ["p1"]]}, {"or": [{"===": [v("has_plan"), True]}, {">": [v("age"), 3]}]}]}
    for kind, value in (("condition", rule), ("formula", {"+": [{"var": ["age", 0]}]})):
        mount(page, kind=kind, messages=marked, value=value)
        texts = page.evaluate(
            """() => {
                const root = document.querySelector('.fp-re'), found = [];
                const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    if (walker.currentNode.data.trim()) { found.push(walker.currentNode.data.trim()); }
                }
                root.querySelectorAll('[aria-label]').forEach(e => found.push(e.getAttribute('aria-label')));
                return found;
            }"""
        )
        stray = [t for t in texts if "⟦" not in t and t not in data_text]
        assert stray == [], stray


def test_controls_are_labelled_and_buttons_big_enough(page):
    rule = {"and": [{"in": [v("ward"), ["p1"]]}, {"or": [{"===": [v("has_plan"), True]}, {">": [v("age"), 3]}]}]}
    mount(page, value=rule)
    page.get_by_role("button", name="Add condition", exact=True).click()
    problems = page.evaluate(
        """() => {
            const root = document.querySelector('.fp-re'), out = [];
            const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
            if (new Set(ids).size !== ids.length) out.push('duplicate ids');
            root.querySelectorAll('input, select, textarea').forEach(e => {
                if (!e.labels.length && !e.getAttribute('aria-label')) out.push('unlabelled ' + e.id);
            });
            root.querySelectorAll('label[for]').forEach(l => {
                if (!document.getElementById(l.htmlFor)) out.push('label for nothing ' + l.htmlFor);
            });
            root.querySelectorAll('button').forEach(b => {
                if (!(b.getAttribute('aria-label') || b.textContent.trim())) out.push('unnamed button');
                if (b.getBoundingClientRect().height < 32) out.push('small button ' + b.textContent);
            });
            root.querySelectorAll('[style]').forEach(e => out.push('inline style on ' + e.tagName));
            return out;
        }"""
    )
    assert problems == []


def test_keyboard_only(page):
    mount(page)
    add = page.get_by_role("button", name="Add condition", exact=True)
    add.focus()
    page.keyboard.press("Enter")
    field = row(page, 0).get_by_label("Field", exact=True)
    assert page.evaluate("document.activeElement.id") == field.get_attribute("id")
    field.select_option(label="Has a plan")  # the select keeps focus when its row is redrawn
    assert page.evaluate("document.activeElement.id") == field.get_attribute("id")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id").endswith("-op")
    page.keyboard.press("Tab")
    value = page.evaluate("document.activeElement.id")
    assert value.endswith("-value")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # visible focus
    row(page, 0).get_by_label("Value", exact=True).select_option(label="No")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Remove"
    page.keyboard.press("Enter")
    assert get(page) is None and emitted(page) == [{"===": [v("has_plan"), False]}, None]


# (UI steps, JSON Logic, summary after "Calculated as: ", [(data, value)])
FORMULAS = [
    (
        ("Sum of fields", ["Age", "Score", "Stars"]),
        {"+": [{"var": ["age", 0]}, {"var": ["score", 0]}, {"var": ["stars", 0]}]},
        "Age + Score + Stars",
        [({"age": 2, "score": 1.5, "stars": 4}, 7.5), ({"age": 2}, 2), ({}, 0)],
    ),
    (
        ("Average of fields", ["Age", "Score"]),
        {"/": [{"+": [{"var": ["age", 0]}, {"var": ["score", 0]}]}, 2]},
        "average of Age, Score",
        [({"age": 4, "score": 2}, 3), ({"age": 4}, 2)],
    ),
    (
        ("Difference (a − b)", "Total", "Age"),
        {"-": [v("total"), v("age")]},
        "Total − Age",
        [({"total": 10, "age": 4}, 6), ({"total": 10}, 10)],
    ),
    (
        ("Product (a × b)", "Age", "Score"),
        {"*": [v("age"), v("score")]},
        "Age × Score",
        [({"age": 3, "score": 1.5}, 4.5), ({"age": 3}, None)],
    ),
    (
        ("Ratio (a ÷ b)", "Age", "Total"),
        {"/": [v("age"), v("total")]},
        "Age ÷ Total",
        [({"age": 1, "total": 4}, 0.25), ({"age": 1, "total": 0}, None), ({"age": 1}, None)],
    ),
    (
        ("Percentage (a ÷ b × 100)", "Age", "Total"),
        {"*": [{"/": [v("age"), v("total")]}, 100]},
        "Age ÷ Total × 100",
        [({"age": 1, "total": 4}, 25), ({"age": 1, "total": 0}, None)],
    ),
]


@pytest.mark.parametrize(("steps", "rule", "text", "samples"), FORMULAS, ids=[f[0][0] for f in FORMULAS])
def test_each_formula_writes_what_its_summary_says(page, steps, rule, text, samples):
    mount(page, kind="formula", purpose="formula", value=None)
    assert summary(page) == "No formula yet."
    page.get_by_label("Calculation").select_option(label=steps[0])
    if isinstance(steps[1], list):
        picks = page.locator(".fp-re-picks")
        assert picks.locator("label").all_text_contents() == NUMERIC  # only number fields
        for label in steps[1]:
            picks.get_by_label(label, exact=True).check()
        assert page.get_by_text("A blank answer counts as 0.").is_visible()
    else:
        options = page.get_by_label("Field a").locator("option").all_text_contents()
        assert options == ["Choose a field…", *NUMERIC, "A number…"]  # constants are offered too
        page.get_by_label("Field a").select_option(label=steps[1])
        assert page.evaluate("editor.isValid()") is False and emitted(page) == []
        page.get_by_label("Field b").select_option(label=steps[2])
    assert get(page) == rule and emitted(page)[-1] == rule
    assert summary(page) == f"Calculated as: {text}"
    for data, expected in samples:
        assert evaluate(rule, data) == expected, data
    mount(page, kind="formula", purpose="formula", value=rule)
    assert get(page) == rule and not in_json_view(page) and summary(page) == f"Calculated as: {text}"


def test_formula_edge_cases(page):
    mount(page, kind="formula", purpose="formula", value=None)
    assert summary(page) == "No formula yet."
    page.get_by_label("Calculation").select_option(label="Sum of fields")
    assert page.evaluate("editor.isValid()") is False
    assert page.locator(".fp-re-hint").text_content() == "Choose the fields for this calculation."
    page.get_by_label("Stars", exact=True).check()
    page.get_by_label("Age", exact=True).check()
    assert get(page) == {"+": [{"var": ["stars", 0]}, {"var": ["age", 0]}]}  # in the order picked
    page.get_by_label("Calculation").select_option(label="Ratio (a ÷ b)")  # picks carry over
    assert get(page) == {"/": [v("stars"), v("age")]}
    page.get_by_label("Calculation").select_option(label="Choose a calculation…")
    assert get(page) is None
    for rule in (
        {"+": [v("age"), v("score")]},  # without the blank-as-0 default
        {"-": [v("age"), v("full_name")]},  # not a number field
        {"if": [{"===": [v("age"), None]}, None, {"*": [{"/": [v("age"), v("total")]}, 100]}]},
    ):
        set_rule(page, rule)
        assert in_json_view(page) and get(page) == rule
    assert type_json(page, "true") == ["A formula must be a JSON object."]
    scaled = {"/": [{"+": [{"var": ["age", 0]}, {"var": ["score", 0]}]}, 3]}  # a sum then divided by a number
    set_rule(page, scaled)
    assert not in_json_view(page) and summary(page) == "Calculated as: (Age + Score) ÷ 3"


def test_fits_a_360px_side_panel_and_screenshots(page):
    page.set_viewport_size({"width": 420, "height": 900})
    page.add_style_tag(content="#host { width: 360px; padding: 12px; background: #fff; border: 1px solid #c9d0d7; }")
    rule = {
        "and": [
            {"==": [v("ward"), "p1"]},
            {">=": [v("age"), 18]},
            {"or": [{"in": [v("level"), ["a", "b"]]}, {"!=": [v("has_plan"), None]}]},
        ]
    }
    mount(page, value=rule, idPrefix="fp-re-visible_if-c1")
    page.get_by_role("button", name="Add condition", exact=True).click()
    row(page, 4).get_by_label("Field", exact=True).select_option(label="Visit date")
    layout = page.evaluate(
        """() => {
            const root = document.querySelector('.fp-re'), row = root.querySelector('.fp-re-row');
            const box = s => row.querySelector(s).getBoundingClientRect();
            const overflow = [...root.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right >
                root.getBoundingClientRect().right + 0.5).map(e => e.className || e.tagName);
            return {overflow, stacked: box('.fp-re-cell--op').top >= box('.fp-re-cell--field').bottom,
                    scroll: root.scrollWidth <= root.clientWidth};
        }"""
    )
    assert layout == {"overflow": [], "stacked": True, "scroll": True}
    screenshot(page, "rule-editor-guided-360")
    page.get_by_role("button", name="Edit as JSON").click()
    type_json(page, '{"and": [\n  {"==": [{"var": "ward"}, "p1"]},\n  {"equals": [{"var": "agee"}, 18]}\n]}')
    screenshot(page, "rule-editor-json-360")
    mount(
        page, kind="formula", purpose="formula", value={"/": [{"+": [{"var": ["age", 0]}, {"var": ["total", 0]}]}, 2]}
    )
    screenshot(page, "rule-editor-formula-360")


def test_wide_layout_puts_a_condition_on_one_line(page):
    mount(page, value={"and": [{"==": [v("ward"), "p1"]}, {"in": [v("ward"), ["p2"]]}]})
    tops = page.evaluate(
        """() => [...document.querySelector('.fp-re-row').children].filter(e => !e.hidden)
               .map(e => Math.round(e.getBoundingClientRect().top))"""
    )
    assert len(set(tops)) == 1
    screenshot(page, "rule-editor-guided-wide")


def test_no_csp_violations_under_the_sites_policy(browser, tmp_path):
    (tmp_path / "boot.js").write_text(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation', e => violations.push(e.violatedDirective));"
        "window.addEventListener('DOMContentLoaded', () => {"
        f"  window.editor = FPRuleEditor.create(document.getElementById('host'), {json.dumps({'fields': FIELDS})});"
        "});",
        "utf-8",
    )
    links = "".join(f'<link rel="stylesheet" href="{(STATIC / p).as_uri()}">' for p in STYLES)
    scripts = "".join(f'<script src="{(STATIC / p).as_uri()}"></script>' for p in SCRIPTS[2:])
    csp = "default-src 'none'; script-src file:; style-src file:"
    (tmp_path / "page.html").write_text(
        f'<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="{csp}">{links}'
        f'{scripts}<script src="{(tmp_path / "boot.js").as_uri()}"></script></head>'
        '<body><div id="host"></div></body></html>',
        "utf-8",
    )
    page = browser.new_page()
    try:
        page.goto((tmp_path / "page.html").as_uri())
        page.get_by_role("button", name="Add group").click()
        fill_row(page.locator(".fp-re-row").nth(0), "Ward", "is one of", ["Phường 2"])
        page.get_by_role("button", name="Edit as JSON").click()
        page.get_by_label("Rule as JSON (JSON Logic)").fill("{")
        assert page.evaluate("editor.get()") == {"in": [v("ward"), ["p2"]]}
        assert page.evaluate("window.violations") == []
        assert page.locator(".fp-re-toolbar").evaluate("e => getComputedStyle(e).display") == "flex"  # css applied
    finally:
        page.close()


# --- cross-field checks and grid totals (issue 17 / 22) -------------------------------------------------

KPI_FIELDS = [
    {"name": "received", "label": "Received", "type": "integer"},
    {"name": "on_time", "label": "On time", "type": "integer"},
    {"name": "late", "label": "Late", "type": "integer"},
    {
        "name": "annex",
        "label": "Annex",
        "type": "grid",
        "rows": ["r1", "r2"],
        "columns": [
            {"name": "plan", "label": "Plan", "type": "integer"},
            {"name": "note", "label": "Note", "type": "text"},
        ],
    },
    {
        "name": "extra",
        "label": "Extra",
        "type": "grid",
        "addable_rows": True,
        "columns": [{"name": "n", "label": "N", "type": "decimal"}],
    },
]


def test_a_check_compares_two_sums_and_waits_for_its_figures(page):
    mount(page, kind="check", purpose="check", value=True, fields=KPI_FIELDS)
    assert summary(page) == "No check yet." and not in_json_view(page)
    left, right = page.locator(".fp-re-picks").nth(0), page.locator(".fp-re-picks").nth(1)
    assert left.locator("label").all_text_contents() == [
        "Received",
        "On time",
        "Late",
        "Total of Plan (Annex)",
        "Total of N (Extra)",
    ]  # text columns have no total
    left.get_by_label("On time", exact=True).check()
    left.get_by_label("Late", exact=True).check()
    assert page.evaluate("editor.isValid()") is False  # one side is still empty
    right.get_by_label("Received", exact=True).check()
    rule = {"==": [{"+": [v("on_time"), v("late")]}, v("received")]}
    assert get(page) == rule
    assert summary(page) == "Must hold: On time + Late = Received"
    assert holds(rule, {"on_time": 2, "late": 1, "received": 3}) and not holds(
        rule, {"on_time": 2, "late": 2, "received": 3}
    )
    page.get_by_label("must be").select_option(label="at most")
    page.locator("#fp-re-check-right-n").fill("5")
    assert get(page) == {"<=": [{"+": [v("on_time"), v("late")]}, {"+": [v("received"), 5]}]}
    assert summary(page) == "Must hold: On time + Late ≤ Received + 5"
    totals = {
        "<=": [
            {"reduce": [v("extra"), {"+": [v("accumulator"), {"var": ["current.n", 0]}]}, 0]},
            {"+": [{"var": ["annex.r1.plan", 0]}, {"var": ["annex.r2.plan", 0]}]},
        ]
    }
    set_rule(page, totals)  # grid totals read back into the guided editor
    assert not in_json_view(page) and summary(page) == "Must hold: Total of N (Extra) ≤ Total of Plan (Annex)"
    assert evaluate(totals["<="][0], {"extra": [{"n": 2.5}, {}, {"n": 1}]}) == 3.5


def test_a_formula_uses_numbers_totals_and_a_final_scale(page):
    mount(page, kind="formula", purpose="formula", value=None, fields=KPI_FIELDS)
    page.get_by_label("Calculation").select_option(label="Difference (a − b)")
    page.get_by_label("Field a").select_option(label="Total of Plan (Annex)")
    page.get_by_label("Field b").select_option(label="A number…")
    page.get_by_label("Number b").fill("10")
    page.get_by_label("Then").select_option(label="divide by a number")
    page.get_by_label("By").fill("2")
    plan = {"+": [{"var": ["annex.r1.plan", 0]}, {"var": ["annex.r2.plan", 0]}]}
    assert get(page) == {"/": [{"-": [plan, 10]}, 2]}
    assert summary(page) == "Calculated as: (Total of Plan (Annex) − 10) ÷ 2"
    assert evaluate(get(page), {"annex": {"r1": {"plan": 20}, "r2": {"plan": 10}}}) == 10
