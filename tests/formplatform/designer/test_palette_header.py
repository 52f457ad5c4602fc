"""The designer offers `prefill` on the types a campaign value fits, and `format` on whole numbers."""

from __future__ import annotations

from typing import Any


def test_prefill_and_format_are_offered_where_they_fit_with_unset_first(app: Any) -> None:
    from formplatform.designer.palette import palette

    with app.test_request_context("/?lang=vi"):
        types = {t["name"]: {o["key"]: o for o in t["options"]} for t in palette()["types"]}
    assert {name for name, options in types.items() if "prefill" in options} == {
        "text",
        "textarea",
        "choice",
        "integer",
        "date",
    }
    assert {name for name, options in types.items() if "format" in options} == {"integer"}
    prefill = types["integer"]["prefill"]
    assert prefill["kind"] == "enum" and prefill["choices"][0] == {"value": "", "label": "Do cơ quan nhập"}
    assert "period.year" in [c["value"] for c in prefill["choices"]]
    assert [c["value"] for c in types["integer"]["format"]["choices"]] == ["", "plain", "grouped"]
