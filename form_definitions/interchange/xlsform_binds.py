"""XLSForm bind columns (required, relevant, calculation, constraint) -> our rules and limits, or a reason why not."""

from __future__ import annotations

import re
from typing import Any

from form_definitions.interchange.common import number_value
from form_definitions.interchange.expressions import ExpressionError, rule_from_cell

TRUE_WORDS = {"yes", "true", "true()", "1"}
FALSE_WORDS = {"no", "false", "false()", "0", ""}
RELATIVE = re.compile(r"\.\./([A-Za-z_][A-Za-z0-9_]*)")
ABSOLUTE = re.compile(r"(?<![\w$}.])(/[A-Za-z_][A-Za-z0-9_.-]*)+")
DATE_CALL = re.compile(r"date\(\s*'([0-9]{4}-[0-9]{2}-[0-9]{2})'\s*\)")
COMPARISON = re.compile(r"^(\.|string-length\(\s*\.\s*\)|count-selected\(\s*\.\s*\))\s*(<=|>=|<|>)\s*(.+)$")
REGEX = re.compile(r"^regex\(\s*\.\s*,\s*(['\"])(.*)\1\s*\)$", re.DOTALL)
# What a comparison of the answer limits, per field type: (subject, operator) -> definition key.
LIMITS = {
    (".", "<="): "maximum",
    (".", ">="): "minimum",
    ("string-length(.)", "<="): "max_length",
    ("string-length(.)", ">="): "min_length",
    ("count-selected(.)", "<="): "max_items",
    ("count-selected(.)", ">="): "min_items",
}


class Untranslatable(ValueError):
    """An XLSForm expression our rule language or limits cannot hold."""


def truth(text: Any) -> bool | None:
    """yes/true()/1 -> True, no/false() -> False, an expression -> None."""
    word = str(text).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def rule(text: Any, grids: set[str]) -> Any:
    """An XLSForm expression (or our JSON rule) as a rule; paths to grid cells become `${grid.row.column}`."""
    try:
        return rule_from_cell(named_references(str(text), grids))
    except ExpressionError as error:
        raise Untranslatable(str(text)) from error


def named_references(text: str, grids: set[str]) -> str:
    """`../name` and `/data/.../name` as `${name}`; an absolute path into a grid as `${grid.row.column}`."""

    def absolute(match: re.Match[str]) -> str:
        parts = match.group(0).strip("/").split("/")
        if len(parts) >= 3 and parts[-3] in grids:
            return "${" + ".".join(parts[-3:]) + "}"
        return "${" + parts[-1] + "}" if len(parts) > 1 else match.group(0)

    if text.strip()[:1] in ("{", "["):
        return text  # our own JSON rule, written as-is
    return ABSOLUTE.sub(absolute, RELATIVE.sub(r"${\1}", text))


def constraint_limits(text: str, kind: str, allowed: set[str]) -> dict[str, Any]:
    """`. >= 0 and . <= 120`, `string-length(.) <= 50`, `regex(., '^[0-9]+$')` -> limits; Untranslatable else."""
    limits: dict[str, Any] = {}
    for part in re.split(r"\s+and\s+", text.strip()):
        part = part.strip()
        while part.startswith("(") and part.endswith(")"):
            part = part[1:-1].strip()
        key, value = _limit(part, kind)
        if key not in allowed or key in limits:
            raise Untranslatable(text)
        limits[key] = value
    return limits


def _limit(part: str, kind: str) -> tuple[str, Any]:
    found = REGEX.fullmatch(part)
    if found:
        return "pattern", found.group(2)
    found = COMPARISON.fullmatch(part)
    if not found:
        raise Untranslatable(part)
    subject, operator, bound = re.sub(r"\s+", "", found.group(1)), found.group(2), found.group(3).strip()
    date = DATE_CALL.fullmatch(bound) or re.fullmatch(r"'([0-9]{4}-[0-9]{2}-[0-9]{2})'", bound)
    if subject == "." and kind == "date" and date and operator in ("<=", ">="):
        return LIMITS[(subject, operator)], date.group(1)
    try:
        number = number_value(bound)
    except ValueError as error:
        raise Untranslatable(part) from error
    if operator in ("<", ">"):
        # A strict bound is kept only where answers are whole numbers: `. < 10` is `. <= 9`.
        if not isinstance(number, int) or (subject == "." and kind != "integer"):
            raise Untranslatable(part)
        number, operator = (number - 1, "<=") if operator == "<" else (number + 1, ">=")
    return LIMITS[(subject, operator)], number
