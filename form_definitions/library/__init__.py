"""The built-in form definitions, shipped as JSON: `<key>/v1.json`, `v2.json`, … in version order.

Pure: reads package data through importlib.resources, touches no database. Seeding them into the
store (and publishing each version in order) is the platform's job. See README.md in this folder.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from importlib import resources
from typing import Any

Definition = dict[str, Any]

LIBRARY_KEYS: tuple[str, ...] = ("dossier-satisfaction", "cchc-report", "kpi-monthly", "par-self-assessment")

_VERSION_FILE = re.compile(r"^v([1-9][0-9]*)\.json$")


def _version_files(key: str) -> list[tuple[int, Any]]:
    folder = resources.files(__package__).joinpath(key)
    found = []
    for entry in folder.iterdir():
        match = _VERSION_FILE.match(entry.name)
        if match and entry.is_file():
            found.append((int(match.group(1)), entry))
    numbers = sorted(n for n, _ in found)
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"library form {key!r}: versions must be v1.json, v2.json, … without gaps, found {numbers}")
    return sorted(found, key=lambda item: item[0])


@cache
def _load() -> dict[str, tuple[Definition, ...]]:
    library: dict[str, tuple[Definition, ...]] = {}
    for key in LIBRARY_KEYS:
        versions = []
        for number, entry in _version_files(key):
            definition = json.loads(entry.read_text(encoding="utf-8"))
            if definition.get("key") != key:
                raise ValueError(f"library form {key!r} v{number}: key is {definition.get('key')!r}")
            versions.append(definition)
        library[key] = tuple(versions)
    return library


def library_versions() -> dict[str, list[Definition]]:
    """Every built-in form: key -> its version definitions in order (v1 first). Fresh copies each call."""
    return {key: [copy.deepcopy(d) for d in versions] for key, versions in _load().items()}


def library_definition(key: str, version: int | None = None) -> Definition:
    """One built-in definition: the given version number (1-based), or the latest. KeyError if unknown."""
    versions = _load()[key]
    if version is None:
        return copy.deepcopy(versions[-1])
    if not 1 <= version <= len(versions):
        raise KeyError(f"{key} v{version}")
    return copy.deepcopy(versions[version - 1])


__all__ = ["LIBRARY_KEYS", "library_definition", "library_versions"]
