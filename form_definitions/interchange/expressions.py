"""JSON Logic rules <-> XLSForm expressions (`${a} = 'x' and not(selected(${m}, 'v'))`).

`rule_to_cell` writes a rule as an expression when the expression reads back as exactly the same
rule, and as its JSON text otherwise; `rule_from_cell` reads either. See XLSFORM.md for the syntax.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

Rule = Any

# Binary and n-ary operators, lowest precedence first: (expression word, JSON Logic op, level).
INFIX = {
    "or": ("or", 1),
    "and": ("and", 2),
    "=": ("==", 3),
    "!=": ("!=", 3),
    "<": ("<", 4),
    "<=": ("<=", 4),
    ">": (">", 4),
    ">=": (">=", 4),
    "+": ("+", 5),
    "-": ("-", 5),
    "*": ("*", 6),
    "div": ("/", 6),
    "mod": ("%", 6),
}
WORD_OF = {op: word for word, (op, _) in INFIX.items()}
LEVEL_OF = {op: level for _, (op, level) in INFIX.items()}
NARY = {"and", "or", "+", "*"}
UNARY_LEVEL = 7
FUNCTIONS = {"concat": "cat", "max": "max", "min": "min"}
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
TOKEN = re.compile(
    r"\s*(?:(?P<var>\$\{[^}]*\})|(?P<num>[0-9]*\.[0-9]+|[0-9]+)|(?P<str>'[^']*'|\"[^\"]*\")"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_:-]*)|(?P<op>!=|<=|>=|[=<>+\-*(),]))"
)


class ExpressionError(ValueError):
    """An expression outside the supported subset."""


def rule_to_cell(rule: Rule) -> str:
    """The cell text of a rule: an expression if it reads back exactly, else the rule's JSON."""
    text = _write(rule, 0)
    if text is not None:
        try:
            if _canonical(parse_expression(text)) == _canonical(rule):
                return text
        except ExpressionError:
            pass
    return json.dumps(rule, ensure_ascii=False)


def rule_from_cell(text: str) -> Rule:
    """A rule from a cell: JSON when it starts with { or [, an expression otherwise."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError as error:
            raise ExpressionError("json") from error
    return parse_expression(stripped)


def _canonical(rule: Rule) -> str:
    # json.dumps tells 1, 1.0 and true apart, which == does not.
    return json.dumps(rule, sort_keys=True)


# --- writing -------------------------------------------------------------------------------------


def _literal(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        return text if math.isfinite(value) and "e" not in text else None
    if isinstance(value, str):
        if "'" not in value:
            return f"'{value}'"
        return f'"{value}"' if '"' not in value else None
    return None


def _write(rule: Rule, parent_level: int) -> str | None:
    """Expression text of a rule, parenthesised as needed for a parent of the given level."""
    if not isinstance(rule, dict):
        return _literal(rule)
    if len(rule) != 1:
        return None
    op, args = next(iter(rule.items()))
    if op in LEVEL_OF and isinstance(args, list):
        return _write_infix(op, args, parent_level)
    return _write_call(op, args)


def _write_infix(op: str, args: list[Any], parent_level: int) -> str | None:
    level = LEVEL_OF[op]
    if op == "-" and len(args) == 1:
        inner = _write(args[0], UNARY_LEVEL)
        # "-5" would read back as the number -5, not as negation of 5.
        if inner is None or isinstance(args[0], (int, float)) and not isinstance(args[0], bool):
            inner = _write(args[0], 0)
            return None if inner is None else f"-({inner})"
        return f"-{inner}"
    if len(args) < 2 or (len(args) > 2 and op not in NARY):
        return None
    parts = []
    for index, arg in enumerate(args):
        same_op = isinstance(arg, dict) and op in arg and op in NARY
        # Left operands of equal level need no brackets (left-associative), except the same n-ary op.
        need = level + 1 if index > 0 or same_op else level
        part = _write(arg, need)
        if part is None:
            return None
        parts.append(part)
    text = f" {WORD_OF[op]} ".join(parts)
    return f"({text})" if level < parent_level else text


def _write_call(op: str, args: Any) -> str | None:
    if op == "var":
        return _write_var(args)
    if op == "!" and not isinstance(args, list):
        inner = _write(args, 0)
        return None if inner is None else f"not({inner})"
    if not isinstance(args, list):
        return None
    if op == "in" and len(args) == 2:
        return _call("selected", [args[1], args[0]])
    if op == "if" and len(args) == 3:
        return _call("if", args)
    names = {rule_op: word for word, rule_op in FUNCTIONS.items()}
    if op in names and args:
        return _call(names[op], args)
    return None


def _write_var(args: Any) -> str | None:
    if isinstance(args, str) and VAR_NAME.fullmatch(args):
        return "${" + args + "}"
    if isinstance(args, list) and len(args) == 2 and isinstance(args[0], str) and VAR_NAME.fullmatch(args[0]):
        default = _literal(args[1])
        return None if default is None else "coalesce(${" + args[0] + "}, " + default + ")"
    return None


def _call(name: str, args: list[Any]) -> str | None:
    parts = [_write(arg, 0) for arg in args]
    return None if any(p is None for p in parts) else f"{name}({', '.join(str(p) for p in parts)})"


# --- reading -------------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
    found, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ExpressionError(text[position:])
        kind = match.lastgroup or ""
        value = match.group(kind)
        found.append(("op", value.lower()) if kind == "word" and value.lower() in INFIX else (kind, value))
        position = match.end()
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.position] if self.position < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (value is not None and token[1] != value):
            raise ExpressionError(f"expected {value or 'a value'}")
        self.position += 1
        return token

    def binary(self, level: int) -> Rule:
        if level > 6:
            return self.unary()
        left, chain = self.binary(level + 1), None
        while self.peek()[0] == "op" and INFIX.get(self.peek()[1], ("", 0))[1] == level:
            op = INFIX[self.take()[1]][0]
            right = self.binary(level + 1)
            if op == chain and op in NARY:
                left[op].append(right)
            else:
                left, chain = {op: [left, right]}, op
        return left

    def unary(self) -> Rule:
        if self.peek() == ("op", "-"):
            self.take()
            if self.peek()[0] == "num":
                return -_number(self.take()[1])
            return {"-": [self.unary()]}
        return self.primary()

    def primary(self) -> Rule:
        kind, value = self.take()
        if kind == "var":
            return {"var": value[2:-1].strip()}
        if kind == "num":
            return _number(value)
        if kind == "str":
            return value[1:-1]
        if (kind, value) == ("op", "("):
            inner = self.binary(1)
            self.take(")")
            return inner
        if kind == "word" and self.peek() == ("op", "("):
            self.take("(")
            return _function(value.lower(), self.arguments())
        raise ExpressionError(value)

    def arguments(self) -> list[Rule]:
        args: list[Rule] = []
        while self.peek() != ("op", ")"):
            args.append(self.binary(1))
            if self.peek() != ("op", ")"):
                self.take(",")
        self.take(")")
        return args


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _function(name: str, args: list[Rule]) -> Rule:
    if name in ("true", "false") and not args:
        return name == "true"
    if name == "not" and len(args) == 1:
        return {"!": args[0]}
    if name == "selected" and len(args) == 2:
        return {"in": [args[1], args[0]]}
    if name == "if" and len(args) == 3:
        return {"if": args}
    if name == "coalesce" and len(args) == 2 and _plain_var(args[0]) and not isinstance(args[1], (dict, list)):
        return {"var": [args[0]["var"], args[1]]}
    if name in FUNCTIONS and args:
        return {FUNCTIONS[name]: args}
    raise ExpressionError(name)


def _plain_var(rule: Rule) -> bool:
    return isinstance(rule, dict) and set(rule) == {"var"} and isinstance(rule["var"], str)


def parse_expression(text: str) -> Rule:
    """The JSON Logic rule of an XLSForm expression; ExpressionError outside the supported subset."""
    parser = _Parser(text)
    if not parser.tokens:
        raise ExpressionError("empty")
    rule = parser.binary(1)
    if parser.peek()[0] != "end":
        raise ExpressionError(parser.peek()[1])
    return rule
