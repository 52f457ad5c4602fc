"""The satisfaction questionnaire as data: which version is in force, its criteria and bands.

Nothing here names a criterion: criteria are the questionnaire's scored fields, identified by
concept so that versions line up; bands come from the version's `scoring.bands`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from form_definitions.registry import REGISTRY
from form_definitions.walk import data_fields
from formplatform.models import FormVersion
from formplatform.services.forms import get_form_for_filling, get_version

OVERALL_CONCEPT = "satisfaction.overall"
SATISFIED = ("very_satisfied", "satisfied")
OVERALL_VALUES = ("very_satisfied", "satisfied", "not_satisfied")


def form_key() -> str:
    return current_app.config.get("SATISFACTION_FORM", "dossier-satisfaction")


def concept_slug(concept: str) -> str:
    """A concept as a MongoDB field-name fragment (no dots)."""
    return concept.replace(".", ":")


def version_in_force(on: date) -> FormVersion:
    """The newest published version whose `meta.effective_from` is not after `on` (else the newest)."""
    form = get_form_for_filling(form_key())
    for number in range(form.latest_version, 0, -1):
        version = get_version(form.id, number, form=form)
        starts = (version.definition.get("meta") or {}).get("effective_from") or ""
        if not starts or starts <= on.isoformat():
            return version
    return get_version(form.id, form=form)


def criteria(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The scored fields in order: name, concept, slug, bilingual label and maximum points."""
    found = []
    for field in data_fields(definition.get("fields") or []):
        kind = REGISTRY.get(field.get("type", ""))
        best = kind.max_points(field) if kind is not None else None
        if best is None:
            continue
        concept = field.get("concept") or f"{definition.get('key')}.{field['name']}"
        found.append(
            {
                "name": field["name"],
                "concept": concept,
                "slug": concept_slug(concept),
                "label": field.get("label") or {},
                "max": float(best),
            }
        )
    return found


_scorings: dict[tuple[str, str], tuple[dict[str, dict[str, Any]], str | None]] = {}


def scoring_of(version: FormVersion) -> tuple[dict[str, dict[str, Any]], str | None]:
    """A published version's criteria by field name and its overall field, worked out once per process: a
    version never changes, and its content hash is part of the key (as in services/forms._frozen_version)."""
    key = (version.id, version.hash)
    found = _scorings.get(key)
    if found is None:
        definition = version.plain_definition
        found = {c["name"]: c for c in criteria(definition)}, overall_field(definition)
        if len(_scorings) >= 64:
            _scorings.clear()
        _scorings[key] = found
    return found


def overall_field(definition: dict[str, Any]) -> str | None:
    for field in data_fields(definition.get("fields") or []):
        if field.get("concept") == OVERALL_CONCEPT:
            return field["name"]
    return None


def bands(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """Classification bands, highest minimum first."""
    found = (definition.get("scoring") or {}).get("bands") or []
    return sorted(found, key=lambda band: -float(band.get("min", 0)))


def classify(total: float | None, version_bands: list[dict[str, Any]]) -> dict[str, Any] | None:
    if total is None:
        return None
    for band in version_bands:
        if total >= float(band.get("min", 0)):
            return band
    return version_bands[-1] if version_bands else None
