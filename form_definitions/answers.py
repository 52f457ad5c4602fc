"""Checking submitted answers against a published version: rules, schema, required, score."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from form_definitions.composite import NUMERIC_COLUMN_TYPES
from form_definitions.crosschecks import failed_checks
from form_definitions.problems import Problem, join_path
from form_definitions.registry import REGISTRY, Field
from form_definitions.rules import evaluate, holds, round_to
from form_definitions.schema import build_schema, jsonschema_problems

Data = dict[str, Any]


@dataclass
class Outcome:
    """The result of checking answers: cleaned data, problems, score and grid totals."""

    data: Data
    problems: list[Problem]
    score: dict[str, Any] | None
    totals: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def compute(definition: dict[str, Any], data: Data) -> tuple[Data, dict[str, Any]]:
    """Fill calculated fields and grid columns of a copy of `data`; return (copy, grid totals by path)."""
    result = copy.deepcopy(data)
    totals: dict[str, Any] = {}
    for _ in range(2):  # a second pass lets a formula read another formula defined after it
        _compute_fields(definition.get("fields") or [], result, result, totals, "")
    return result, totals


def _compute_fields(fields: list[Field], values: Data, scope: Data, totals: dict[str, Any], base: str) -> None:
    for spec in fields:
        kind = spec.get("type")
        # Any, not Any | None: sections have no name, but checked calculated, group and grid fields always do.
        name: Any = spec.get("name")
        if kind == "section":
            _compute_fields(spec.get("fields") or [], values, scope, totals, base)
        elif kind == "calculated":
            values[name] = round_to(evaluate(spec.get("formula"), scope), spec.get("decimals"))
        elif kind == "group" and isinstance(values.get(name), list):
            for index, row in enumerate(values[name]):
                if isinstance(row, dict):
                    where = join_path(base, name, index)
                    _compute_fields(spec.get("fields") or [], row, {**scope, **row}, totals, where)
        elif kind == "grid" and values.get(name) is not None:
            totals[join_path(base, name)] = _compute_grid(spec, values[name], scope)


def grid_rows(value: Any) -> list[tuple[str, Data]]:
    """(key, row) pairs of a grid value: row keys of fixed grids, list indices of addable ones."""
    if isinstance(value, dict):
        return [(k, r) for k, r in value.items() if isinstance(r, dict)]
    if isinstance(value, list):
        return [(str(i), r) for i, r in enumerate(value) if isinstance(r, dict)]
    return []


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def grid_totals(spec: Field, value: Any) -> dict[str, Any]:
    """Column totals (columns with `total`) and row totals (when `row_total`) of a grid value."""
    columns = [c for c in spec.get("columns") or [] if isinstance(c, dict)]
    column_totals: dict[str, Any] = {c["name"]: None for c in columns if c.get("total")}
    row_totals: dict[str, Any] = {}
    counted = row_total_columns(columns)
    for key, row in grid_rows(value):
        numbers = [_number(row.get(name)) for name in counted]
        if spec.get("row_total"):
            row_totals[key] = round_to(sum(n for n in numbers if n is not None), 6)
        for name in column_totals:
            cell = _number(row.get(name))
            if cell is not None:
                column_totals[name] = round_to((column_totals[name] or 0) + cell, 6)
    return {"columns": column_totals, "rows": row_totals}


def row_total_columns(columns: list[Field]) -> list[str]:
    """Columns a row total adds: those marked `in_row_total`, or (none marked: older definitions) all number columns."""
    numeric = [c for c in columns if c.get("type") in NUMERIC_COLUMN_TYPES]
    chosen = [c for c in numeric if c.get("in_row_total")]
    return [c["name"] for c in chosen or numeric]


def _compute_grid(spec: Field, value: Any, scope: Data) -> dict[str, Any]:
    """Fill each row's calculated columns, then total the grid."""
    for _key, row in grid_rows(value):
        for column in spec.get("columns") or []:
            if column["type"] == "calculated":
                result = evaluate(column.get("formula"), {**scope, **row})
                row[column["name"]] = round_to(result, column.get("decimals"))
    return grid_totals(spec, value)


def _prune(fields: list[Field], values: Data, scope: Data, base: str, problems: list[Problem], role: str) -> None:
    """Drop hidden values, flag required ones that are empty and reviewer-only values from fillers."""
    for spec in fields:
        # Any, not Any | None: a checked definition gives every field a registered type.
        kind: Any = spec.get("type")
        name = spec.get("name")
        visible = holds(spec.get("visible_if"), scope)
        if kind == "section":
            if visible:
                _prune(spec.get("fields") or [], values, scope, base, problems, role)
            else:
                for child in _data_names(spec.get("fields") or []):
                    values.pop(child, None)
            continue
        if kind == "static" or not name:
            continue
        path = join_path(base, name)
        if not visible:
            values.pop(name, None)
            continue
        if spec.get("fill_by") == "reviewer" and role != "reviewer":
            if values.get(name) is not None:
                problems.append(Problem(path, "reviewer_only"))
            values.pop(name, None)
            continue
        required = spec.get("required", False) or holds(spec.get("required_if"), scope, default=False)
        if required and kind != "calculated" and REGISTRY[kind].empty(values.get(name)):
            problems.append(Problem(path, "required"))
        if kind == "group" and isinstance(values.get(name), list):
            for index, row in enumerate(values[name]):
                if isinstance(row, dict):
                    _prune(spec.get("fields") or [], row, {**scope, **row}, join_path(path, index), problems, role)


def _data_names(fields: list[Field]) -> list[str]:
    from form_definitions.walk import data_fields

    return [f["name"] for f in data_fields(fields) if "name" in f]


def _drop_empty(values: Data) -> Data:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def score_of(definition: dict[str, Any], data: Data) -> dict[str, Any] | None:
    """Score of visible scored fields: total, max, per field and the band, or None if unscored."""
    from form_definitions.walk import data_fields

    per_field: dict[str, float] = {}
    total = maximum = 0.0
    for spec in data_fields(definition.get("fields") or []):
        kind = REGISTRY[spec["type"]]
        best = kind.max_points(spec)
        if best is None or spec["name"] not in data:
            if best is not None and spec.get("required") and not spec.get("visible_if"):
                maximum += best
            continue
        points = kind.points(spec, data[spec["name"]]) or 0.0
        per_field[spec["name"]] = points
        total += points
        maximum += best
    if maximum == 0 and not per_field:
        return None
    band = None
    for candidate in (definition.get("scoring") or {}).get("bands") or []:
        if total >= candidate["min"]:
            band = candidate.get("key") or candidate["label"].get("en")
            break
    return {"total": round_to(total, 6), "max": round_to(maximum, 6), "fields": per_field, "band": band}


def check_answers(definition: dict[str, Any], data: Any, *, role: str = "filler") -> Outcome:
    """Validate answers against a definition; on success `data` is what gets stored."""
    if not isinstance(data, dict):
        return Outcome({}, [Problem("", "type", {"expected": "object"})], None)
    values = _drop_empty(data)
    values, totals = compute(definition, values)
    problems: list[Problem] = []
    _prune(definition.get("fields") or [], values, values, "", problems, role)
    values = {k: v for k, v in values.items() if v is not None}
    validator = Draft202012Validator(build_schema(definition), format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems.extend(jsonschema_problems(validator, values))
    problems.extend(_date_limits(definition.get("fields") or [], values, ""))
    refused = frozenset(p.path for p in problems)  # a check does not judge a value already refused
    problems.extend(failed_checks(definition, values, refused))
    problems = _dedupe(problems)
    if problems:
        return Outcome(values, problems, None, totals)
    return Outcome(values, [], score_of(definition, values), totals)


def _date_limits(fields: list[Field], values: Data, base: str) -> list[Problem]:
    """Dates outside their limits, in group rows too (JSON Schema has no keyword for date limits)."""
    from form_definitions.walk import data_fields

    found = []
    for spec in data_fields(fields):
        name = spec.get("name", "")
        value = values.get(name)
        if spec.get("type") == "group" and isinstance(value, list):
            for index, row in enumerate(value):
                if isinstance(row, dict):
                    found += _date_limits(spec.get("fields") or [], row, join_path(base, name, index))
        if spec.get("type") != "date" or not isinstance(value, str):
            continue
        if "minimum" in spec and value < spec["minimum"]:
            found.append(Problem(join_path(base, name), "date_too_early", {"limit": spec["minimum"]}))
        if "maximum" in spec and value > spec["maximum"]:
            found.append(Problem(join_path(base, name), "date_too_late", {"limit": spec["maximum"]}))
    return found


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for problem in problems:
        key = (
            problem.path,
            problem.code,
            str(problem.params.get("check", "")),
        )  # two checks on one field are two problems
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique
