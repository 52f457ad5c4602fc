"""render_kiosk_questionnaire: one question per screen, both languages, huge answer buttons, escaping."""

from __future__ import annotations

import json
from pathlib import Path

from renderers.kiosk import KIOSK_MESSAGES, kiosk_steps, render_kiosk_questionnaire
from tests.renderers.forms import XSS, all_types, with_admin_text
from tests.renderers.htmltree import parse

LIBRARY = Path(__file__).resolve().parents[2] / "form_definitions" / "library" / "dossier-satisfaction"
GETTEXTS = {"vi": lambda m, **p: ("[vi] " + m) % p, "en": lambda m, **p: m % p}


def satisfaction() -> dict:
    return json.loads((LIBRARY / "v2.json").read_text(encoding="utf-8"))


def test_each_question_of_the_satisfaction_form_is_one_screen_in_order():
    root = parse(render_kiosk_questionnaire(satisfaction(), GETTEXTS))
    form = root.find("form", id="k-quiz")
    steps = form.find_all("section", class_="k-q")
    names = [s.attrs["data-name"] for s in steps]
    assert names == ["channel", *[f"c{i}" for i in range(1, 10)], "overall", "comment"]
    assert form.attrs["data-steps"] == "12" and all("hidden" in s.attrs for s in steps)
    assert [s.attrs["data-required"] for s in steps].count("true") == 10  # c1–c9 and overall
    third = steps[2]
    assert third.find("progress").attrs == {"max": "12", "value": "3"}
    assert "3 / 12" in third.find(class_="k-q__count").clean_text()


def test_answers_are_big_radio_buttons_with_both_languages():
    root = parse(render_kiosk_questionnaire(satisfaction(), GETTEXTS))
    c1 = root.find("section", data_name="c1")
    options = c1.find_all("label", class_="k-option")
    assert [o.find("input").attrs["value"] for o in options] == ["2", "1", "0"]
    assert all(o.find("input").attrs["type"] == "radio" and o.find("input").attrs["name"] == "c1" for o in options)
    first = options[0]
    assert first.find("span", lang="vi").text() == "Sớm hơn thời hạn"
    assert first.find("span", lang="en").text() == "Before the deadline"
    legend = c1.find("legend")
    assert legend.find("span", lang="en").text().startswith("1. Total time taken")
    assert c1.find(class_="k-q__section").find("span", lang="vi").text() == "Đánh giá theo 9 tiêu chí"


def test_the_intro_text_shows_with_the_first_question_and_the_last_one_sends():
    steps = kiosk_steps(satisfaction())
    assert steps[0].intro and steps[0].intro[0]["en"].startswith("Please take about a minute")
    root = parse(render_kiosk_questionnaire(satisfaction(), GETTEXTS))
    first, last = root.find("section", data_step="1"), root.find("section", data_step="12")
    assert first.find(class_="k-q__intro") is not None and first.find(class_="k-tag") is not None  # optional
    assert last.find("textarea").attrs["maxlength"] == "2000" and last.attrs["data-kind"] == "string"
    assert last.find("button", data_action="send").find("span", lang="vi").text() == "[vi] Send my rating"
    assert first.find("button", data_action="next") is not None and first.find("button", data_action="back")
    assert root.find("section", data_step="11").find("button", data_action="send") is None


def test_other_field_types_get_kinds_the_kiosk_script_can_type():
    definition = {
        "key": "mixed",
        "fields": [
            {"type": "yes_no", "name": "ok", "label": {"vi": "Được?", "en": "OK?"}, "required": True},
            {"type": "rating", "name": "stars", "label": {"vi": "Sao", "en": "Stars"}, "scale_min": 1, "scale_max": 5},
            {
                "type": "multi_choice",
                "name": "many",
                "label": {"vi": "Nhiều", "en": "Many"},
                "options": [{"value": "a", "label": {"vi": "A", "en": "A"}}],
            },
            {"type": "integer", "name": "count", "label": {"vi": "Số", "en": "Count"}},
            {"type": "file", "name": "scan", "label": {"vi": "Tệp", "en": "File"}},
        ],
    }
    root = parse(render_kiosk_questionnaire(definition, GETTEXTS))
    kinds = {s.attrs["data-name"]: s.attrs["data-kind"] for s in root.find_all("section", class_="k-q")}
    assert kinds == {"ok": "boolean", "stars": "integer", "many": "array", "count": "integer"}  # no file upload
    ok = root.find("section", data_name="ok")
    assert [i.attrs["value"] for i in ok.find_all("input")] == ["yes", "no"]
    assert ok.find("legend").find("span", lang="vi").text() == "Được?" and "[vi] Yes" in ok.clean_text()
    assert [i.attrs["value"] for i in root.find("section", data_name="stars").find_all("input")] == list("12345")
    assert root.find("section", data_name="many").find("input").attrs["type"] == "checkbox"
    assert root.find("section", data_name="count").find("input").attrs["inputmode"] == "numeric"


def test_admin_authored_text_is_escaped():
    html = str(render_kiosk_questionnaire(with_admin_text(), GETTEXTS))
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert str(render_kiosk_questionnaire(all_types(), GETTEXTS)).count("<form") == 1


def test_a_missing_translation_falls_back_to_the_other_language():
    definition = {"key": "x", "fields": [{"type": "text", "name": "t", "label": {"vi": "Chỉ tiếng Việt"}}]}
    root = parse(render_kiosk_questionnaire(definition, GETTEXTS))
    label = root.find("label", class_="k-q__label")
    assert label.find("span", lang="en").text() == "Chỉ tiếng Việt"


def test_every_kiosk_word_is_a_plain_msgid():
    assert "Send my rating" in KIOSK_MESSAGES and all("%(" not in m or "number" in m for m in KIOSK_MESSAGES)
