"""The shared rule-case table, evaluated on the server (the browser runs the same table)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from form_definitions.rules import evaluate, holds, round_to

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "rule_cases.json").read_text(encoding="utf-8")
)
# (value, decimals, expected): half away from zero, both signs, binary fractions
ROUND_CASES: list[tuple[Any, Any, Any]] = [
    (2.5, 0, 3),
    (-2.5, 0, -3),
    (0.5, 0, 1),
    (1.005, 2, 1.0),
    (1.25, 1, 1.3),
    (-1.25, 1, -1.3),
    (33.333333, 1, 33.3),
    (2 / 3, 2, 0.67),
    (10, 2, 10),
    (-0.0001, 2, 0),
    (None, 1, None),
    ("7", 1, "7"),
    (123.456, None, 123.456),
    (1e-7, 6, 0),
]


def same(actual: Any, expected: Any) -> bool:
    """JSON equality with numbers compared numerically (1 == 1.0) but never equal to booleans."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)):
        return float(actual) == float(expected)
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in actual)
    return type(actual) is type(expected) and actual == expected


def test_the_table_covers_the_rule_language():
    assert len(CASES) >= 40
    text = json.dumps([case["rule"] for case in CASES])
    for op in (
        "==",
        "===",
        "!=",
        "!==",
        "<",
        ">",
        "<=",
        ">=",
        "and",
        "or",
        "!",
        "!!",
        "if",
        "in",
        "var",
        "missing",
        "missing_some",
        "+",
        "-",
        "*",
        "/",
        "%",
        "min",
        "max",
        "cat",
        "substr",
        "merge",
        "reduce",
        "map",
        "filter",
        "all",
        "some",
        "none",
    ):
        assert f'"{op}"' in text, op
    assert len({case["note"] for case in CASES}) == len(CASES), "notes name the cases; keep them unique"


@pytest.mark.parametrize("case", CASES, ids=[case["note"] for case in CASES])
def test_rule_case_on_the_server(case):
    assert same(evaluate(case["rule"], case["data"]), case["expected"])


@pytest.mark.parametrize(("value", "decimals", "expected"), ROUND_CASES)
def test_round_to_half_away_from_zero(value, decimals, expected):
    assert same(round_to(value, decimals), expected)


def test_holds_uses_the_default_only_without_a_rule():
    assert holds(None, {}) is True
    assert holds(None, {}, default=False) is False
    assert holds({"var": "x"}, {"x": "0"}) is True
    assert holds({"var": "x"}, {"x": []}) is False
    assert holds({"/": [1, 0]}, {}) is False
