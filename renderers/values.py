"""Turning submission values into text: numbers, dates, option labels, files (no HTML here)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from form_definitions.prefill import plain_number
from i18n.text import localize

Gettext = Callable[[str], str]
_SWAP_SEPARATORS = str.maketrans(",.", ".,")
MAX_PLACES = 6  # the browser formats with the same limit (form.js formatNumber)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def format_number(value: Any, locale: str, decimals: int | None = None) -> str:
    """Group thousands and pick the decimal mark of the locale: vi 1.234,5 · en 1,234.5."""
    if not is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        return "" if value is None else str(value)
    places = MAX_PLACES if decimals is None else decimals
    text = f"{value:,.{places}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never show "-0"
    return text.translate(_SWAP_SEPARATORS) if locale == "vi" else text


def plain_text(value: Any) -> str:
    """A year, code or id: its digits as written, no thousands separators in any language."""
    return input_text(value)


def input_text(value: Any) -> str:
    """A value as the text of an input box: numbers plain (no grouping) so they read back unchanged."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def format_date(value: Any, locale: str) -> str:
    """ISO dates as dd/mm/yyyy in Vietnamese; other text is shown as it is."""
    text = str(value)
    if locale == "vi" and len(text) == 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text


def format_size(size: Any, locale: str) -> str:
    if not is_number(size):
        return ""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{format_number(round(size / factor, 1), locale)} {unit}"
    return f"{format_number(size, locale)} B"


def option_label(field: dict[str, Any], value: Any, locale: str) -> str:
    """The label of a chosen option in the locale; an unknown value is shown as it is."""
    for option in field.get("options") or []:
        if option.get("value") == value:
            return localize(option.get("label"), locale)
    return "" if value is None else str(value)


def _file_text(value: Any, locale: str) -> str:
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    size = format_size(value.get("size"), locale)
    return f"{value.get('name', '')} ({size})" if size else str(value.get("name", ""))


def render_value(field: dict[str, Any], value: Any, locale: str, gettext: Gettext = lambda s: s) -> str:
    """Plain text of one scalar answer (with its unit) for lists, views and exports; '' when empty."""
    kind = field.get("type")
    if value is None or value == "" or value == []:
        return ""
    if kind in ("choice", "scored_choice"):
        return option_label(field, value, locale)
    if kind == "multi_choice":
        values = value if isinstance(value, list) else [value]
        return ", ".join(option_label(field, v, locale) for v in values)
    if kind == "yes_no":
        return gettext("Yes") if value is True else gettext("No") if value is False else str(value)
    if kind == "date":
        return format_date(value, locale)
    if kind == "file":
        return _file_text(value, locale)
    if kind in ("group", "grid"):
        return ""
    if is_number(value):
        text = plain_text(value) if plain_number(field) else format_number(value, locale, field.get("decimals"))
        unit = localize(field.get("unit"), locale)
        return f"{text} {unit}" if unit else text
    return str(value)
