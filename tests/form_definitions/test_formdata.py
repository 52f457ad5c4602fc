"""read_form: HTML form fields, as the renderer names them, back into submission data."""

from __future__ import annotations

import copy
import json

import pytest

from form_definitions.answers import check_answers
from form_definitions.formdata import read_form, valid_file_reference
from renderers import render_form
from tests.renderers.forms import ALL_TYPES, ANSWERS, FILE_REF, all_types
from tests.renderers.htmltree import encode_form, parse


def round_trip(data: dict, **options) -> dict:
    posted = encode_form(parse(render_form(ALL_TYPES, data=data, **options)))
    return read_form(ALL_TYPES, posted)


def test_round_trip_gives_every_answer_back():
    assert round_trip(ANSWERS) == ANSWERS


def test_round_trip_of_stored_answers_drops_calculated_values():
    stored = check_answers(ALL_TYPES, copy.deepcopy(ANSWERS)).data
    assert "items_total" in stored and "cost" in stored["items"][0]
    assert round_trip(stored) == ANSWERS


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_round_trip_after_errors_keeps_invalid_text(locale):
    data = {**ANSWERS, "staff": "12a", "annex": {"docs": {"plan": "nhiều"}}, "budget": "1,5x"}
    errors = [{"path": "staff", "code": "type", "message": "Số nguyên"}]
    assert round_trip(data, errors=errors, locale=locale) == data


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("agency", "Sở Nội vụ"),
        ("notes", "hai\ndòng"),
        ("staff", 0),
        ("budget", -2.75),
        ("day", "2024-12-15"),
        ("level", "city"),
        ("area", "edu"),
        ("channels", ["desk"]),
        ("has_plan", True),
        ("has_plan", False),
        ("stars", 1),
        ("quality", "poor"),
        ("mail", "a@b.vn"),
        ("tel", "+84901234567"),
        ("evidence", FILE_REF),
        ("items", [{"qty": 1}]),
        ("annex", {"procs": {"actual": 3}}),
        ("lines", [{"name": "x"}, {"name": "y"}, {"amount": 0.5}]),
    ],
)
def test_round_trip_of_each_type_alone(name, value):
    assert round_trip({name: value}) == {name: value}


def test_empty_form_reads_as_no_answers():
    assert round_trip({}) == {}


def test_read_form_parses_raw_posted_text():
    form = {
        "agency": ["  Quận 1  "],
        "staff": [" 1 200 "],
        "budget": ["1,5"],
        "channels": ["web", "", "desk"],
        "has_plan": ["no"],
        "stars": ["5"],
        "tel": ["090 123.45-67"],
        "items.3.what": ["later row"],
        "items.0.what": ["first row"],
        "items.1.what": [""],
        "items.0.cost": ["999"],
        "annex.docs.plan": ["10"],
        "annex.docs.pct": ["50"],
        "annex.nope.plan": ["1"],
        "lines.2.amount": ["7"],
        "items_total": ["1"],
        "verified": ["9"],
        "unknown": ["x"],
    }
    assert read_form(ALL_TYPES, form) == {
        "agency": "Quận 1",
        "staff": 1200,
        "budget": 1.5,
        "channels": ["web", "desk"],
        "has_plan": False,
        "stars": 5,
        "tel": "0901234567",
        "items": [{"what": "first row"}, {"what": "later row"}],
        "annex": {"docs": {"plan": 10}},
        "lines": [{"amount": 7}],
    }


def test_reviewers_read_reviewer_only_fields():
    assert read_form(ALL_TYPES, {"verified": ["9"]}) == {}
    assert read_form(ALL_TYPES, {"verified": ["9"]}, role="reviewer") == {"verified": 9}


def test_not_a_number_stays_text_for_the_validator():
    assert read_form(ALL_TYPES, {"budget": ["nan"], "staff": ["inf"]}) == {"budget": "nan", "staff": "inf"}


def test_accepts_single_strings_and_multidict_like_input():
    class MultiDict(dict):
        def getlist(self, key):
            return self.get(key, [])

    assert read_form(ALL_TYPES, {"agency": "X", "stars": "2"}) == {"agency": "X", "stars": 2}
    assert read_form(ALL_TYPES, MultiDict({"channels": ["web", "desk"]})) == {"channels": ["web", "desk"]}


def test_uploaded_file_wins_over_the_kept_one():
    new = {"id": "new", "name": "moi.pdf", "size": 1, "content_type": "application/pdf"}
    form = {"evidence": [json.dumps(FILE_REF)]}
    assert read_form(ALL_TYPES, form)["evidence"] == FILE_REF
    assert read_form(ALL_TYPES, form, files={"evidence": new})["evidence"] == new


@pytest.mark.parametrize(
    "kept",
    [
        "not json",
        json.dumps(["a"]),
        json.dumps({"id": "x"}),
        json.dumps({**FILE_REF, "size": "big"}),
        json.dumps({**FILE_REF, "id": ""}),
        json.dumps({**FILE_REF, "extra": 1}),
        json.dumps({**FILE_REF, "size": True}),
    ],
)
def test_forged_or_broken_kept_files_are_ignored(kept):
    assert read_form(ALL_TYPES, {"evidence": [kept]}) == {}


def test_valid_file_reference_allows_a_checksum():
    assert valid_file_reference({**FILE_REF, "sha256": "ab"})


def test_files_inside_group_rows():
    definition = all_types()
    items = next(f for f in definition["fields"] if f.get("name") == "items")
    items["fields"].append({"type": "file", "name": "scan", "label": {"vi": "Bản chụp", "en": "Scan"}})
    data = {"items": [{"what": "a", "scan": FILE_REF}]}
    posted = encode_form(parse(render_form(definition, data=data)))
    assert read_form(definition, posted) == data
    assert read_form(definition, {}, files={"items.0.scan": FILE_REF}) == {"items": [{"scan": FILE_REF}]}


def test_hidden_by_rule_fields_are_not_posted():
    data = {"channels": ["web"], "other_channel": "stale"}
    assert round_trip(data) == {"channels": ["web"]}
