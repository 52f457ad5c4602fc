"""The rule language: JSON Logic, evaluated exactly as the vendored json-logic-js 2.0.5 does.

The browser wraps json-logic-js (formplatform/static/js/rules.js) so that division or modulo by zero
gives null and any non-finite result is null. For a rule to mean the same on both sides, this module
re-implements json-logic-js with JavaScript's own coercions (ToNumber, ToString, `==`, `<`, parseFloat)
rather than Python's: e.g. `"" == 0` is true, `cat` drops nulls, `max` of NaN is NaN, a `reduce`
initial value is itself a rule. tests/fixtures/rule_cases.json holds both sides to the same answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

Rule = dict[str, Any] | bool | None


class _Undefined:
    """JavaScript's `undefined`: an argument that was not given (never leaves `evaluate`)."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
_DECIMAL = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity)")
_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_INDEX = re.compile(r"0|[1-9][0-9]*")


def _arg(args: tuple[Any, ...] | list[Any], index: int) -> Any:
    return args[index] if index < len(args) else UNDEFINED


def _units(text: str) -> bytes:
    """A string as UTF-16 code units, which is how JavaScript indexes and compares strings."""
    return text.encode("utf-16-be", "surrogatepass")


def _js_type(value: Any) -> str:
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "string" if isinstance(value, str) else "object"


def to_number(value: Any) -> float:
    """JavaScript's ToNumber."""
    if value is None or isinstance(value, (bool, int, float)):
        return float(value or 0)
    if isinstance(value, list):
        value = to_string(value)
    if not isinstance(value, str):
        return math.nan
    text = value.strip(_JS_SPACE)
    if not text:
        return 0.0
    if _DECIMAL.fullmatch(text):
        return float(text.replace("Infinity", "inf"))
    if _RADIX.fullmatch(text):
        return float(int(text[2:], {"x": 16, "o": 8, "b": 2}[text[1].lower()]))
    return math.nan


def parse_float(value: Any) -> float:
    """JavaScript's parseFloat, which json-logic-js applies to the operands of + and *."""
    match = _DECIMAL.match(to_string(value).lstrip(_JS_SPACE))
    return float(match.group(0).replace("Infinity", "inf")) if match else math.nan


def _number_to_string(number: float) -> str:
    if math.isnan(number) or math.isinf(number):
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    if number == 0:
        return "0"
    mantissa, _, exp = repr(abs(number)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) + int(exp or 0) - (len(whole + fraction) - len(digits))
    digits = digits.rstrip("0")
    size = len(digits)
    if size <= point <= 21:
        text = digits + "0" * (point - size)
    elif 0 < point <= 21:
        text = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        tail = f".{digits[1:]}" if size > 1 else ""
        text = f"{digits[0]}{tail}e{'+' if point > 0 else '-'}{abs(point - 1)}"
    return ("-" if number < 0 else "") + text


def to_string(value: Any) -> str:
    """JavaScript's ToString (array items that are null or undefined join as "")."""
    if isinstance(value, str):
        return value
    if value is None or value is UNDEFINED or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}.get(value, "undefined")
    if isinstance(value, (int, float)):
        return _number_to_string(float(value))
    if isinstance(value, list):
        return ",".join("" if v is None or v is UNDEFINED else to_string(v) for v in value)
    return "[object Object]"


def _primitive(value: Any) -> Any:
    return to_string(value) if isinstance(value, (list, dict)) else value


def truthy(value: Any) -> bool:
    """JSON Logic truthiness: JavaScript's, except that an empty array is false."""
    if value is None or value is UNDEFINED:
        return False
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    return bool(value) if isinstance(value, (bool, int, str, list)) else True


def strict_equals(a: Any, b: Any) -> bool:
    """JavaScript's `===` (arrays and objects are equal only to themselves)."""
    kind = _js_type(a)
    if kind != _js_type(b):
        return False
    return a is b if kind == "object" else a == b


def loose_equals(a: Any, b: Any) -> bool:
    """JavaScript's `==`."""
    kinds = {_js_type(a), _js_type(b)}
    if len(kinds) == 1:
        return strict_equals(a, b)
    if kinds & {"null", "undefined"}:
        return kinds == {"null", "undefined"}
    if isinstance(a, bool) or isinstance(b, bool):
        return loose_equals(to_number(a) if isinstance(a, bool) else a, to_number(b) if isinstance(b, bool) else b)
    if "object" in kinds:
        return loose_equals(_primitive(a), _primitive(b))
    return to_number(a) == to_number(b)


def _less(a: Any, b: Any) -> bool | None:
    """JavaScript's abstract relational comparison; None where JavaScript gets undefined (NaN)."""
    a, b = _primitive(a), _primitive(b)
    if isinstance(a, str) and isinstance(b, str):
        return _units(a) < _units(b)
    x, y = to_number(a), to_number(b)
    return None if math.isnan(x) or math.isnan(y) else x < y


def _lt(data: Any, *args: Any) -> bool:
    a, b, c = _arg(args, 0), _arg(args, 1), _arg(args, 2)
    return _less(a, b) is True and (c is UNDEFINED or _less(b, c) is True)


def _le(data: Any, *args: Any) -> bool:
    a, b, c = _arg(args, 0), _arg(args, 1), _arg(args, 2)
    return _less(b, a) is False and (c is UNDEFINED or _less(c, b) is False)


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
    divisor = to_number(_arg(args, 1))
    return None if divisor == 0 else to_number(_arg(args, 0)) / divisor


def _modulo(data: Any, *args: Any) -> Any:
    dividend, divisor = to_number(_arg(args, 0)), to_number(_arg(args, 1))
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
    needle, haystack = _arg(args, 0), _arg(args, 1)
    if isinstance(haystack, list):
        return any(strict_equals(needle, item) for item in haystack)
    return isinstance(haystack, str) and haystack != "" and to_string(needle) in haystack


def _to_integer(value: Any) -> float:
    number = to_number(value)
    return 0 if math.isnan(number) else (number if math.isinf(number) else math.trunc(number))


def _js_substr(text: str, start: Any, length: Any) -> str:
    units = _units(text)
    size = len(units) // 2
    begin = _to_integer(start)
    begin = int(min(begin, size) if begin >= 0 else max(size + begin, 0))
    count = size if length is UNDEFINED else min(max(_to_integer(length), 0), size)
    end = int(min(begin + count, size))
    return units[2 * begin : 2 * end].decode("utf-16-be", "surrogatepass") if end > begin else ""


def _substr(data: Any, *args: Any) -> str:
    text, start, length = to_string(_arg(args, 0)), _arg(args, 1), _arg(args, 2)
    if _less(length, 0) is not True:
        return _js_substr(text, start, length)
    rest = _js_substr(text, start, UNDEFINED)  # a negative length counts back from the end (PHP style)
    size = len(_units(rest)) // 2
    length = _primitive(length)
    return _js_substr(rest, 0, to_string(size) + length if isinstance(length, str) else size + to_number(length))


def _own(data: Any, prop: str) -> Any:
    if isinstance(data, dict):
        return data.get(prop, UNDEFINED)
    if isinstance(data, (list, str)):
        size = len(data) if isinstance(data, list) else len(_units(data)) // 2
        if prop == "length":
            return size
        if _INDEX.fullmatch(prop) and int(prop) < size:
            return data[int(prop)] if isinstance(data, list) else _js_substr(data, int(prop), 1)
    return UNDEFINED


def _var(data: Any, *args: Any) -> Any:
    key, default = _arg(args, 0), _arg(args, 1)
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
    need, options = _arg(args, 0), _arg(args, 1)
    if options is None or options is UNDEFINED:
        raise TypeError("missing_some needs a list")
    missing = _missing(data, *options) if isinstance(options, list) else _missing(data, options)
    size = len(options) if isinstance(options, list) else _own(options, "length")
    present = size - len(missing) if isinstance(size, int) else math.nan
    return [] if _less(present, need) is False else missing


def _merge(data: Any, *args: Any) -> list[Any]:
    merged: list[Any] = []
    for arg in args:
        merged.extend(arg) if isinstance(arg, list) else merged.append(arg)
    return merged


OPERATIONS: dict[str, Callable[..., Any]] = {
    "==": lambda d, *a: loose_equals(_arg(a, 0), _arg(a, 1)),
    "!=": lambda d, *a: not loose_equals(_arg(a, 0), _arg(a, 1)),
    "===": lambda d, *a: strict_equals(_arg(a, 0), _arg(a, 1)),
    "!==": lambda d, *a: not strict_equals(_arg(a, 0), _arg(a, 1)),
    "<": _lt,
    "<=": _le,
    ">": lambda d, *a: _less(_arg(a, 1), _arg(a, 0)) is True,
    ">=": lambda d, *a: _less(_arg(a, 0), _arg(a, 1)) is False,
    "!!": lambda d, *a: truthy(_arg(a, 0)),
    "!": lambda d, *a: not truthy(_arg(a, 0)),
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
    "log": lambda d, *a: _arg(a, 0),
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
    items = _apply(_arg(values, 0), data)
    return items if isinstance(items, list) else None


def _reduce(values: list[Any], data: Any) -> Any:
    items, logic = _items(values, data), _arg(values, 1)
    accumulator = _apply(values[2], data) if len(values) > 2 else None
    for item in items if items is not None else []:
        accumulator = _apply(logic, {"current": item, "accumulator": accumulator})
    return accumulator


def _scan(values: list[Any], data: Any, empty: bool, stop_on: bool) -> bool:
    """all (stop on a false item), some and none (stop on a true one); `empty` for no items."""
    items, logic = _items(values, data), _arg(values, 1)
    if not items:
        return empty
    for item in items:
        if truthy(_apply(logic, item)) is stop_on:
            return not empty
    return empty if stop_on else True


SPECIAL_FORMS: dict[str, Callable[[list[Any], Any], Any]] = {
    "if": _if,
    "?:": _if,
    "and": _and,
    "or": _or,
    "filter": lambda v, d: [i for i in _items(v, d) or [] if truthy(_apply(_arg(v, 1), i))],
    "map": lambda v, d: [_apply(_arg(v, 1), i) for i in _items(v, d) or []],
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
                items = args if isinstance(args, list) else [args]
                found |= rule_vars(items[0]) if items else set()
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
