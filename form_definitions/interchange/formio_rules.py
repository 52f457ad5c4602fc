"""Form.io conditions -> JSON Logic visibility rules, and Form.io HTML content -> plain text."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from form_definitions.interchange.common import snake_name, valid_name

Rule = Any
OPERATORS = {
    "isEqual": "==",
    "isNotEqual": "!=",
    "greaterThan": ">",
    "lessThan": "<",
    "greaterThanOrEqual": ">=",
    "lessThanOrEqual": "<=",
}
PLAIN_TAGS = {"p", "br"}


class ConditionError(ValueError):
    """A Form.io condition that has no JSON Logic equivalent here."""


def field_name(key: str) -> str:
    """Our name for a Form.io key: itself when valid, else its snake_case form."""
    return key if valid_name(key) else snake_name(key)


def visibility(conditional: Any, types: dict[str, str]) -> Rule | None:
    """The visible_if rule of a Form.io `conditional` (simple, new-style or JSON); `types` maps keys to types."""
    if not isinstance(conditional, dict):
        return None
    if conditional.get("json"):
        return json_rule(conditional["json"])
    show = conditional.get("show") in (True, "true")
    if conditional.get("when"):
        rule = _equals(str(conditional["when"]), conditional.get("eq", ""), types)
    elif conditional.get("conditions"):
        rule = _conditions(conditional["conditions"], conditional.get("conjunction", "all"), types)
    else:
        return None
    return rule if show else _negate(rule)


def _var(key: str) -> dict[str, str]:
    # Newer Form.io writes paths such as "panel.field"; our rules name fields directly.
    return {"var": field_name(key.split(".")[-1])}


def _equals(key: str, value: Any, types: dict[str, str]) -> Rule:
    kind = types.get(key.split(".")[-1])
    if kind == "selectboxes":
        return {"in": [str(value), _var(key)]}
    if kind == "checkbox":
        return {"==": [_var(key), value in (True, "true")]}
    return {"==": [_var(key), value]}


def _negate(rule: Rule) -> Rule:
    if isinstance(rule, dict) and "==" in rule:
        return {"!=": rule["=="]}
    return {"!": rule}


def _conditions(conditions: Any, conjunction: Any, types: dict[str, str]) -> Rule:
    rules = []
    for condition in conditions if isinstance(conditions, list) else []:
        if not isinstance(condition, dict) or not condition.get("component"):
            raise ConditionError("condition without a component")
        key, operator = str(condition["component"]), condition.get("operator")
        if operator == "isEqual":
            rules.append(_equals(key, condition.get("value"), types))
        elif operator in OPERATORS:
            rules.append({OPERATORS[operator]: [_var(key), condition.get("value")]})
        elif operator in ("isEmpty", "isNotEmpty"):
            rules.append({"!" if operator == "isEmpty" else "!!": _var(key)})
        else:
            raise ConditionError(str(operator))
    if not rules:
        raise ConditionError("no conditions")
    return rules[0] if len(rules) == 1 else {"or" if conjunction == "any" else "and": rules}


def json_rule(rule: Rule) -> Rule:
    """Form.io's own JSON Logic, with `data.x` / `row.x` variables renamed to our field names."""
    if isinstance(rule, list):
        return [json_rule(item) for item in rule]
    if not isinstance(rule, dict):
        return rule
    if set(rule) == {"var"}:
        args = rule["var"] if isinstance(rule["var"], list) else [rule["var"]]
        path = str(args[0]) if args else ""
        scope, _, rest = path.partition(".")
        if scope not in ("data", "row") or not rest:
            raise ConditionError(path)
        name = ".".join([field_name(rest.split(".")[0])] + rest.split(".")[1:])
        return {"var": name if len(args) == 1 else [name, *args[1:]]}
    return {op: json_rule(args) for op, args in rule.items()}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in ("br", "p", "li", "div", "h1", "h2", "h3", "h4", "tr") and self.parts:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> tuple[str, bool]:
    """Plain text of an HTML fragment, and whether markup beyond paragraphs and line breaks was dropped."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line), bool(parser.tags - PLAIN_TAGS)
