"""`prefill`: which sources exist, which fields may hold them, and how the server applies them."""

from __future__ import annotations

from typing import Any

import pytest

from form_definitions.checks import check_definition
from form_definitions.library import library_definition
from form_definitions.prefill import PERIOD_TYPE_VALUES, SOURCES, apply_prefill, plain_number, prefilled_fields
from form_definitions.versions import diff_definitions


def t(text: str) -> dict[str, str]:
    return {"vi": text, "en": text}


def form(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"schema_version": 1, "key": "header-test", "kind": "report", "title": t("Báo cáo"), "fields": list(fields)}


def field(kind: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "label": t(name), **extra}


PERIOD_TYPE = field(
    "choice", "period_type", prefill="period.type", options=[{"value": v, "label": t(v)} for v in PERIOD_TYPE_VALUES]
)


def codes(definition: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in check_definition(definition)}


def test_every_source_fits_its_field_types_and_a_section_may_hold_them():
    fields = [
        field("text", "agency", prefill="campaign.agency_name"),
        PERIOD_TYPE,
        field("integer", "number", prefill="period.number"),
        field("integer", "year", prefill="period.year"),
        field("date", "start", prefill="period.start"),
        field("date", "end", prefill="period.end"),
        field("date", "deadline", prefill="period.deadline"),
    ]
    assert {f["prefill"] for f in fields} == set(SOURCES)
    assert check_definition(form({"type": "section", "name": "general", "label": t("Chung"), "fields": fields})) == []


def test_wrong_sources_types_places_and_option_lists_are_refused():
    assert codes(form(field("text", "year", prefill="period.year"))) == {("fields.0.prefill", "prefill_type")}
    assert ("fields.0.prefill", "not_an_option") in codes(form(field("text", "agency", prefill="campaign.secret")))
    short = {**PERIOD_TYPE, "options": PERIOD_TYPE["options"][:2]}
    assert codes(form(short)) == {("fields.0.options", "prefill_options")}
    row = field("group", "rows", fields=[field("integer", "year", prefill="period.year")])
    assert codes(form(row)) == {("fields.0.fields.0.prefill", "prefill_in_row")}
    assert ("fields.0.prefill", "not_an_option") in codes(form(field("text", "agency", prefill=["period.year"])))
    assert ("fields.0.format", "not_an_option") in codes(form(field("integer", "code", format="hex")))


def test_apply_prefill_overwrites_tampered_values_and_drops_missing_ones():
    definition = form(
        field("integer", "year", prefill="period.year"), field("integer", "number", prefill="period.number")
    )
    sources = {"period.year": 2026, "period.number": None}
    assert apply_prefill(definition, {"year": 1999, "number": 3, "other": 1}, sources) == {"year": 2026, "other": 1}
    assert apply_prefill(definition, "not an object", sources) == "not an object"
    assert prefilled_fields(definition) == {"year": "period.year", "number": "period.number"}


def test_integers_that_name_print_plain_and_quantities_stay_grouped():
    assert plain_number(field("integer", "code", format="plain"))
    assert plain_number(field("integer", "y", prefill="period.year"))
    assert plain_number({"type": "integer", "name": "year", "concept": "cchc_report.year"})  # published v1
    assert not plain_number({"type": "integer", "name": "year", "concept": "x.year", "format": "grouped"})
    assert not plain_number(field("integer", "received"))
    assert not plain_number({"type": "decimal", "name": "year"})


@pytest.mark.parametrize(("key", "old", "new"), [("kpi-monthly", 2, 3), ("par-self-assessment", 1, 2)])
def test_the_new_versions_only_add_the_campaign_header_compatibly(key, old, new):
    changes = diff_definitions(library_definition(key, old), library_definition(key, new)).changes
    fields = [c for c in changes if not c.concept.startswith("check:")]
    assert fields and not any(c.breaking for c in fields)
    assert {c.name for c in fields} == set(prefilled_fields(library_definition(key, new)))
    # kpi-monthly v3 also adds its cross-field checks: a new rule may refuse answers accepted before
    checks = [c for c in changes if c.concept.startswith("check:")]
    assert {c.name for c in checks} == {check["name"] for check in library_definition(key, new).get("checks", [])}
    assert all(c.breaking for c in checks)


def test_cchc_report_v2_header_covers_every_period_from_the_campaign():
    v2 = library_definition("cchc-report", 2)
    assert prefilled_fields(v2) == {
        "agency": "campaign.agency_name",
        "period_type": "period.type",
        "period_number": "period.number",
        "year": "period.year",
        "period_from": "period.start",
        "period_to": "period.end",
        "deadline": "period.deadline",
    }
    changes = {c.name: c for c in diff_definitions(library_definition("cchc-report", 1), v2).changes}
    assert changes["period_kind"].breaking  # "Quý III (9 tháng)" gave way to a type and a number
    assert {"period_type", "period_number", "deadline"} <= set(changes)


@pytest.mark.parametrize("key", ["cchc-report", "kpi-monthly", "par-self-assessment"])
def test_an_xlsform_round_trip_keeps_the_header_keys(key):
    from form_definitions.interchange.xlsform_export import workbook_from_definition
    from form_definitions.interchange.xlsform_import import definition_from_workbook

    latest = library_definition(key)
    back = definition_from_workbook(workbook_from_definition(latest)).definition
    assert back["fields"] == latest["fields"] and prefilled_fields(back)
