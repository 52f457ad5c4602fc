"""The rule language: JSON Logic, evaluated exactly as the vendored json-logic-js 2.0.5 does.

The browser wraps json-logic-js (formplatform/static/js/rules.js) so that division or modulo by zero
gives null and any non-finite result is null. For a rule to mean the same on both sides, this module
re-implements json-logic-js with JavaScript's own coercions (ToNumber, ToString, `==`, `<`, parseFloat)
rather than Python's: e.g. `"" == 0` is true, `cat` drops nulls, `max` of NaN is NaN, a `reduce`
initial value is itself a rule. tests/fixtures/rule_cases.json holds both sides to the same answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from form_definitions.jsvalues import (
    INDEX_PATTERN,
    UNDEFINED,
    arg_at,
    js_less,
    loose_equals,
    parse_float,
    strict_equals,
    to_number,
    to_primitive,
    to_string,
    truthy,
    utf16_units,
)

Rule = dict[str, Any] | bool | None


def _lt(data: Any, *args: Any) -> bool:
    a, b, c = arg_at(args, 0), arg_at(args, 1), arg_at(args, 2)
    return js_less(a, b) is True and (c is UNDEFINED or js_less(b, c) is True)


def _le(data: Any, *args: Any) -> bool:
    a, b, c = arg_at(args, 0), arg_at(args, 1), arg_at(args, 2)
    return js_less(b, a) is False and (c is UNDEFINED or js_less(c, b) is False)


def _plus(data: Any, *args: Any) -> float:
    total = 0.0
    for arg in args:  # one by one, as JavaScript adds (sum() may compensate rounding on newer Pythons)
        total += parse_float(arg)
    return total


def _times(data: Any, *args: Any) -> Any:
    if not args:
        raise TypeError("reduce of an empty array")  # json-logic-js throws here too
    result = args[0]
    for arg in args[1:]:
        result = parse_float(result) * parse_float(arg)
    return result


def _divide(data: Any, *args: Any) -> Any:
    divisor = to_number(arg_at(args, 1))
    return None if divisor == 0 else to_number(arg_at(args, 0)) / divisor


def _modulo(data: Any, *args: Any) -> Any:
    dividend, divisor = to_number(arg_at(args, 0)), to_number(arg_at(args, 1))
    if divisor == 0:
        return None
    if math.isinf(dividend) or math.isnan(dividend) or math.isnan(divisor):
        return math.nan
    return dividend if math.isinf(divisor) else math.fmod(dividend, divisor)


def _extreme(pick: Callable[..., float], empty: float) -> Callable[..., float]:
    def operation(data: Any, *args: Any) -> float:
        numbers = [to_number(a) for a in args]
        return math.nan if any(math.isnan(n) for n in numbers) else pick(numbers, default=empty)

    return operation


def _in(data: Any, *args: Any) -> bool:
    needle, haystack = arg_at(args, 0), arg_at(args, 1)
    if isinstance(haystack, list):
        return any(strict_equals(needle, item) for item in haystack)
    return isinstance(haystack, str) and haystack != "" and to_string(needle) in haystack


def _to_integer(value: Any) -> float:
    number = to_number(value)
    return 0 if math.isnan(number) else (number if math.isinf(number) else math.trunc(number))


def _js_substr(text: str, start: Any, length: Any) -> str:
    units = utf16_units(text)
    size = len(units) // 2
    begin = _to_integer(start)
    begin = int(min(begin, size) if begin >= 0 else max(size + begin, 0))
    count = size if length is UNDEFINED else min(max(_to_integer(length), 0), size)
    end = int(min(begin + count, size))
    return units[2 * begin : 2 * end].decode("utf-16-be", "surrogatepass") if end > begin else ""


def _substr(data: Any, *args: Any) -> str:
    text, start, length = to_string(arg_at(args, 0)), arg_at(args, 1), arg_at(args, 2)
    if js_less(length, 0) is not True:
        return _js_substr(text, start, length)
    rest = _js_substr(text, start, UNDEFINED)  # a negative length counts back from the end (PHP style)
    size = len(utf16_units(rest)) // 2
    length = to_primitive(length)
    return _js_substr(rest, 0, to_string(size) + length if isinstance(length, str) else size + to_number(length))


def _own(data: Any, prop: str) -> Any:
    if isinstance(data, dict):
        return data.get(prop, UNDEFINED)
    if isinstance(data, (list, str)):
        size = len(data) if isinstance(data, list) else len(utf16_units(data)) // 2
        if prop == "length":
            return size
        if INDEX_PATTERN.fullmatch(prop) and int(prop) < size:
            return data[int(prop)] if isinstance(data, list) else _js_substr(data, int(prop), 1)
    return UNDEFINED


def _var(data: Any, *args: Any) -> Any:
    key, default = arg_at(args, 0), arg_at(args, 1)
    not_found = None if default is UNDEFINED else default
    if key is UNDEFINED or key is None or key == "":
        return data
    for prop in to_string(key).split("."):
        if data is None or data is UNDEFINED:
            return not_found
        data = _own(data, prop)
        if data is UNDEFINED:
            return not_found
    return data


def _missing(data: Any, *args: Any) -> list[Any]:
    keys = args[0] if args and isinstance(args[0], list) else list(args)
    found = [_var(data, *key) if isinstance(key, list) else _var(data, key) for key in keys]
    return [key for key, value in zip(keys, found, strict=True) if value is None or value == ""]


def _missing_some(data: Any, *args: Any) -> list[Any]:
    need, options = arg_at(args, 0), arg_at(args, 1)
    if options is None or options is UNDEFINED:
        raise TypeError("missing_some needs a list")
    missing = _missing(data, *options) if isinstance(options, list) else _missing(data, options)
    size = len(options) if isinstance(options, list) else _own(options, "length")
    present = size - len(missing) if isinstance(size, int) else math.nan
    return [] if js_less(present, need) is False else missing


def _merge(data: Any, *args: Any) -> list[Any]:
    merged: list[Any] = []
    for arg in args:
        merged.extend(arg) if isinstance(arg, list) else merged.append(arg)
    return merged


OPERATIONS: dict[str, Callable[..., Any]] = {
    "==": lambda d, *a: loose_equals(arg_at(a, 0), arg_at(a, 1)),
    "!=": lambda d, *a: not loose_equals(arg_at(a, 0), arg_at(a, 1)),
    "===": lambda d, *a: strict_equals(arg_at(a, 0), arg_at(a, 1)),
    "!==": lambda d, *a: not strict_equals(arg_at(a, 0), arg_at(a, 1)),
    "<": _lt,
    "<=": _le,
    ">": lambda d, *a: js_less(arg_at(a, 1), arg_at(a, 0)) is True,
    ">=": lambda d, *a: js_less(arg_at(a, 0), arg_at(a, 1)) is False,
    "!!": lambda d, *a: truthy(arg_at(a, 0)),
    "!": lambda d, *a: not truthy(arg_at(a, 0)),
    "+": _plus,
    "-": lambda d, *a: -to_number(a[0] if a else UNDEFINED) if len(a) < 2 else to_number(a[0]) - to_number(a[1]),
    "*": _times,
    "/": _divide,
    "%": _modulo,
    "min": _extreme(min, math.inf),
    "max": _extreme(max, -math.inf),
    "cat": lambda d, *a: "".join("" if x is None or x is UNDEFINED else to_string(x) for x in a),
    "in": _in,
    "substr": _substr,
    "merge": _merge,
    "var": _var,
    "missing": _missing,
    "missing_some": _missing_some,
    "log": lambda d, *a: arg_at(a, 0),
}


def _if(values: list[Any], data: Any) -> Any:
    index = 0
    while index < len(values) - 1:
        if truthy(_apply(values[index], data)):
            return _apply(values[index + 1], data)
        index += 2
    return _apply(values[index], data) if index == len(values) - 1 else None


def _and(values: list[Any], data: Any) -> Any:
    current = UNDEFINED
    for value in values:
        current = _apply(value, data)
        if not truthy(current):
            break
    return current


def _or(values: list[Any], data: Any) -> Any:
    current = UNDEFINED
    for value in values:
        current = _apply(value, data)
        if truthy(current):
            break
    return current


def _items(values: list[Any], data: Any) -> list[Any] | None:
    items = _apply(arg_at(values, 0), data)
    return items if isinstance(items, list) else None


def _reduce(values: list[Any], data: Any) -> Any:
    items, logic = _items(values, data), arg_at(values, 1)
    accumulator = _apply(values[2], data) if len(values) > 2 else None
    for item in items if items is not None else []:
        accumulator = _apply(logic, {"current": item, "accumulator": accumulator})
    return accumulator


def _scan(values: list[Any], data: Any, empty: bool, stop_on: bool) -> bool:
    """all (stop on a false item), some and none (stop on a true one); `empty` for no items."""
    items, logic = _items(values, data), arg_at(values, 1)
    if not items:
        return empty
    decided = stop_on and not empty  # what all, some and none answer at the item they stop on
    for item in items:
        if truthy(_apply(logic, item)) is stop_on:
            return decided
    return not decided


SPECIAL_FORMS: dict[str, Callable[[list[Any], Any], Any]] = {
    "if": _if,
    "?:": _if,
    "and": _and,
    "or": _or,
    "filter": lambda v, d: [i for i in _items(v, d) or [] if truthy(_apply(arg_at(v, 1), i))],
    "map": lambda v, d: [_apply(arg_at(v, 1), i) for i in _items(v, d) or []],
    "reduce": _reduce,
    "all": lambda v, d: _scan(v, d, False, False),
    "some": lambda v, d: _scan(v, d, False, True),
    "none": lambda v, d: _scan(v, d, True, True),
}


def _apply(logic: Any, data: Any) -> Any:
    if isinstance(logic, list):
        return [_apply(item, data) for item in logic]
    if not isinstance(logic, dict) or len(logic) != 1:
        return logic
    op, values = next(iter(logic.items()))
    values = values if isinstance(values, list) else [values]
    if op in SPECIAL_FORMS:
        return SPECIAL_FORMS[op](values, data)
    if op not in OPERATIONS:
        raise ValueError(f"unrecognized operation {op!r}")
    return OPERATIONS[op](data, *[_apply(value, data) for value in values])


_LOGIC_ERRORS = (ArithmeticError, TypeError, ValueError, KeyError, IndexError, RecursionError)


def normalize(value: Any) -> Any:
    """Make a result portable: non-finite numbers become None, integral floats become ints."""
    if value is UNDEFINED:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def evaluate(rule: Rule, data: dict[str, Any]) -> Any:
    """Evaluate a rule against data; a rule that cannot be evaluated yields None."""
    if rule is None or isinstance(rule, bool):
        return rule
    try:
        return normalize(_apply(rule, data))
    except _LOGIC_ERRORS:
        return None


def holds(rule: Rule, data: dict[str, Any], default: bool = True) -> bool:
    """Truthiness of a rule in JSON Logic's sense; `default` when there is no rule."""
    if rule is None:
        return default
    return truthy(evaluate(rule, data))


def rule_vars(rule: Any) -> set[str]:
    """Every variable name a rule reads (the first segment of dotted paths)."""
    found: set[str] = set()
    if isinstance(rule, dict):
        for op, args in rule.items():
            if op == "var":
                name = args[0] if isinstance(args, list) and args else args
                if isinstance(name, str) and name:
                    found.add(name.split(".")[0])
            elif op in ("reduce", "map", "filter", "all", "some", "none"):
                # The item logic reads each item, not the form; the list and a reduce's initial value do.
                items = args if isinstance(args, list) else [args]
                found |= rule_vars(items[:1] + items[2:] if op == "reduce" else items[:1])
            else:
                found |= rule_vars(args)
    elif isinstance(rule, list):
        for item in rule:
            found |= rule_vars(item)
    return found


def round_to(value: Any, decimals: int | None) -> Any:
    """Round numeric results half away from zero, as the browser does."""
    if decimals is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    factor = 10**decimals
    rounded = math.floor(abs(value) * factor + 0.5) / factor
    return normalize(math.copysign(rounded, value))
