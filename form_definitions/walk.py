"""Walking the field tree of a definition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Field = dict[str, Any]
CONTAINERS = ("section",)


def iter_fields(fields: list[Field], path: str = "fields") -> Iterator[tuple[str, Field]]:
    """Yield (definition path, field) for every field, depth first, sections included."""
    for index, field in enumerate(fields):
        here = f"{path}.{index}"
        yield here, field
        if field.get("type") in CONTAINERS:
            yield from iter_fields(field.get("fields") or [], f"{here}.fields")


def data_fields(fields: list[Field]) -> Iterator[Field]:
    """Yield top-level data-bearing fields (sections flattened; groups and grids as one field)."""
    for field in fields:
        if field.get("type") in CONTAINERS:
            yield from data_fields(field.get("fields") or [])
        elif field.get("type") != "static":
            yield field


def field_index(definition: dict[str, Any]) -> dict[str, Field]:
    """Map top-level data field names to their field."""
    return {f["name"]: f for f in data_fields(definition.get("fields") or []) if "name" in f}
