"""What every importer shares: the result type, name rules and small value helpers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from form_definitions.checks import check_definition
from form_definitions.problems import Problem
from form_definitions.registry import COMMON_KEYS, REGISTRY

Definition = dict[str, Any]
NAME_PATTERN = re.compile(COMMON_KEYS["name"]["pattern"])
LANGUAGE_NAMES = {"vi": "vi", "vietnamese": "vi", "tiếng việt": "vi", "en": "en", "english": "en"}


@dataclass
class Imported:
    """An imported definition (None when nothing usable could be read) and everything lost on the way."""

    definition: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    # Where each field came from ("fields.2.fields.0" -> "survey:14" or a Form.io component key), so problems the
    # checks find later point at what the user can find in their file, not at our internal paths.
    places: dict[str, str] = field(default_factory=dict)

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Problems about fields re-pointed at the row or component they came from (the deepest known one)."""
        return [locate(p, self.places) for p in problems]


def locate(problem: Problem, places: dict[str, str]) -> Problem:
    """One problem at its source place; unchanged when no part of its path came from the file."""
    parts = problem.path.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in places:
            place = places[prefix]
            sheet, _, row = place.partition(":")
            where = {"sheet": sheet, "row": int(row)} if row.isdigit() else {"component": place}
            return Problem(place, problem.code, {**problem.params, **where, "column": ".".join(parts[end:])})
    return problem


def field_places(fields: list[Any], sources: dict[int, str], prefix: str = "fields") -> dict[str, str]:
    """Definition path -> source place, for every field dict whose identity `sources` knows."""
    found: dict[str, str] = {}
    for index, spec in enumerate(fields):
        path = f"{prefix}.{index}"
        if id(spec) in sources:
            found[path] = sources[id(spec)]
        if isinstance(spec, dict):
            found |= field_places(spec.get("fields") or [], sources, f"{path}.fields")
            found |= field_places(spec.get("columns") or [], sources, f"{path}.columns")
    return found


def finish(definition: Definition, problems: list[Problem], places: dict[str, str] | None = None) -> Imported:
    """Add the definition's own check problems (at their source place), so an import never hides an invalid result."""
    imported = Imported(definition, problems, places or {})
    imported.problems = problems + imported.locate(check_definition(definition))
    return imported


def valid_name(name: Any) -> bool:
    """Whether a text is a usable field name in our format."""
    return isinstance(name, str) and bool(NAME_PATTERN.fullmatch(name))


def snake_name(key: str) -> str:
    """A camelCase or free-text key turned into our snake_case name (diacritics dropped)."""
    plain = unicodedata.normalize("NFKD", key.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", plain)
    plain = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", plain)
    plain = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_").lower()
    if not plain or not plain[0].isalpha():
        plain = "f_" + plain
    return plain[:64].rstrip("_")


def language_code(text: str) -> str | None:
    """'vi', 'Vietnamese (vi)', 'English', 'en-US' -> 'vi' / 'en'; any other language -> None."""
    match = re.search(r"\(([A-Za-z_-]+)\)\s*$", text)
    code = (match.group(1) if match else text).strip().lower().replace("_", "-")
    return LANGUAGE_NAMES.get(code) or LANGUAGE_NAMES.get(code.split("-")[0])


def widget_choices(type_name: str) -> tuple[str, ...] | None:
    """The widgets a type allows, or None when its widget is free text."""
    spec = REGISTRY[type_name].config.get("widget") if type_name in REGISTRY else None
    return tuple(spec["enum"]) if spec and "enum" in spec else None


def applicable_keys(type_name: str) -> set[str]:
    """Definition keys a field of this type may carry."""
    kind = REGISTRY.get(type_name)
    return set(COMMON_KEYS) | (set(kind.config) if kind else set())


def number_value(value: Any) -> int | float:
    """A cell or JSON number; integral floats become ints. Raises ValueError for anything else."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        value = int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    raise ValueError(value)


def whole_number(value: Any) -> int:
    """A cell or JSON number that must be whole. Raises ValueError otherwise."""
    number = number_value(value)
    if not isinstance(number, int):
        raise ValueError(value)
    return number
