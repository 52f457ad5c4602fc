"""The shared rule-case table in headless Chromium: FPRules must answer exactly as the server does."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.form_definitions.test_jsonlogic_suite import SUITE_CASES, UNSUPPORTED
from tests.form_definitions.test_rule_cases import CASES, ROUND_CASES, same

CHROMIUM = "/usr/bin/chromium"
STATIC = Path(__file__).resolve().parents[2] / "formplatform" / "static"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not installed at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def rules_page(browser):
    """A blank page with json-logic-js and rules.js; `browser` comes from tests/browser/conftest.py."""
    page = browser.new_page()
    page.set_content("<!doctype html><html><head><title>rules</title></head><body></body></html>")
    page.add_script_tag(path=str(STATIC / "vendor" / "json-logic-js" / "logic.js"))
    page.add_script_tag(path=str(STATIC / "js" / "rules.js"))
    yield page
    page.close()


def test_every_rule_case_in_the_browser(rules_page):
    results = rules_page.evaluate("cases => cases.map(c => FPRules.evaluate(c.rule, c.data))", CASES)
    failures = [
        f"{case['note']}: browser {result!r}, expected {case['expected']!r}"
        for case, result in zip(CASES, results, strict=True)
        if not same(result, case["expected"])
    ]
    assert failures == []


def test_round_to_matches_the_server(rules_page):
    cases = [list(case) for case in ROUND_CASES]
    results = rules_page.evaluate("cases => cases.map(c => FPRules.roundTo(c[0], c[1]))", cases)
    mismatches = [(case, result) for case, result in zip(cases, results, strict=True) if not same(result, case[2])]
    assert mismatches == []


def test_holds_and_its_default(rules_page):
    assert rules_page.evaluate(
        "() => [FPRules.holds(null, {}), FPRules.holds(undefined, {}, false), "
        "FPRules.holds({'var': 'x'}, {x: '0'}), FPRules.holds({'/': [1, 0]}, {})]"
    ) == [True, False, True, False]


def test_an_unknown_operator_gives_null_not_an_exception(rules_page):
    assert rules_page.evaluate("() => FPRules.evaluate({'no_such_op': [1]}, {})") is None


def test_jsonlogic_suite_in_the_browser(rules_page):
    """JsonLogic's own 279 cases, all in this one page load, through FPRules (json-logic-js + our wrapper)."""
    results = rules_page.evaluate("cases => cases.map(c => FPRules.evaluate(c.rule, c.data))", SUITE_CASES)
    failures = [
        f"{case['section']}: {case['rule']} gave {result!r}, expected {case['expected']!r}"
        for index, (case, result) in enumerate(zip(SUITE_CASES, results, strict=True))
        if index not in UNSUPPORTED and not same(result, case["expected"])
    ]
    assert len(results) == 279
    assert failures == []
