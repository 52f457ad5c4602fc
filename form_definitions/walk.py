"""Walking the field tree of a definition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Field = dict[str, Any]
CONTAINERS = ("section",)


def _children(field: Field) -> list[Field]:
    """A section's fields; anything else there (a malformed draft) is left to the definition checks to report."""
    children = field.get("fields")
    return children if isinstance(children, list) else []


def iter_fields(fields: list[Field], path: str = "fields") -> Iterator[tuple[str, Field]]:
    """Yield (definition path, field) for every field, depth first, sections included."""
    for index, field in enumerate(fields):
        if not isinstance(field, dict):
            continue
        here = f"{path}.{index}"
        yield here, field
        if field.get("type") in CONTAINERS:
            yield from iter_fields(_children(field), f"{here}.fields")


def data_fields(fields: list[Field]) -> Iterator[Field]:
    """Yield top-level data-bearing fields (sections flattened; groups and grids as one field)."""
    for field in fields:
        if not isinstance(field, dict):
            continue
        if field.get("type") in CONTAINERS:
            yield from data_fields(_children(field))
        elif field.get("type") != "static":
            yield field


def field_index(definition: dict[str, Any]) -> dict[str, Field]:
    """Map top-level data field names to their field."""
    return {f["name"]: f for f in data_fields(definition.get("fields") or []) if "name" in f}
