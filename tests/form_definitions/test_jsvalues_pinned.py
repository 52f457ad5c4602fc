"""JavaScript value semantics as json-logic-js in the browser has them, pinned where sampled mutants survived:
so a rule means the same on the server."""

from __future__ import annotations

import dataclasses
import math

import pytest

from form_definitions.jsvalues import UNDEFINED, loose_equals, number_to_string, to_number
from form_definitions.problems import Problem
from form_definitions.registry import OPTION, REGISTRY, field_type


def test_javascript_whitespace_around_a_number_is_ignored():
    assert to_number("\u00a0 5\u3000\ufeff") == 5.0 and to_number("\u2029-2\u202f") == -2.0
    assert math.isnan(to_number("5 x"))


@pytest.mark.parametrize(("text", "value"), [("0x1F", 31.0), ("0b101", 5.0), ("0o17", 15.0), ("0XfF", 255.0)])
def test_hexadecimal_binary_and_octal_strings_are_numbers(text, value):
    assert to_number(text) == value


def test_infinities_are_written_as_javascript_writes_them():
    assert number_to_string(math.inf) == "Infinity" and number_to_string(-math.inf) == "-Infinity"
    assert number_to_string(math.nan) == "NaN"


def test_null_equals_only_undefined_loosely():
    assert loose_equals(None, UNDEFINED) and loose_equals(UNDEFINED, None)
    assert not loose_equals(None, 0) and not loose_equals(None, "") and not loose_equals(0, UNDEFINED)


def test_an_option_needs_a_value_and_a_label():
    assert OPTION["required"] == ["value", "label"]


def test_a_registered_type_is_found_by_its_name_and_an_unknown_one_is_not():
    assert field_type("text") is REGISTRY["text"]
    with pytest.raises(KeyError):
        field_type("no-such-type")


def test_a_problem_cannot_be_changed_once_made():
    problem = Problem("fields.0", "required")
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.code = "other"  # type: ignore[misc]
    assert problem.as_dict() == {"path": "fields.0", "code": "required", "params": {}}
