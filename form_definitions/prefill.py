"""Header fields filled from the campaign and its period (`prefill`), and numbers shown without grouping.

A field with `"prefill": "<source>"` is not the filler's to write: the server overwrites its value
with the source's on every save and submit (a tampered value is replaced, not trusted), and the fill
page shows it read-only. Only fields whose value sits at the top of the data (the form's or a
section's) may be prefilled: a group row or a grid cell has no single campaign value.
"""

from __future__ import annotations

from typing import Any

from form_definitions.problems import Problem, join_path
from form_definitions.walk import data_fields

# source -> field types that can hold its value
SOURCES: dict[str, tuple[str, ...]] = {
    "campaign.agency_name": ("text", "textarea"),
    "period.type": ("choice",),
    "period.number": ("integer",),
    "period.year": ("integer",),
    "period.start": ("date",),
    "period.end": ("date",),
    "period.deadline": ("date",),
}
PERIOD_TYPE_VALUES = ("month", "quarter", "half", "nine_months", "year", "once")
# Integers that name rather than count: shown as written, never with thousands separators.
PLAIN_SOURCES = ("period.year", "period.number")
PLAIN_CONCEPT_ENDINGS = ("year",)  # e.g. "cchc_report.year" of versions published before `format`


def prefilled_fields(definition: dict[str, Any]) -> dict[str, str]:
    """Top-level data field name -> its prefill source."""
    return {
        f["name"]: f["prefill"]
        for f in data_fields(definition.get("fields") or [])
        if isinstance(f.get("prefill"), str) and f.get("name")
    }


def apply_prefill(definition: dict[str, Any], data: Any, values: dict[str, Any]) -> Any:
    """`data` with every prefilled field set to its source's value (removed when the source has none).

    Anything but an object is returned as it is, for the answer checks to refuse.
    """
    if not isinstance(data, dict):
        return data
    result = dict(data)
    for name, source in prefilled_fields(definition).items():
        value = values.get(source)
        if value is None:
            result.pop(name, None)
        else:
            result[name] = value
    return result


def check_prefill(spec: dict[str, Any], path: str, in_row: bool) -> list[Problem]:
    """A prefill source must exist, fit the field's type, and sit outside group rows and grids."""
    source = spec.get("prefill")
    if source is None:
        return []
    here = join_path(path, "prefill")
    if in_row:
        return [Problem(here, "prefill_in_row")]
    if not isinstance(source, str) or source not in SOURCES:
        return []  # the config schema already says it is not one of the sources
    if spec.get("type") not in SOURCES[source]:
        return [Problem(here, "prefill_type", {"source": source, "types": ", ".join(SOURCES[source])})]
    if source == "period.type":
        values = {o.get("value") for o in spec.get("options") or [] if isinstance(o, dict)}
        missing = [v for v in PERIOD_TYPE_VALUES if v not in values]
        if missing:
            return [Problem(join_path(path, "options"), "prefill_options", {"values": ", ".join(missing)})]
    return []


def plain_number(spec: dict[str, Any]) -> bool:
    """Whether an integer names rather than counts (a year, a number, a code): no thousands separators.

    Decided by the field: `"format": "plain"`, a year or period number from the campaign, or a concept
    ending in ".year" (so versions published before `format` existed print their years right too).
    """
    if spec.get("format") == "plain" or spec.get("prefill") in PLAIN_SOURCES:
        return True
    if spec.get("format") == "grouped":
        return False
    concept = str(spec.get("concept") or spec.get("name") or "")
    return spec.get("type") == "integer" and concept.rsplit(".", 1)[-1] in PLAIN_CONCEPT_ENDINGS
