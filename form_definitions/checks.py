"""Checking a definition when it is saved: shape, per-type config, names, rules, languages."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

import form_definitions.schema  # noqa: F401  (registers every field type)
from form_definitions import KINDS, LANGUAGES, SCHEMA_VERSION
from form_definitions.crosschecks import CHECKS, check_rule_problems
from form_definitions.prefill import check_prefill
from form_definitions.problems import Problem, join_path
from form_definitions.registry import BILINGUAL, REGISTRY, Field
from form_definitions.rules import rule_vars
from form_definitions.schema import jsonschema_problems
from form_definitions.walk import data_fields, iter_fields
from form_definitions.workflow import WORKFLOW_SCHEMA, check_workflow

KEY_PATTERN = "^[a-z][a-z0-9-]{1,63}$"
TOP_LEVEL = {
    "type": "object",
    "required": ["schema_version", "key", "kind", "title", "fields"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "key": {"type": "string", "pattern": KEY_PATTERN},
        "kind": {"enum": list(KINDS)},
        "title": BILINGUAL,
        "description": BILINGUAL,
        "fields": {"type": "array"},
        "scoring": {
            "type": "object",
            "properties": {
                "bands": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["min", "label"],
                        "properties": {"min": {"type": "number"}, "label": BILINGUAL, "key": {"type": "string"}},
                        "additionalProperties": False,
                    },
                }
            },
            "additionalProperties": False,
        },
        "workflow": WORKFLOW_SCHEMA,
        "checks": CHECKS,
        "meta": {"type": "object"},
    },
    "additionalProperties": False,
}
_TOP = Draft202012Validator(TOP_LEVEL)
_TYPE_VALIDATORS = {name: Draft202012Validator(kind.config_schema()) for name, kind in REGISTRY.items()}
BILINGUAL_KEYS = ("label", "help", "content", "unit", "min_label", "max_label", "row_total", "message")


def check_definition(definition: Any, *, publishing: bool = False) -> list[Problem]:
    """Every problem of a definition, each with its path; publishing also demands both languages."""
    if not isinstance(definition, dict):
        return [Problem("", "type", {"expected": "object"})]
    problems = jsonschema_problems(_TOP, definition)
    fields = definition.get("fields")
    if isinstance(fields, list):
        names = set(_top_names(fields))
        problems += _check_fields(fields, "fields", names)
        problems += check_rule_problems(definition.get("checks"), "checks", names, names)
    if "workflow" in definition and not problems:
        problems += check_workflow(definition["workflow"])
    problems += storable_keys(definition)
    if publishing:
        problems += missing_translations(definition)
    return problems


def storable_keys(node: Any, path: str = "") -> list[Problem]:
    """Object keys must be storable in MongoDB: not empty, no leading "$", no "."."""
    found: list[Problem] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = join_path(path, key)
            if not isinstance(key, str) or not key or key.startswith("$") or "." in key:
                found.append(Problem(here, "bad_key"))
            found += storable_keys(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += storable_keys(item, join_path(path, index))
    return found


def _top_names(fields: list[Field]) -> list[str]:
    return [f["name"] for f in data_fields(fields) if isinstance(f, dict) and isinstance(f.get("name"), str)]


def _check_fields(
    fields: list[Any], base: str, form_names: set[str], nested: bool = False, in_row: bool = False
) -> list[Problem]:
    """Problems of a list of fields: the form's, a section's (`nested`) or a group row's (`in_row`)."""
    problems: list[Problem] = []
    for index, spec in enumerate(fields):
        path = join_path(base, index)
        if not isinstance(spec, dict) or spec.get("type") not in REGISTRY:
            problems.append(Problem(join_path(path, "type"), "unknown_type", {"type": str(spec)[:40]}))
            continue
        problems += [
            Problem(join_path(path, p.path), p.code, p.params)
            for p in jsonschema_problems(_TYPE_VALIDATORS[spec["type"]], spec)
        ]
        problems += _check_rules(spec, path, form_names)
        problems += _check_options(spec, path)
        problems += check_prefill(spec, path, in_row)
        if spec["type"] == "section":
            inner = join_path(path, "fields")
            problems += _check_fields(spec.get("fields") or [], inner, form_names, nested=True, in_row=in_row)
        elif spec["type"] == "group":
            row_names = form_names | set(_top_names(spec.get("fields") or []))
            problems += _check_fields(spec.get("fields") or [], join_path(path, "fields"), row_names, in_row=True)
        elif spec["type"] == "grid":
            problems += _check_grid(spec, path, form_names)
    if not nested:  # names are unique in the form, and in each group row, sections included
        problems += _duplicates_across_sections(fields, base)
    return problems


def _duplicates_across_sections(fields: list[Any], base: str) -> list[Problem]:
    """Names must be unique in the form (and in a group row) because sections share one data object."""
    first: dict[str, str] = {}
    problems = []
    for path, spec in iter_fields([f for f in fields if isinstance(f, dict)], base):
        name = spec.get("name")
        if spec.get("type") in ("section", "static") or not isinstance(name, str):
            continue
        if name in first:
            problems.append(Problem(join_path(path, "name"), "duplicate_name", {"name": name, "other": first[name]}))
        first.setdefault(name, path)
    return problems


def _check_rules(spec: Field, path: str, known: set[str]) -> list[Problem]:
    problems = []
    for key in ("visible_if", "required_if", "formula"):
        if key in spec:
            for var in sorted(rule_vars(spec[key]) - known):
                problems.append(Problem(join_path(path, key), "unknown_variable", {"name": var}))
    return problems


def _check_options(spec: Field, path: str) -> list[Problem]:
    values = [o.get("value") for o in spec.get("options") or [] if isinstance(o, dict)]
    duplicates = sorted({v for v in values if values.count(v) > 1 and isinstance(v, str)})
    return [Problem(join_path(path, "options"), "duplicate_option", {"value": v}) for v in duplicates]


def _check_grid(spec: Field, path: str, form_names: set[str]) -> list[Problem]:
    problems = []
    columns = [c for c in spec.get("columns") or [] if isinstance(c, dict)]
    names = [c.get("name") for c in columns]
    for name in sorted({n for n in names if names.count(n) > 1 and isinstance(n, str)}):
        problems.append(Problem(join_path(path, "columns"), "duplicate_name", {"name": name}))
    keys = [r.get("key") for r in spec.get("rows") or [] if isinstance(r, dict)]
    for key in sorted({k for k in keys if keys.count(k) > 1 and isinstance(k, str)}):
        problems.append(Problem(join_path(path, "rows"), "duplicate_name", {"name": key}))
    if not spec.get("addable_rows") and not keys:
        problems.append(Problem(join_path(path, "rows"), "rows_required"))
    scope = form_names | {n for n in names if isinstance(n, str)}
    for index, column in enumerate(columns):
        if column.get("type") == "calculated" and "formula" not in column:
            problems.append(Problem(join_path(path, "columns", index, "formula"), "required"))
        problems += _check_rules(column, join_path(path, "columns", index), scope)
    column_names = {n for n in names if isinstance(n, str)}
    problems += check_rule_problems(spec.get("row_checks"), join_path(path, "row_checks"), scope, column_names)
    return problems


def missing_translations(definition: dict[str, Any]) -> list[Problem]:
    """Every bilingual text of the definition lacking a language (empty counts as missing)."""
    found: list[Problem] = []
    _walk_texts(definition, "", found, top=True)
    return found


def _walk_texts(node: Any, path: str, found: list[Problem], top: bool = False) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            here = join_path(path, key)
            if (key in BILINGUAL_KEYS or (top and key in ("title", "description"))) and isinstance(value, dict):
                for lang in LANGUAGES:
                    if not str(value.get(lang) or "").strip():
                        found.append(Problem(here, "missing_translation", {"lang": lang}))
            elif key not in ("visible_if", "required_if", "formula", "rule", "meta"):
                _walk_texts(value, here, found)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _walk_texts(item, join_path(path, index), found)
