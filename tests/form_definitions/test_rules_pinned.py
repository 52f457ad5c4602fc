"""The rule language, one behaviour per test, beside the shared case table of test_rule_cases.py."""

from __future__ import annotations

import pytest

from form_definitions.rules import evaluate, holds, normalize, round_to, rule_vars

DATA = {"agency": "UBND Quận 1", "staff": {"count": 12, "vacant": 0}, "level": "", "note": None, "items": [1, 2, 3]}


@pytest.mark.parametrize(
    "rule, expected",
    [
        ({"<=": [1, 2]}, True),
        ({"<=": [2, 2]}, True),
        ({"<=": [3, 2]}, False),
        ({"<=": [1, 2, 3]}, True),
        ({"<=": [1, 3, 3]}, True),
        ({"<=": [1, 4, 3]}, False),
        ({"<": [1, 2]}, True),
        ({"<": [2, 2]}, False),
        ({"<": [1, 2, 3]}, True),
        ({"<": [1, 3, 3]}, False),
        ({">": [2, 1]}, True),
        ({">": [2, 2]}, False),
        ({">=": [2, 2]}, True),
        ({">=": [1, 2]}, False),
        ({"==": [1, "1"]}, True),
        ({"===": [1, "1"]}, False),
        ({"!=": [1, 2]}, True),
        ({"!==": [1, 1]}, False),
    ],
)
def test_comparisons_answer_as_in_javascript(rule, expected):
    assert evaluate(rule, {}) is expected


def test_missing_names_the_fields_without_an_answer_whatever_their_names():
    assert evaluate({"missing": ["agency", "level", "note", "deadline", "staff.count", "staff.unit"]}, DATA) == [
        "level",
        "note",
        "deadline",
        "staff.unit",
    ]
    assert evaluate({"missing": [["agency", "deadline"]]}, DATA) == ["deadline"]
    assert evaluate({"missing": "deadline"}, DATA) == ["deadline"]
    assert evaluate({"missing": ["staff.vacant"]}, DATA) == []  # zero is an answer


def test_missing_some_is_empty_once_enough_fields_are_answered():
    assert evaluate({"missing_some": [1, ["agency", "deadline"]]}, DATA) == []
    assert evaluate({"missing_some": [2, ["agency", "deadline", "level"]]}, DATA) == ["deadline", "level"]
    assert evaluate({"missing_some": [1, None]}, DATA) is None  # cannot be evaluated


def test_rule_vars_names_the_fields_a_rule_reads_first_segment_only():
    rule = {"and": [{"==": [{"var": "staff.count"}, 1]}, {"in": [{"var": ["level", "x"]}, ["a"]]}, {"var": ""}]}
    assert rule_vars(rule) == {"staff", "level"}


@pytest.mark.parametrize("op", ["map", "filter", "all", "some", "none"])
def test_rule_vars_over_a_list_operation_reads_the_list_not_its_items(op):
    assert rule_vars({op: [{"var": "items"}, {">": [{"var": ""}, {"var": "limit"}]}]}) == {"items"}


def test_rule_vars_over_reduce_reads_the_list_and_the_initial_value():
    rule = {"reduce": [{"var": "items"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, {"var": "base"}]}
    assert rule_vars(rule) == {"items", "base"}
    assert rule_vars({"reduce": {"var": "items"}}) == {"items"}
    assert rule_vars({"map": []}) == set()


def test_a_reduce_starts_from_its_initial_value():
    rule = {"reduce": [{"var": "items"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, {"var": "base"}]}
    assert evaluate(rule, {"items": [1, 2, 3], "base": 10}) == 16
    assert evaluate({"map": [{"var": "items"}, {"*": [{"var": ""}, 2]}]}, DATA) == [2, 4, 6]
    assert evaluate({"filter": [{"var": "items"}, {">": [{"var": ""}, 1]}]}, DATA) == [2, 3]


def test_all_some_and_none_over_lists_and_empty_lists():
    over = {"var": "items"}
    assert evaluate({"all": [over, {">": [{"var": ""}, 0]}]}, DATA) is True
    assert evaluate({"all": [over, {">": [{"var": ""}, 1]}]}, DATA) is False
    assert evaluate({"all": [[], True]}, {}) is False
    assert evaluate({"some": [over, {">": [{"var": ""}, 2]}]}, DATA) is True
    assert evaluate({"some": [over, {">": [{"var": ""}, 3]}]}, DATA) is False
    assert evaluate({"none": [over, {">": [{"var": ""}, 3]}]}, DATA) is True
    assert evaluate({"none": [over, {">": [{"var": ""}, 2]}]}, DATA) is False
    assert evaluate({"none": [[], True]}, {}) is True


def test_if_and_or_pick_the_first_deciding_value():
    assert evaluate({"if": [False, "a", True, "b", "c"]}, {}) == "b"
    assert evaluate({"if": [False, "a", False, "b", "c"]}, {}) == "c"
    assert evaluate({"if": [False, "a"]}, {}) is None
    assert evaluate({"and": [1, 0, 2]}, {}) == 0 and evaluate({"and": [1, 2]}, {}) == 2
    assert evaluate({"or": [0, "", 3]}, {}) == 3 and evaluate({"or": [0, ""]}, {}) == ""


def test_arithmetic_and_its_empty_results():
    assert evaluate({"+": [1, "2", 3.5]}, {}) == 6.5
    assert evaluate({"-": [10, 4]}, {}) == 6 and evaluate({"-": [4]}, {}) == -4
    assert evaluate({"*": [2, 3, 4]}, {}) == 24 and evaluate({"*": []}, {}) is None
    assert evaluate({"/": [7, 2]}, {}) == 3.5 and evaluate({"/": [7, 0]}, {}) is None
    assert evaluate({"%": [7, 3]}, {}) == 1 and evaluate({"%": [7, 0]}, {}) is None
    assert evaluate({"%": [7, 1]}, {}) == 0 and evaluate({"%": [-7, 2]}, {}) == -1
    assert evaluate({"min": [3, 1, 2]}, {}) == 1 and evaluate({"max": [3, 1, 2]}, {}) == 3
    assert evaluate({"max": []}, {}) is None  # -Infinity is not portable


def test_an_unknown_operation_yields_nothing_and_holds_falls_back_to_false():
    assert evaluate({"sqrt": [4]}, {}) is None
    assert holds({"sqrt": [4]}, {}) is False
    assert holds(None, {}) is True and holds(None, {}, default=False) is False
    assert evaluate(True, {}) is True and evaluate(None, {}) is None


def test_results_are_made_portable():
    assert normalize(2.0) == 2 and isinstance(normalize(2.0), int)
    assert normalize(float("inf")) is None and normalize([1.0, float("nan")]) == [1, None]
    assert normalize(2.5) == 2.5 and normalize(2.0**52) == 2**52 and isinstance(normalize(2.0**52), int)
    assert isinstance(normalize(2.0**53), float)  # beyond 2**53 a float no longer stands for one integer


def test_rounding_is_half_away_from_zero_and_leaves_non_numbers_alone():
    assert round_to(2.345, 2) == 2.35 and round_to(-2.345, 2) == -2.35
    assert round_to(True, 1) is True and round_to(2.5, None) == 2.5


def test_the_length_of_a_text_counts_utf16_units_as_javascript_does():
    assert evaluate({"var": "name.length"}, {"name": "abcdef"}) == 6
    assert evaluate({"var": "name.length"}, {"name": "Quận 1"}) == 6
    assert evaluate({"var": "name.length"}, {"name": "😀a"}) == 3
    assert evaluate({"var": "name.1"}, {"name": "abc"}) == "b"
    assert evaluate({"var": "items.length"}, DATA) == 3 and evaluate({"var": "items.5"}, DATA) is None


def test_substr_takes_a_start_and_a_length_as_javascript_does():
    assert evaluate({"substr": ["Quận 1", 1, 0]}, {}) == ""
    assert evaluate({"substr": ["Quận 1", 1, 3]}, {}) == "uận"
    assert evaluate({"substr": ["Quận 1", -1]}, {}) == "1"
    assert evaluate({"substr": ["Quận 1", 0, -2]}, {}) == "Quận"
