"""Cross-field checks: rules over several answers that must hold, each with a bilingual message.

A form-level `checks` list reads the form's values; a grid's `row_checks` read each row's columns
(then the form's values). A check whose variables are hidden or empty is skipped: it only judges
figures that were given (a `var` with a default, `{"var": ["x", 0]}`, never counts as empty).
The browser (static/js/form.js) applies the same rules with the same skip, so both sides agree.
"""

from __future__ import annotations

from typing import Any

from form_definitions.problems import Problem, join_path
from form_definitions.registry import BILINGUAL, RULE, Field
from form_definitions.rules import OPERATIONS, SPECIAL_FORMS, holds, rule_vars
from form_definitions.walk import data_fields

NAME_PATTERN = "^[a-z][a-z0-9_]{0,63}$"
CHECK: dict[str, Any] = {
    "type": "object",
    "required": ["name", "rule", "message"],
    "properties": {
        "name": {"type": "string", "pattern": NAME_PATTERN},
        "rule": RULE,
        "message": BILINGUAL,
        "fields": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": False,
}
CHECKS: dict[str, Any] = {"type": "array", "items": CHECK}
SCOPED = ("reduce", "map", "filter", "all", "some", "none")
EMPTY = (None, "")


def check_rule_problems(checks: Any, path: str, known: set[str], targets: set[str]) -> list[Problem]:
    """Problems of a well-shaped list of checks: names, operators, variables and attached fields."""
    if not isinstance(checks, list):
        return []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, check in enumerate(checks):
        if not isinstance(check, dict):
            continue
        here = join_path(path, index)
        name = check.get("name")
        if isinstance(name, str) and name in seen:
            problems.append(Problem(join_path(here, "name"), "duplicate_name", {"name": name}))
        seen.add(str(name))
        for operator in sorted(unknown_operators(check.get("rule"))):
            problems.append(Problem(join_path(here, "rule"), "unknown_operator", {"operator": operator}))
        for var in sorted(rule_vars(check.get("rule")) - known):
            problems.append(Problem(join_path(here, "rule"), "unknown_variable", {"name": var}))
        for target in check.get("fields") or []:
            if target not in targets:
                problems.append(Problem(join_path(here, "fields"), "unknown_field_name", {"name": str(target)}))
    return problems


def unknown_operators(rule: Any) -> set[str]:
    """Operators of a rule that the evaluator does not know (it would answer null: the check never holds)."""
    found: set[str] = set()
    if isinstance(rule, dict):
        for op, args in rule.items():
            if len(rule) != 1 or (op not in OPERATIONS and op not in SPECIAL_FORMS):
                found.add(str(op))
            found |= unknown_operators(args)
    elif isinstance(rule, list):
        for item in rule:
            found |= unknown_operators(item)
    return found


def var_paths(rule: Any) -> list[tuple[str, bool]]:
    """(dotted path, has a default) of every `var` that reads the data (not a list operation's items)."""
    found: list[tuple[str, bool]] = []
    if isinstance(rule, dict):
        for op, args in rule.items():
            items = args if isinstance(args, list) else [args]
            if op == "var":
                if items and isinstance(items[0], str) and items[0]:
                    found.append((items[0], len(items) > 1))
            elif op in SCOPED:
                found += var_paths(items[:1] + items[2:] if op == "reduce" else items[:1])
            else:
                found += var_paths(args)
    elif isinstance(rule, list):
        for item in rule:
            found += var_paths(item)
    return found


def _lookup(scope: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(scope, dict):
            scope = scope.get(part)
        elif isinstance(scope, list) and part.isdigit() and int(part) < len(scope):
            scope = scope[int(part)]
        else:
            return None
    return scope


def applies(rule: Any, scope: dict[str, Any]) -> bool:
    """Whether a check judges these values: none of its defaultless variables is hidden or empty."""
    return all(has_default or _lookup(scope, path) not in EMPTY for path, has_default in var_paths(rule))


def _reads_broken(rule: Any, where: str, broken: frozenset[str]) -> bool:
    return any(path in broken or join_path(where, path) in broken for path, _ in var_paths(rule))


def _failures(
    checks: Any, scope: dict[str, Any], where: str, row_level: bool, broken: frozenset[str] = frozenset()
) -> list[Problem]:
    problems = []
    for check in checks if isinstance(checks, list) else []:
        if not isinstance(check, dict) or not applies(check.get("rule"), scope):
            continue
        if broken and _reads_broken(check.get("rule"), where, broken):
            continue
        if holds(check.get("rule"), scope):
            continue
        params = {"check": check.get("name"), "message": check.get("message") or {}}
        targets = [] if row_level else [t for t in check.get("fields") or [] if isinstance(t, str)]
        for target in targets or [""]:
            problems.append(Problem(join_path(where, target), "check_failed", params))
    return problems


def failed_checks(
    definition: dict[str, Any], values: dict[str, Any], broken: frozenset[str] = frozenset()
) -> list[Problem]:
    """Problems of every check that fails on these (computed, pruned) values, in the form and in grid rows.

    A check reading a value in `broken` (paths whose value is already refused, e.g. text in a number cell) is
    not judged: the value's own problem says what is wrong."""
    problems = _failures(definition.get("checks"), values, "", row_level=False, broken=broken)
    for spec in data_fields(definition.get("fields") or []):
        if spec.get("type") == "grid" and spec.get("row_checks"):
            problems += _row_failures(spec, values, broken)
    return problems


def _row_failures(spec: Field, values: dict[str, Any], broken: frozenset[str]) -> list[Problem]:
    value = values.get(spec.get("name", ""))
    if isinstance(value, dict):
        rows = [(k, r) for k, r in value.items() if isinstance(r, dict)]
    elif isinstance(value, list):
        rows = [(str(i), r) for i, r in enumerate(value) if isinstance(r, dict)]
    else:
        return []
    problems = []
    for key, row in rows:
        where = join_path(spec["name"], key)
        problems += _failures(spec["row_checks"], {**values, **row}, where, row_level=True, broken=broken)
    return problems


def checks_diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[tuple[str, str, bool, list[str]]]:
    """(kind, name, breaking, reasons) per form-level check that differs; a new or changed rule may refuse
    answers accepted before (breaking); a removed check or a new message refuses nothing more."""
    before = _by_name((old or {}).get("checks"))
    after = _by_name(new.get("checks"))
    changes: list[tuple[str, str, bool, list[str]]] = []
    for name, check in after.items():
        if name not in before:
            changes.append(("added", name, old is not None, ["check_added"]))
            continue
        reasons = [
            f"check_{key}_changed" for key in ("rule", "message", "fields") if before[name].get(key) != check.get(key)
        ]
        if reasons:
            changes.append(("changed", name, "check_rule_changed" in reasons, reasons))
    changes += [("removed", name, False, ["check_removed"]) for name in before if name not in after]
    return changes


def _by_name(checks: Any) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in checks or [] if isinstance(c, dict) and isinstance(c.get("name"), str)}


def row_checks_loosened(old: Any, new: Any) -> bool:
    """A grid's row checks refuse nothing more when every new rule was already there."""
    old_rules = [c.get("rule") for c in old or [] if isinstance(c, dict)]
    return all(isinstance(c, dict) and c.get("rule") in old_rules for c in new or [])
