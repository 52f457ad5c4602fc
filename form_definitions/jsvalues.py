"""JavaScript's value semantics (ToNumber, ToString, ==, ===, <, parseFloat, truthiness) in Python,
so that rules mean the same on the server as in json-logic-js in the browser."""

from __future__ import annotations

import math
import re
from typing import Any


class _Undefined:
    """JavaScript's `undefined`: an argument that was not given (never leaves `evaluate`)."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(map(chr, range(0x2000, 0x200B)))
_DECIMAL = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|Infinity)")
_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
INDEX_PATTERN = re.compile(r"0|[1-9][0-9]*")


def arg_at(args: tuple[Any, ...] | list[Any], index: int) -> Any:
    return args[index] if index < len(args) else UNDEFINED


def utf16_units(text: str) -> bytes:
    """A string as UTF-16 code units, which is how JavaScript indexes and compares strings."""
    return text.encode("utf-16-be", "surrogatepass")


def js_type(value: Any) -> str:
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


def number_to_string(number: float) -> str:
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
        return number_to_string(float(value))
    if isinstance(value, list):
        return ",".join("" if v is None or v is UNDEFINED else to_string(v) for v in value)
    return "[object Object]"


def to_primitive(value: Any) -> Any:
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
    kind = js_type(a)
    if kind != js_type(b):
        return False
    return a is b if kind == "object" else a == b


def loose_equals(a: Any, b: Any) -> bool:
    """JavaScript's `==`."""
    kinds = {js_type(a), js_type(b)}
    if len(kinds) == 1:
        return strict_equals(a, b)
    if kinds & {"null", "undefined"}:
        return kinds == {"null", "undefined"}
    if isinstance(a, bool) or isinstance(b, bool):
        return loose_equals(to_number(a) if isinstance(a, bool) else a, to_number(b) if isinstance(b, bool) else b)
    if "object" in kinds:
        return loose_equals(to_primitive(a), to_primitive(b))
    return to_number(a) == to_number(b)


def js_less(a: Any, b: Any) -> bool | None:
    """JavaScript's abstract relational comparison; None where JavaScript gets undefined (NaN)."""
    a, b = to_primitive(a), to_primitive(b)
    if isinstance(a, str) and isinstance(b, str):
        return utf16_units(a) < utf16_units(b)
    x, y = to_number(a), to_number(b)
    return None if math.isnan(x) or math.isnan(y) else x < y
