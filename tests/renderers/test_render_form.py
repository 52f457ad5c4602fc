"""render_form: every field type in every mode and language, labels, errors, escaping, modes."""

from __future__ import annotations

import copy
import json
import re

import pytest
from markupsafe import Markup

from form_definitions.answers import check_answers
from renderers import UI_MESSAGES, render_form
from tests.renderers.forms import ALL_TYPES, ANSWERS, FIELD_TYPES, XSS, all_types, with_admin_text
from tests.renderers.htmltree import Node, in_template, parse

MODES = ("fill", "view", "print", "blank")
LOCALES = ("vi", "en")


def stored() -> dict:
    """Answers as stored after checking: calculated values filled in."""
    outcome = check_answers(ALL_TYPES, copy.deepcopy(ANSWERS))
    assert outcome.ok, outcome.problems
    return outcome.data


def box(root: Node, key: str) -> Node:
    found = root.find(data_fp_key=key)
    assert found is not None, f"no box for {key}"
    return found


def used_types(definition: dict) -> set[str]:
    found: set[str] = set()
    stack = list(definition["fields"])
    while stack:
        spec = stack.pop()
        found.add(spec["type"])
        stack.extend(spec.get("fields") or [])
    return found


def test_fixture_covers_every_registered_type():
    from form_definitions.registry import REGISTRY

    assert used_types(ALL_TYPES) == set(REGISTRY) == set(FIELD_TYPES)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("mode", MODES)
def test_every_field_type_renders(mode, locale):
    html = render_form(ALL_TYPES, mode=mode, locale=locale, data=stored())
    assert isinstance(html, Markup)
    root = parse(html)
    for kind in FIELD_TYPES:
        if kind not in ("section", "static", "group", "grid"):
            assert root.find(class_=f"fp-field--{kind}") is not None, kind
    assert root.find("section", class_="fp-section") is not None
    assert root.find(class_="fp-static") is not None
    assert root.find(data_fp_group=True) is not None
    assert len(root.find_all(data_fp_grid=True)) == 2
    label = {"vi": "Cơ quan", "en": "Agency"}[locale]
    assert label in html


def test_fill_mode_is_a_multipart_post_form_with_csrf_and_submit():
    root = parse(render_form(ALL_TYPES, csrf_token="tok<en>", action="/forms/x/submit", gettext=str.upper))
    form = root.find("form")
    assert form.attrs["method"] == "post" and form.attrs["enctype"] == "multipart/form-data"
    assert form.attrs["action"] == "/forms/x/submit"
    assert root.find("input", type="hidden", name="csrf_token").attrs["value"] == "tok<en>"
    assert root.find("button", type="submit").clean_text() == "SUBMIT"


def test_view_and_print_modes_have_no_form_controls():
    for mode in ("view", "print"):
        root = parse(render_form(ALL_TYPES, mode=mode, data=stored()))
        assert not root.find_all("input") and not root.find_all("select") and not root.find_all("textarea")
        assert root.find(class_=f"fp-form--{mode}") is not None
        assert root.find("script") is None


def test_blank_mode_shows_every_field_with_its_controls_disabled():
    root = parse(render_form(ALL_TYPES, mode="blank", locale="en", data=stored()))
    blank = root.find("fieldset", class_="fp-blank", disabled=True)
    assert blank is not None and root.find("form") is None and root.find("script") is None
    assert root.find("button", type="submit") is None
    controls = [n for n in root.iter() if n.tag in ("input", "select", "textarea") and not in_template(n)]
    assert controls and all(blank in _ancestors(n) for n in controls)
    assert not any("checked" in n.attrs or "selected" in n.attrs for n in root.iter()), "blank means no answers"
    typed = [n for n in controls if n.attrs.get("type") not in ("radio", "checkbox", "hidden")]
    assert typed and not any(n.attrs.get("value") for n in typed)
    conditional = box(root, "other_channel")  # hidden when filling until its rule holds
    assert "hidden" not in conditional.attrs
    assert "Shown only when a condition on other answers holds" in conditional.text()
    assert "Shown only when" not in box(root, "agency").text()
    points = [n.clean_text() for n in box(root, "quality").find_all(class_="fp-option__points")]
    assert points == ["(Points: 2)", "(Points: 0)"]


def test_points_of_scored_options_are_only_shown_on_the_blank_form():
    for mode in ("fill", "view"):
        assert "fp-option__points" not in render_form(ALL_TYPES, mode=mode, data=stored())


def test_marks_flag_fields_of_a_comparison():
    marks = {"agency": "added", "quality": "changed", "gone": "removed"}
    root = parse(render_form(ALL_TYPES, mode="blank", locale="en", marks=marks))
    agency, quality = box(root, "agency"), box(root, "quality")
    assert "fp-mark--added" in agency.attrs["class"] and "Added" in agency.find(class_="fp-mark__badge").text()
    assert "fp-mark--changed" in quality.attrs["class"]
    assert len(root.find_all(class_="fp-mark")) == 2  # a name the definition lacks marks nothing
    with pytest.raises(ValueError):
        render_form(ALL_TYPES, mode="blank", marks={"agency": "renamed"})


def _ancestors(node: Node):
    while node.parent is not None:
        node = node.parent
        yield node


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError):
        render_form(ALL_TYPES, mode="edit")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_control_has_a_label_for_it(locale):
    root = parse(render_form(ALL_TYPES, locale=locale, data=stored()))
    labels = {n.attrs.get("for") for n in root.find_all("label")}
    controls = [n for n in root.iter() if n.tag in ("input", "select", "textarea") or "data-fp-calc" in n.attrs]
    controls = [n for n in controls if n.attrs.get("type") != "hidden" and n.attrs.get("id")]
    assert controls
    unlabelled = [n.attrs["id"] for n in controls if n.attrs["id"] not in labels]
    assert unlabelled == []
    ids = [n.attrs["id"] for n in root.iter() if "id" in n.attrs and not in_template(n)]
    assert len(ids) == len(set(ids)), "duplicate ids"


def test_naming_contract():
    root = parse(render_form(ALL_TYPES, data=stored()))
    names = {n.attrs["name"] for n in root.iter() if "name" in n.attrs and not in_template(n)}
    assert {
        "agency",
        "channels",
        "items.0.what",
        "items.1.price",
        "annex.docs.plan",
        "annex.procs.actual",
        "lines.0.name",
        "lines.1.amount",
        "evidence",
    } <= names
    assert not any(name.endswith(".cost") or name.endswith(".pct") for name in names), "calculated values are posted"
    assert len(root.find_all("input", name="channels", type="checkbox")) == 3
    assert {n.attrs["value"] for n in root.find_all("input", name="has_plan")} == {"yes", "no"}
    assert root.find("input", name="has_plan", value="no").attrs.get("checked") == ""
    template = root.find("template")
    assert template.find("input", name="items.__i__.what") is not None
    assert root.find("input", type="file", name="evidence").attrs["accept"] == "application/pdf"


def test_required_help_and_units_are_shown():
    root = parse(render_form(ALL_TYPES, locale="en"))
    agency = box(root, "agency")
    assert agency.find(class_="fp-required") is not None
    assert agency.find("input").attrs["aria-required"] == "true"
    assert agency.find(class_="fp-help").clean_text() == "The agency's full name"
    assert "f-agency-help" in agency.find("input").attrs["aria-describedby"]
    assert box(root, "staff").find(class_="fp-unit").clean_text() == "people"
    assert "million VND" in box(root, "budget").clean_text()


def test_show_if_field_starts_hidden_and_disabled_unless_its_rule_holds():
    hidden = box(parse(render_form(ALL_TYPES)), "other_channel")
    assert "hidden" in hidden.attrs and "disabled" in hidden.find("input").attrs
    marker = hidden.find(class_="fp-required")
    assert marker is not None and "hidden" in marker.attrs
    shown = box(parse(render_form(ALL_TYPES, data={"channels": ["other"]})), "other_channel")
    assert "hidden" not in shown.attrs and "disabled" not in shown.find("input").attrs
    assert "hidden" not in shown.find(class_="fp-required").attrs


def test_hidden_fields_are_left_out_of_view_mode():
    html = render_form(ALL_TYPES, mode="view", locale="en", data={"channels": ["web"]})
    assert "Other channel" not in html


def test_errors_sit_next_to_their_field_and_in_a_summary():
    errors = [
        {"path": "annex.docs.plan", "code": "too_small", "message": "Plan too small"},
        {"path": "agency", "code": "required", "message": "Enter the agency"},
        {"path": "items.1.qty", "code": "type", "message": "Whole number please"},
        {"path": "channels.3", "code": "not_an_option", "message": "Unknown channel"},
        {"path": "", "code": "type", "message": "Whole form problem"},
    ]
    root = parse(render_form(ALL_TYPES, data=stored(), errors=errors))
    agency = box(root, "agency")
    error = agency.find(class_="error")
    assert error.clean_text() == "Enter the agency"
    assert error.attrs["id"] in agency.find("input").attrs["aria-describedby"].split()
    assert agency.find("input").attrs["aria-invalid"] == "true"
    cell = root.find("input", name="annex.docs.plan")
    td = cell.parent
    assert td.find(class_="error").clean_text() == "Plan too small"
    assert cell.attrs["aria-describedby"] == td.find(class_="error").attrs["id"]
    qty = box(root, "items.1.qty")
    assert qty.find(class_="error").clean_text() == "Whole number please"
    assert box(root, "channels").find(class_="error").clean_text() == "Unknown channel"
    summary = root.find(class_="fp-error-summary")
    links = [(a.attrs["href"], a.clean_text()) for a in summary.find_all("a")]
    assert [href for href, _ in links] == ["#f-agency", "#f-channels--0", "#f-items.1.qty", "#f-annex.docs.plan"]
    assert "Whole form problem" in summary.clean_text()
    for href, _ in links:
        assert root.find(id=href[1:]) is not None


@pytest.mark.parametrize("mode", MODES)
def test_admin_text_is_escaped_everywhere(mode):
    html = str(render_form(with_admin_text(), mode=mode, data={"level": "city"}))
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts in ([], ['<script type="application/json" id="fp-definition">'])


def test_template_syntax_in_admin_text_is_not_evaluated():
    definition = with_admin_text("{{ 7 * 7 }} {% if true %}x{% endif %}")
    html = str(render_form(definition, mode="view"))
    assert "{{ 7 * 7 }}" in html and "49" not in html


def test_no_inline_script_style_or_event_handlers():
    for mode in MODES:
        html = str(render_form(ALL_TYPES, mode=mode, data=stored()))
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)
        assert "javascript:" not in html


def test_embedded_definition_is_safe_json_for_the_browser():
    definition = all_types()
    definition["fields"][0]["fields"][0]["visible_if"] = {"==": [{"var": "notes"}, "</script><b>&"]}
    html = str(render_form(definition))
    body = re.search(r'<script type="application/json" id="fp-definition">(.*?)</script>', html, re.S).group(1)
    assert "<" not in body and ">" not in body and "&" not in body
    embedded = json.loads(body)
    assert embedded["fields"][0]["fields"][0]["visible_if"] == {"==": [{"var": "notes"}, "</script><b>&"]}
    assert "label" not in json.dumps(embedded)


def test_view_mode_shows_labels_of_choices_in_the_locale():
    view = parse(render_form(ALL_TYPES, mode="view", locale="en", data=stored()))
    assert box(view, "level").find(class_="fp-value").clean_text() == "District"
    assert box(view, "channels").find(class_="fp-value").clean_text() == "Online, Other"
    assert box(view, "has_plan").find(class_="fp-value").clean_text() == "No"
    assert box(view, "budget").find(class_="fp-value").clean_text() == "1,234.50 million VND"
    assert box(view, "evidence").find(class_="fp-value").clean_text() == "bao-cao.pdf (20 KB)"
    vi = parse(render_form(ALL_TYPES, mode="view", locale="vi", data=stored()))
    assert box(vi, "level").find(class_="fp-value").clean_text() == "Quận"
    assert box(vi, "budget").find(class_="fp-value").clean_text() == "1.234,50 triệu đồng"
    assert box(vi, "day").find(class_="fp-value").clean_text() == "14/03/2025"
    assert box(vi, "has_plan").find(class_="fp-value").clean_text() == "No"  # identity gettext


def test_grid_totals_and_calculated_columns_in_view_mode():
    root = parse(render_form(ALL_TYPES, mode="view", locale="en", data=stored()))
    annex = box(root, "annex")
    assert annex.find("output", id="f-annex-total-plan").clean_text() == "240"
    assert annex.find("output", id="f-annex-total-actual").clean_text() == "150"
    assert annex.find("output", id="f-annex.docs.pct").clean_text() == "75.0"
    assert annex.find("output", id="f-annex.docs-total").clean_text() == "425"
    assert "Row sum" in annex.clean_text() and "Total" in annex.clean_text()
    lines = box(root, "lines")
    assert lines.find("output", id="f-lines-total-amount").clean_text() == "3.25"


def test_totals_passed_in_win_over_computed_ones():
    totals = {"annex": {"columns": {"plan": 999, "actual": 1}, "rows": {}}}
    root = parse(render_form(ALL_TYPES, mode="print", data=stored(), totals=totals))
    assert root.find("output", id="f-annex-total-plan").clean_text() == "999"


def test_calculated_values_are_read_only_outputs():
    root = parse(render_form(ALL_TYPES, locale="en", data=ANSWERS))
    assert root.find("output", id="f-items.0.cost").clean_text() == "31"
    assert root.find("output", id="f-items_total").clean_text() == "37.00"
    assert root.find(name="items_total") is None and root.find(name="items.0.cost") is None


def test_reviewer_only_fields_are_read_only_in_fill_mode():
    root = parse(render_form(ALL_TYPES, data={"verified": 7}))
    control = box(root, "verified").find("input")
    assert "disabled" in control.attrs and "data-fp-locked" in control.attrs
    assert control.attrs["value"] == "7"
    reviewer = parse(render_form(ALL_TYPES, role="reviewer"))
    assert "disabled" not in box(reviewer, "verified").find("input").attrs


def test_score_is_shown_with_band_and_points_in_view_mode():
    score = {"total": 2, "max": 2, "fields": {"quality": 2.0}, "band": "good"}
    root = parse(render_form(ALL_TYPES, mode="view", locale="vi", data=stored(), score=score))
    panel = root.find(class_="fp-score")
    assert "2 of 2" in panel.clean_text() and "Tốt" in panel.clean_text()
    assert "2 of 2" in box(root, "quality").find(class_="fp-points").clean_text()
    assert parse(render_form(ALL_TYPES, score=score)).find(class_="fp-score") is None


def test_group_in_view_mode_is_a_table_of_rows():
    root = parse(render_form(ALL_TYPES, mode="view", locale="en", data=stored()))
    table = box(root, "items").find("table")
    headers = [th.clean_text() for th in table.find("thead").find_all("th")]
    assert headers == ["#", "What", "Quantity", "Price", "Cost"]
    assert [td.clean_text() for td in table.find("tbody").find("tr").find_all("td")] == ["Máy tính", "2", "15.5", "31"]


def test_fill_mode_starts_groups_and_addable_grids_with_one_row():
    root = parse(render_form(ALL_TYPES))
    assert root.find("input", name="items.0.what") is not None and root.find("input", name="items.1.what") is None
    assert root.find("input", name="lines.0.name") is not None
    assert root.find("button", data_fp_add_row=True, data_fp_for="items") is not None


def test_kept_file_travels_in_a_hidden_input():
    root = parse(
        render_form(
            ALL_TYPES,
            data={"evidence": {"id": "f-1", "name": "a<b>.pdf", "size": 10, "content_type": "application/pdf"}},
        )
    )
    hidden = root.find("input", type="hidden", name="evidence")
    assert json.loads(hidden.attrs["value"])["name"] == "a<b>.pdf"
    assert "a<b>.pdf" in box(root, "evidence").clean_text()


@pytest.mark.parametrize("mode", ["view", "print", "fill"])
def test_a_file_name_links_to_the_url_the_caller_builds(mode):
    ref = {"id": "f-1", "name": "Biên bản <1>.pdf", "size": 2048, "content_type": "application/pdf"}
    asked: list[dict] = []

    def file_url(value: dict) -> str:
        asked.append(dict(value))
        return f"/reports/r-1/files/{value['id']}?a=1&b=2"

    root = parse(render_form(ALL_TYPES, mode=mode, data={"evidence": ref}, file_url=file_url))
    link = box(root, "evidence").find("a", class_="fp-file-link")
    assert link is not None and link.attrs["href"] == "/reports/r-1/files/f-1?a=1&b=2"
    assert link.clean_text().startswith("Biên bản <1>.pdf") and asked == [ref]
    # without a link builder (every other caller) and where the builder gives none: the name only
    for given in ({}, {"file_url": lambda value: ""}):
        plain = parse(render_form(ALL_TYPES, mode=mode, data={"evidence": ref}, **given))
        assert box(plain, "evidence").find("a") is None
        assert "Biên bản <1>.pdf" in box(plain, "evidence").clean_text()


def test_ui_words_go_through_gettext_and_are_listed():
    seen: set[str] = set()

    def gettext(message: str) -> str:
        seen.add(message)
        return f"«{message}»"

    errors = [{"path": "agency", "code": "required", "message": "x"}]
    score = {"total": 2, "max": 2, "fields": {"quality": 2.0}, "band": "good"}
    for mode in MODES:
        render_form(ALL_TYPES, mode=mode, data=stored(), errors=errors, gettext=gettext, score=score)
    render_form(ALL_TYPES, data={}, gettext=gettext)
    render_form(ALL_TYPES, mode="blank", gettext=gettext, marks={"agency": "added", "staff": "changed", "x": "removed"})
    assert seen == set(UI_MESSAGES), seen ^ set(UI_MESSAGES)
    assert len(UI_MESSAGES) == len(set(UI_MESSAGES))
    assert {"Submit", "Add row", "Remove row", "Total", "Yes", "No", "Score", "Required"} <= seen


def test_unknown_field_types_and_broken_values_do_not_crash():
    definition = all_types()
    definition["fields"].append({"type": "no_such_type", "name": "x"})
    data = {"items": ["not a row", {"qty": "abc"}], "annex": "oops", "lines": {"x": 1}, "channels": "web"}
    for mode in MODES:
        render_form(definition, mode=mode, data=data)
