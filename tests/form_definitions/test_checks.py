from __future__ import annotations

import copy

import pytest

from form_definitions.checks import check_definition
from form_definitions.registry import REGISTRY, FieldType, register
from tests.fixtures.definitions import sample_v1, t


def codes(problems):
    return {(p.path, p.code) for p in problems}


def test_sample_definition_is_clean_even_for_publishing():
    assert check_definition(sample_v1(), publishing=True) == []


def test_registry_holds_every_documented_type():
    documented = {
        "text",
        "textarea",
        "integer",
        "decimal",
        "date",
        "choice",
        "multi_choice",
        "yes_no",
        "rating",
        "scored_choice",
        "email",
        "phone",
        "file",
        "section",
        "group",
        "grid",
        "calculated",
        "static",
    }
    assert set(REGISTRY) == documented


def test_registering_a_duplicate_type_name_fails_loudly():
    class Clash(FieldType):
        name = "text"

    with pytest.raises(RuntimeError):
        register(Clash)


def test_every_problem_has_a_path():
    broken = sample_v1()
    broken["kind"] = "poem"
    broken["fields"][0]["fields"][1]["minimum"] = "zero"
    broken["fields"][0]["fields"].append({"type": "sparkle", "name": "x"})
    broken["fields"][1]["columns"][2].pop("formula")
    found = codes(check_definition(broken))
    assert ("kind", "not_an_option") in found
    assert ("fields.0.fields.1.minimum", "type") in found
    assert ("fields.0.fields.5.type", "unknown_type") in found
    assert ("fields.1.columns.2.formula", "required") in found


def test_duplicate_names_across_sections_are_refused():
    broken = sample_v1()
    broken["fields"].append({"type": "text", "name": "agency", "label": t("Lại", "Again")})
    assert ("fields.5.name", "duplicate_name") in codes(check_definition(broken))


def test_rules_may_only_name_fields_of_the_form():
    broken = sample_v1()
    broken["fields"][0]["fields"][4]["visible_if"] = {"==": [{"var": "hass_plan"}, False]}
    assert ("fields.0.fields.4.visible_if", "unknown_variable") in codes(check_definition(broken))


def test_unknown_keys_on_a_field_are_reported_not_dropped():
    broken = sample_v1()
    broken["fields"][0]["fields"][0]["colour"] = "red"
    assert ("fields.0.fields.0.colour", "unknown_field") in codes(check_definition(broken))


def test_missing_translation_blocks_publishing_only():
    draft = copy.deepcopy(sample_v1())
    draft["fields"][0]["fields"][0]["label"] = {"vi": "Cơ quan", "en": ""}
    assert check_definition(draft) == []
    assert ("fields.0.fields.0.label", "missing_translation") in codes(check_definition(draft, publishing=True))


def test_not_an_object_is_one_problem_at_the_root():
    assert codes(check_definition(["nope"])) == {("", "type")}
