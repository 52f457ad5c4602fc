"""Versions: content hashes, concept carry-over, the publish diff and format upgrades."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from form_definitions import SCHEMA_VERSION
from form_definitions.crosschecks import checks_diff, row_checks_loosened
from form_definitions.registry import REGISTRY, Field
from form_definitions.walk import data_fields

Definition = dict[str, Any]
PRESENTATION_KEYS = {"label", "help", "widget", "content", "min_label", "max_label", "row_total", "concept"}


def content_hash(definition: Definition) -> str:
    """SHA-256 of the canonical JSON of a definition (sorted keys, no whitespace, UTF-8)."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upgrade(definition: Definition) -> Definition:
    """Bring a definition of an older format up to SCHEMA_VERSION through pure steps."""
    current = copy.deepcopy(definition)
    version = current.get("schema_version", SCHEMA_VERSION)
    while version < SCHEMA_VERSION:
        current = UPGRADES[version](current)
        version = current["schema_version"]
    return current


# schema_version n -> function producing n + 1; empty while format 1 is the only one.
UPGRADES: dict[int, Any] = {}


@dataclass
class Change:
    """One field-level difference between two versions."""

    kind: str  # added | removed | changed
    name: str
    concept: str
    breaking: bool
    reasons: list[str] = field(default_factory=list)
    concept_status: str = "kept"  # kept | new
    old_name: str | None = None


@dataclass
class Diff:
    """The difference between a published version and the next one."""

    changes: list[Change]

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.changes)

    def as_dict(self) -> dict[str, Any]:
        return {"breaking": self.breaking, "changes": [asdict(c) for c in self.changes]}


def _by_concept(definition: Definition | None) -> dict[str, Field]:
    if not definition:
        return {}
    return {f.get("concept") or f["name"]: f for f in data_fields(definition.get("fields") or [])}


def _options(spec: Field) -> dict[str, Any]:
    return {o["value"]: o.get("points") for o in spec.get("options") or []}


def field_changes(old: Field, new: Field) -> tuple[bool, list[str]]:
    """Classify a field's change: (breaking?, reasons). Labels, help, order, new options are compatible."""
    reasons: list[str] = []
    breaking = False
    if old["type"] != new["type"]:
        return True, ["type_changed"]
    if old["name"] != new["name"]:
        reasons.append("renamed")
    old_options, new_options = _options(old), _options(new)
    if set(old_options) - set(new_options):
        breaking = True
        reasons.append("option_removed")
    if set(new_options) - set(old_options):
        reasons.append("option_added")
    old_labels = {o["value"]: o.get("label") for o in old.get("options") or []}
    if any(old_labels.get(o["value"], o.get("label")) != o.get("label") for o in new.get("options") or []):
        reasons.append("option_relabelled")
    if any(old_options[v] != new_options[v] for v in set(old_options) & set(new_options)):
        breaking = True
        reasons.append("points_changed")
    if new.get("required") and not old.get("required"):
        breaking = True
        reasons.append("now_required")
    for key in REGISTRY[new["type"]].breaking_keys + ("score_max", "formula", "columns", "rows", "fields"):
        if old.get(key) != new.get(key):
            scale = key in ("scale_min", "scale_max", "score_max", "unit")
            structural = key in ("columns", "rows", "fields")
            breaking = breaking or (_structure_breaks(key, old, new) if structural else True)
            reasons.append("scale_changed" if scale else f"{key}_changed")
    other = {k for k in set(old) | set(new) if old.get(k) != new.get(k)} - PRESENTATION_KEYS
    other -= {"name", "options", "required", "type"} | set(REGISTRY[new["type"]].breaking_keys)
    other -= {"score_max", "formula", "columns", "rows", "fields"}
    for key in sorted(other):
        reasons.append(f"{key}_changed")
        breaking = breaking or not _loosened(key, old.get(key), new.get(key), bool(old.get("required")))
    reasons += [f"{k}_changed" for k in sorted(PRESENTATION_KEYS - {"concept"}) if old.get(k) != new.get(k)]
    return breaking, reasons


# Limits that accept at least every earlier answer when they grow, or when they shrink.
GROWING_LIMITS = ("maximum", "max_length", "max_items", "max_size", "max_rows")
SHRINKING_LIMITS = ("minimum", "min_length", "min_items")
# Lower limits every stored answer meets anyway: an empty text is never stored, a list may be empty.
LIMIT_FLOORS = {"min_length": 1, "min_items": 0}
# Keys that never make an earlier answer invalid: when a field shows or is asked for, who fills it,
# how a number is shown, whether a grid column gets a total.
FREE_KEYS = ("visible_if", "required_if", "fill_by", "decimals", "total", "prefill", "format", "in_row_total")


def _loosened(key: str, old: Any, new: Any, required: bool) -> bool:
    """Whether a changed config key still accepts every answer the old value accepted (`required`: the old field's)."""
    if key in GROWING_LIMITS:
        return _grew(old, new)
    if key in SHRINKING_LIMITS:
        floor = 1 if key == "min_items" and required else LIMIT_FLOORS.get(key)  # a required list is never empty
        if floor is None or new is None:
            return _shrank(old, new)
        return max(new, floor) <= max(old if old is not None else floor, floor)
    if key == "pattern":  # whether one pattern accepts all another does is undecidable here: only dropping it
        return new is None
    if key == "row_checks":
        return row_checks_loosened(old, new)
    if key == "accept":  # no list (or an empty one) accepts any type
        return not new or (bool(old) and set(new) >= set(old))
    return key in FREE_KEYS


def _grew(old: Any, new: Any) -> bool:
    return new is None or (old is not None and new >= old)


def _shrank(old: Any, new: Any) -> bool:
    return new is None or (old is not None and new <= old)


def _structure_breaks(key: str, old: Field, new: Field) -> bool:
    """Grids and groups: removing, retyping or narrowing a column, row or sub-field breaks, and so does
    a new sub-field required whatever the answers; adding an optional one does not."""

    def items(spec: Field) -> dict[str, dict[str, Any]]:
        return {str(i.get("name") or i.get("key")): i for i in spec.get(key) or [] if isinstance(i, dict)}

    old_items, new_items = items(old), items(new)
    if any(name not in new_items for name in old_items):
        return True
    if key == "rows":
        return False
    for name, item in old_items.items():
        if item.get("type") in REGISTRY and field_changes(item, new_items[name])[0]:
            return True
    added = [i for name, i in new_items.items() if name not in old_items]
    return key == "fields" and any(i.get("required") and not i.get("visible_if") for i in added)


def diff_definitions(old: Definition | None, new: Definition) -> Diff:
    """Field changes from `old` (the previous published version, or None) to `new`.

    Fields pair up by concept; a field whose concept is new but whose name existed pairs by name
    and is reported as changed with a new concept (its meaning changed, which is breaking).
    """
    old_fields, new_fields = _by_concept(old), _by_concept(new)
    unmatched_old = {f["name"]: c for c, f in old_fields.items() if c not in new_fields}
    changes: list[Change] = []
    for concept, spec in new_fields.items():
        previous_concept = concept if concept in old_fields else unmatched_old.pop(spec["name"], None)
        if previous_concept is None:
            required = old is not None and spec.get("required") and not spec.get("visible_if")
            changes.append(
                Change(
                    "added", spec["name"], concept, bool(required), ["added_required" if required else "added"], "new"
                )
            )
            continue
        previous = old_fields[previous_concept]
        breaking, reasons = field_changes(previous, spec)
        status = "kept" if previous_concept == concept else "new"
        if status == "new":
            breaking, reasons = True, reasons + ["concept_replaced"]
        if reasons:
            changes.append(
                Change(
                    "changed",
                    spec["name"],
                    concept,
                    breaking,
                    reasons,
                    status,
                    old_name=previous["name"] if previous["name"] != spec["name"] else None,
                )
            )
    for concept in unmatched_old.values():
        changes.append(Change("removed", old_fields[concept]["name"], concept, True, ["removed"]))
    for kind, name, breaking, reasons in checks_diff(old, new):
        changes.append(Change(kind, name, f"check:{name}", breaking, reasons, "kept" if kind != "added" else "new"))
    return Diff(changes)


def assign_concepts(draft: Definition, previous: Definition | None, next_number: int) -> Definition:
    """Give every data field a concept: kept from the previous version when compatible, new when breaking."""
    result = copy.deepcopy(draft)
    before = {f["name"]: f for f in data_fields(previous.get("fields") or [])} if previous else {}
    for spec in data_fields(result.get("fields") or []):
        if spec.get("concept") or "name" not in spec or spec.get("type") not in REGISTRY:
            continue
        prior = before.get(spec["name"])
        if prior is None:
            spec["concept"] = f"{result.get('key')}.{spec['name']}"
            continue
        breaking, _ = field_changes({**prior, "concept": None}, {**spec, "concept": None})
        base = prior.get("concept") or f"{result.get('key')}.{spec['name']}"
        spec["concept"] = f"{base}.v{next_number}" if breaking else base
    return result
