"""What the visual editor offers for each field type, in the user's language, derived from the registry.

Every config key of every registered type must have words here (a test walks the registry), so a new
field option can never be silently missing from the designer.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions import KINDS
from form_definitions.prefill import SOURCES
from form_definitions.registry import BILINGUAL, COMMON_KEYS, REGISTRY, RULE

# (label, one-sentence explanation, palette group) per field type.
TYPES: dict[str, tuple[Any, Any, str]] = {
    "section": (_l("Section"), _l("A titled part of the form that groups the fields below it."), "layout"),
    "static": (_l("Explanatory text"), _l("A paragraph shown to the person filling in; it holds no answer."), "layout"),
    "text": (_l("Short text"), _l("One line of text, such as a name or a document number."), "basic"),
    "textarea": (_l("Long text"), _l("Several lines of text, such as an explanation or a proposal."), "basic"),
    "integer": (_l("Whole number"), _l("A count or an amount without decimals."), "basic"),
    "decimal": (_l("Decimal number"), _l("A number that may have decimals, such as a rate or a percentage."), "basic"),
    "date": (_l("Date"), _l("A calendar date, entered with a date picker."), "basic"),
    "yes_no": (_l("Yes / no"), _l("A question answered with yes or no."), "basic"),
    "email": (_l("E-mail"), _l("An e-mail address, checked for its format."), "basic"),
    "phone": (_l("Phone number"), _l("A Vietnamese phone number (0… or +84…)."), "basic"),
    "choice": (_l("Single choice"), _l("Pick one option from a list."), "choice"),
    "multi_choice": (_l("Multiple choice"), _l("Tick any number of options from a list."), "choice"),
    "scored_choice": (
        _l("Scored choice"),
        _l("Pick one option; each option earns points towards the score."),
        "choice",
    ),
    "rating": (_l("Rating scale"), _l("A rating on a numbered scale, for example 1 to 5."), "choice"),
    "group": (_l("Repeatable group"), _l("A set of fields the person can fill several times (one per item)."), "table"),
    "grid": (_l("Table (grid)"), _l("Rows and typed columns, with optional calculated columns and totals."), "table"),
    "calculated": (_l("Calculated value"), _l("A number the form computes from other answers; read-only."), "table"),
    "file": (_l("File attachment"), _l("An uploaded document, such as evidence for a self-assessment."), "table"),
}

GROUPS = {
    "layout": _l("Layout"),
    "basic": _l("Basic answers"),
    "choice": _l("Choices and scores"),
    "table": _l("Tables, groups and calculations"),
}

# (label, explanation) per config key; shared by every type that has the key.
OPTIONS: dict[str, tuple[Any, Any]] = {
    "name": (_l("Name in the data"), _l("Lower-case letters, digits and _; it names the answer in exports.")),
    "concept": (
        _l("Concept"),
        _l("Keeps this field comparable across versions; leave it empty to let the platform assign it."),
    ),
    "label": (_l("Label"), _l("The question or caption people see.")),
    "help": (_l("Help text"), _l("A short hint shown under the label.")),
    "required": (_l("Required"), _l("The form cannot be sent without an answer.")),
    "visible_if": (_l("Show only if"), _l("The field is shown, checked and stored only when this condition holds.")),
    "required_if": (_l("Required if"), _l("The field becomes required when this condition holds.")),
    "fill_by": (_l("Filled in by"), _l("Reviewer fields are read-only for the agency and filled in by Sở Nội vụ.")),
    "widget": (_l("Display as"), _l("How the options are shown.")),
    "fields": (_l("Fields"), _l("The fields inside.")),
    "content": (_l("Text"), _l("The paragraph to show.")),
    "min_length": (_l("Minimum length"), _l("The fewest characters accepted.")),
    "max_length": (_l("Maximum length"), _l("The most characters accepted.")),
    "pattern": (_l("Pattern"), _l("A regular expression the answer must match, for advanced checks.")),
    "minimum": (_l("Minimum"), _l("The smallest value accepted.")),
    "maximum": (_l("Maximum"), _l("The largest value accepted.")),
    "unit": (_l("Unit"), _l("Shown after the value, for example % or billion VND.")),
    "score_max": (_l("Counts towards the score, out of"), _l("The value is added to the score; this is its maximum.")),
    "decimals": (_l("Decimals"), _l("How many decimals the value is rounded to.")),
    "options": (_l("Options"), _l("The answers people can choose from; the value is stored, the label shown.")),
    "min_items": (_l("At least"), _l("The fewest items or options that must be given.")),
    "max_items": (_l("At most"), _l("The most items or options that may be given.")),
    "scale_min": (_l("Scale starts at"), _l("The lowest point of the scale.")),
    "scale_max": (_l("Scale ends at"), _l("The highest point of the scale (at most 10).")),
    "min_label": (_l("Label of the lowest point"), _l("For example: Very dissatisfied.")),
    "max_label": (_l("Label of the highest point"), _l("For example: Very satisfied.")),
    "rows": (_l("Rows"), _l("The fixed rows of the table, such as indicators.")),
    "columns": (_l("Columns"), _l("Typed columns; a calculated column computes a value from its row.")),
    "addable_rows": (_l("People add their own rows"), _l("Instead of fixed rows, people add as many rows as needed.")),
    "max_rows": (_l("Most rows"), _l("The most rows people may add.")),
    "row_checks": (
        _l("Row checks"),
        _l("Rules each row must meet, such as actual at most plan; the message is shown on the row."),
    ),
    "row_total": (
        _l("Row total column"),
        _l(
            "Adds a last column with each row's total of the columns ticked “Counts in the row total” "
            "(every number column when none is ticked); this is its heading."
        ),
    ),
    "formula": (_l("Formula"), _l("How the value is computed from other answers.")),
    "max_size": (_l("Largest file (MB)"), _l("Bigger files are refused.")),
    "accept": (_l("Accepted file types"), _l("Leave empty to accept any document type the platform allows.")),
    "prefill": (
        _l("Filled in from the campaign"),
        _l("The report's header: the server writes this value from the campaign and period; nobody can edit it."),
    ),
    "format": (_l("Number format"), _l("Years, codes and ids are written without thousands separators.")),
}
# keys whose "not set" is a choice of its own (the editor's select drops the key on its first choice)
UNSET = {"prefill": _l("Typed in by the agency"), "format": _l("Automatic: a year plain, other numbers grouped")}

ENUMS: dict[str, Any] = {
    "filler": _l("The agency filling in the form"),
    "reviewer": _l("The reviewer (Sở Nội vụ)"),
    "radio": _l("Buttons in a list"),
    "select": _l("A drop-down list"),
    "buttons": _l("Large buttons (kiosk)"),
    "campaign.agency_name": _l("The reporting agency's name"),
    "period.type": _l("The period type (month, quarter, half, nine months, year)"),
    "period.number": _l("The period's number in its year (quarter 1–4, month 1–12)"),
    "period.year": _l("The period's year"),
    "period.start": _l("The first day of the period's data"),
    "period.end": _l("The last day of the period's data"),
    "period.deadline": _l("The report's deadline"),
    "plain": _l("Plain: year, code or id (2026)"),
    "grouped": _l("Grouped quantity (1.234)"),
}

KIND_TEXT = {
    "report": _l("Periodic report"),
    "kpi_sheet": _l("KPI sheet"),
    "assessment": _l("Scored self-assessment"),
    "questionnaire": _l("Questionnaire"),
}

COLUMN_TYPES = {
    "text": _l("Text"),
    "integer": _l("Whole number"),
    "decimal": _l("Decimal number"),
    "calculated": _l("Calculated"),
}

FILE_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}


def option_kind(key: str, schema: dict[str, Any]) -> str:
    """The kind of input the editor shows for one config key."""
    special = {
        "options": "options",
        "rows": "rows",
        "columns": "columns",
        "fields": "children",
        "formula": "formula",
        "row_checks": "checks",
        "accept": "file_types",
        "max_size": "megabytes",
        "content": "bilingual_long",
        "help": "bilingual_long",
    }
    if key in special:
        return special[key]
    if schema is BILINGUAL:
        return "bilingual"
    if schema is RULE:
        return "condition"
    if "enum" in schema:
        return "enum"
    if schema.get("format") == "date":
        return "date"
    return {"integer": "integer", "number": "number", "boolean": "boolean"}.get(schema.get("type"), "text")


def _option(key: str, schema: dict[str, Any]) -> dict[str, Any]:
    label, help_text = OPTIONS[key]
    described: dict[str, Any] = {
        "key": key,
        "kind": option_kind(key, schema),
        "label": str(label),
        "help": str(help_text),
    }
    if "enum" in schema:
        described["choices"] = [{"value": v, "label": str(ENUMS.get(v, v))} for v in schema["enum"]]
        if key in UNSET:
            described["choices"].insert(0, {"value": "", "label": str(UNSET[key])})
    for bound in ("minimum", "maximum"):
        if bound in schema:
            described[bound] = schema[bound]
    return described


def _offered(key: str, type_name: str) -> bool:
    """Prefill only where a source fits the type; the number format only on whole numbers."""
    if key == "prefill":
        return any(type_name in types for types in SOURCES.values())
    return key != "format" or type_name == "integer"


def palette() -> dict[str, Any]:
    """Field types with their options, groups, kinds and column types, ready for the editor as JSON."""
    common = [k for k in COMMON_KEYS if k not in ("type", "widget")]
    types = []
    for name, (label, help_text, group) in TYPES.items():
        kind = REGISTRY[name]
        keys = [k for k in common if (kind.has_data or k in ("visible_if",)) and _offered(k, name)]
        if name == "section":
            keys = ["name", "label", "help", "visible_if"]
        schemas = {**COMMON_KEYS, **kind.config}
        own = [k for k in kind.config if k != "fields"]
        types.append(
            {
                "name": name,
                "label": str(label),
                "help": str(help_text),
                "group": group,
                "has_data": kind.has_data,
                "numeric": kind.numeric,
                "container": "fields" in kind.config,
                "options": [_option(k, schemas[k]) for k in [*keys, *own]],
            }
        )
    return {
        "types": types,
        "groups": [{"key": k, "label": str(v)} for k, v in GROUPS.items()],
        "kinds": [{"value": k, "label": str(KIND_TEXT[k])} for k in KINDS],
        "column_types": [{"value": k, "label": str(v)} for k, v in COLUMN_TYPES.items()],
        "file_types": [{"value": k, "label": v} for k, v in FILE_TYPES.items()],
        "fill_by": [{"value": v, "label": str(ENUMS[v])} for v in ("filler", "reviewer")],
    }
