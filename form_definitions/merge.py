"""Merging fields across versions by concept, for exports and analytics spanning versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from form_definitions.walk import data_fields

Definition = dict[str, Any]


@dataclass
class MergedField:
    """One column of a cross-version view: a concept and how each version names it."""

    concept: str
    type: str
    label: dict[str, str]
    names: dict[int, str] = field(default_factory=dict)  # version number -> field name
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # value -> label, newest wins
    spec: dict[str, Any] = field(default_factory=dict)  # the newest version's field

    def name_in(self, version: int) -> str | None:
        return self.names.get(version)


def merge_fields(versions: dict[int, Definition]) -> list[MergedField]:
    """Merge data fields of several versions by concept.

    Order follows the newest version; fields only older versions had follow in the order of the
    newest version that had them. Labels and choice labels come from the newest version having them.
    """
    merged: dict[str, MergedField] = {}
    order: list[str] = []
    for number in sorted(versions, reverse=True):
        for spec in data_fields(versions[number].get("fields") or []):
            concept = spec.get("concept") or spec["name"]
            entry = merged.get(concept)
            if entry is None:
                entry = merged[concept] = MergedField(concept, spec["type"], dict(spec.get("label") or {}), spec=spec)
                order.append(concept)
            entry.names[number] = spec["name"]
            for option in spec.get("options") or []:
                entry.options.setdefault(option["value"], dict(option.get("label") or {}))
    return [merged[c] for c in order]
