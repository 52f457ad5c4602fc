"""JsonLogic's own public test suite (tests/fixtures/jsonlogic) against the server evaluator.

The browser runs the same cases (tests/browser/test_rules_js.py). Every case must pass: the list of
cases we deliberately leave out, with the reason, is UNSUPPORTED — and it is empty.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from form_definitions.rules import evaluate
from tests.form_definitions.test_rule_cases import same

SUITE = Path(__file__).resolve().parents[1] / "fixtures" / "jsonlogic" / "tests.json"
# (index in SUITE_CASES, reason): operators we deliberately do not support; keep it empty
UNSUPPORTED: dict[int, str] = {}


def load_suite() -> list[dict[str, Any]]:
    """The suite's cases as {section, rule, data, expected}; the strings between cases name sections."""
    cases, section = [], ""
    for entry in json.loads(SUITE.read_text(encoding="utf-8")):
        if isinstance(entry, str):
            section = entry
        else:
            rule, data, expected = entry
            cases.append({"section": section, "rule": rule, "data": data, "expected": expected})
    return cases


SUITE_CASES = load_suite()


def test_the_whole_suite_is_there():
    assert len(SUITE_CASES) == 279
    assert {c["section"] for c in SUITE_CASES} >= {"Substring", "Arrays with logic", "all, none, and some"}
    assert UNSUPPORTED == {}


@pytest.mark.parametrize("index", range(len(SUITE_CASES)))
def test_jsonlogic_case_on_the_server(index):
    case = SUITE_CASES[index]
    if index in UNSUPPORTED:
        pytest.skip(UNSUPPORTED[index])
    result = evaluate(case["rule"], case["data"])
    assert same(result, case["expected"]), f"{case['section']}: {case['rule']} gave {result!r}"


def test_a_wrong_answer_fails_the_comparison():
    """The comparison itself must tell true from 1 and [] from null, or the suite would prove nothing."""
    assert not same(1, True)
    assert not same([], None)
    assert not same("1", 1)
