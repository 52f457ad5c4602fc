"""What "compatible" means, checked on generated definitions, changes and submissions (hypothesis).

- When the diff calls a change compatible, every submission valid under the old version is valid under
  the new one (its values moved to the new names by concept) and keeps its meaning: per concept, the same
  stored value, of the same type, on the same scale.
- When the diff calls it breaking, a submission shows why: one of the old version's edge submissions
  (each field at its limits, each option, each optional field left out) is valid before and refused
  after, or a stored value loses or changes its meaning.

The suite runs 150 examples; `HYPOTHESIS_PROFILE=thorough` runs 3000 (or HYPOTHESIS_MAX_EXAMPLES) (README).
"""

from __future__ import annotations

import copy
import itertools
import os
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from form_definitions.answers import check_answers
from form_definitions.versions import diff_definitions
from form_definitions.walk import data_fields
from tests.fixtures.definitions import t

settings.register_profile(
    "default", max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("default"),
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "3000")),
)
settings.register_profile("mutants", parent=settings.get_profile("default"), max_examples=40, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

Field = dict[str, Any]
OPTIONS = ["a", "b", "c", "d"]
MEANING_KEYS = ("type", "scale_min", "scale_max", "unit", "score_max", "formula")
NO_LIMIT = {"integer": (-(10**6), 10**6), "date": ("1900-01-01", "2100-12-31"), "text": (0, 2000)}


def opts(values: list[str]) -> list[dict[str, Any]]:
    return [{"value": v, "label": t(v, v)} for v in values]


# Generated fields: every type whose limits the diff classifies, a fixed grid and a repeatable group.


@st.composite
def limits(draw: Any, low: int, high: int) -> dict[str, int]:
    lo = draw(st.one_of(st.none(), st.integers(low, high)))
    hi = draw(st.one_of(st.none(), st.integers(lo if lo is not None else low, high)))
    return {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}


@st.composite
def scalar(draw: Any, name: str) -> Field:
    kind = draw(st.sampled_from(["text", "integer", "choice", "multi_choice", "yes_no", "rating", "date"]))
    spec: Field = {"type": kind, "name": name, "label": t(name, name), "required": draw(st.booleans())}
    if kind == "text":
        bounds = draw(limits(0, 8))
        spec.update({f"{k}_length": v for k, v in bounds.items() if k == "min" or v > 0})
    elif kind == "integer":
        spec.update({f"{k}imum": v for k, v in draw(limits(-5, 5)).items()})
    elif kind in ("choice", "multi_choice"):
        spec["options"] = opts(draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=4, unique=True)))
        if kind == "multi_choice":
            size = len(spec["options"])
            bounds = draw(limits(0, size))
            spec.update({f"{k}_items": v for k, v in bounds.items() if k == "min" or v > 0})
    elif kind == "rating":
        low = draw(st.integers(0, 2))
        spec.update(scale_min=low, scale_max=draw(st.integers(low + 1, 7)))
    elif kind == "date":
        days = draw(limits(1, 28))
        spec.update({f"{k}imum": f"2026-02-{v:02d}" for k, v in days.items()})
    return spec


def grid(name: str, columns: list[Field], rows: list[str]) -> Field:
    return {
        "type": "grid",
        "name": name,
        "label": t(name, name),
        "rows": [{"key": r, "label": t(r, r)} for r in rows],
        "columns": columns,
    }


@st.composite
def data_field(draw: Any, name: str) -> Field:
    shape = draw(st.sampled_from(["scalar"] * 4 + ["grid", "group"]))
    if shape == "grid":
        columns = [{"name": c, "type": draw(st.sampled_from(["integer", "text"])), "label": t(c, c)} for c in "xy"]
        for column in columns:
            if column["type"] == "integer" and draw(st.booleans()):
                column["maximum"] = draw(st.integers(0, 9))
        return grid(name, columns, draw(st.lists(st.sampled_from(["r1", "r2", "r3"]), min_size=1, unique=True)))
    if shape == "group":
        subs = [draw(scalar(f"s{i}")) for i in range(draw(st.integers(1, 2)))]
        return {"type": "group", "name": name, "label": t(name, name), "fields": subs}
    return draw(scalar(name))


@st.composite
def definitions(draw: Any) -> dict[str, Any]:
    fields = [draw(data_field(f"f{i}")) for i in range(draw(st.integers(1, 3)))]
    for spec in fields:
        spec["concept"] = f"gen.{spec['name']}"
    return {"schema_version": 1, "key": "gen", "kind": "report", "title": t("Sinh", "Generated"), "fields": fields}


# Generated changes


def _narrow_or_widen(draw: Any, spec: Field) -> None:
    keys = {
        "text": ["min_length", "max_length"],
        "integer": ["minimum", "maximum"],
        "multi_choice": ["min_items", "max_items"],
        "rating": ["scale_min", "scale_max"],
        "date": ["minimum", "maximum"],
    }.get(spec["type"], [])
    if not keys:
        return
    key = draw(st.sampled_from(keys))
    original = dict(spec)
    if spec["type"] == "date":
        day = int(spec[key][-2:]) if key in spec else draw(st.integers(1, 28))
        spec[key] = f"2026-02-{min(28, max(1, day + draw(st.sampled_from([-1, 1])))):02d}"
    elif key in spec and draw(st.booleans()) and not key.startswith("scale"):
        del spec[key]  # a limit dropped
    else:
        current = spec.get(key, 0 if key.startswith(("min", "scale_min")) else 3)
        spec[key] = max(0 if spec["type"] != "integer" else -9, current + draw(st.sampled_from([-1, 1])))
        if key == "max_items" and spec[key] == 0:
            spec[key] = 1
        if key == "max_length" and spec[key] == 0:
            spec[key] = 1
        if key == "scale_max" and spec[key] <= spec.get("scale_min", 1):
            spec[key] = spec.get("scale_min", 1) + 1
        if key == "scale_min" and spec[key] >= spec.get("scale_max", 5):
            spec[key] = spec.get("scale_max", 5) - 1
        if key == "max_items":  # a maximum at or above the number of options binds nothing: keep it below
            spec[key] = min(spec[key], len(spec["options"]) - (0 if "max_items" in original else 1))
            if spec[key] < 1:
                spec.clear()
                spec.update(original)


def _change_grid(draw: Any, spec: Field) -> None:
    what = draw(st.sampled_from(["add_column", "remove_column", "retype", "narrow", "add_row", "remove_row"]))
    columns, rows = spec["columns"], spec["rows"]
    if what == "add_column":
        columns.append({"name": "z", "type": "integer", "label": t("z", "z")})
    elif what == "remove_column" and len(columns) > 1:
        columns.pop(draw(st.integers(0, len(columns) - 1)))
    elif what == "retype":
        column = draw(st.sampled_from(columns))
        column["type"] = "text" if column["type"] == "integer" else "integer"
        column.pop("maximum", None)
    elif what == "narrow":
        column = draw(st.sampled_from(columns))
        if column["type"] == "integer":
            column["maximum"] = column.get("maximum", 10) + draw(st.sampled_from([-1, 1]))
    elif what == "add_row" and len(rows) < 3:
        rows.append({"key": "r9", "label": t("r9", "r9")})
    elif what == "remove_row" and len(rows) > 1:
        rows.pop()


def _change_field(draw: Any, spec: Field) -> None:
    """One change to one field, in place."""
    if spec["type"] == "grid":
        return _change_grid(draw, spec)
    if spec["type"] == "group":
        what = draw(st.sampled_from(["sub", "add_optional", "add_required", "remove"]))
        subs = spec["fields"]
        if what == "sub":
            _change_field(draw, draw(st.sampled_from(subs)))
        elif what.startswith("add"):
            subs.append({"type": "text", "name": "s9", "label": t("s9", "s9"), "required": what == "add_required"})
        elif len(subs) > 1:
            subs.pop()
        return None
    what = draw(st.sampled_from(["required", "optional", "type", "relabel"] + ["limits"] * 4 + ["options"] * 2))
    if what in ("required", "optional"):
        spec["required"] = what == "required"
    elif what == "limits":
        _narrow_or_widen(draw, spec)
    elif what == "options" and "options" in spec:
        values = [o["value"] for o in spec["options"]]
        spare = [v for v in OPTIONS if v not in values]
        if spare and (draw(st.booleans()) or len(values) == 1):
            spec["options"].append(opts([spare[0]])[0])
        elif len(values) > 1:
            spec["options"].pop(draw(st.integers(0, len(values) - 1)))
            for key in ("min_items", "max_items"):
                if key in spec:
                    spec[key] = min(spec[key], len(spec["options"]))
    elif what == "type":
        kept = {k: spec[k] for k in ("name", "label", "required", "concept") if k in spec}
        spec.clear()
        spec.update(kept, type="text" if draw(st.booleans()) else "yes_no")
    else:
        spec["label"] = t("Nhãn mới", "New label")
    return None


@st.composite
def changes(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old = draw(definitions())
    new = copy.deepcopy(old)
    fields = new["fields"]
    what = draw(st.sampled_from(["field"] * 6 + ["add_optional", "add_required", "remove", "rename"]))
    if what.startswith("add"):
        added = draw(scalar("n9"))
        fields.append({**added, "required": what == "add_required", "concept": "gen.n9"})
    elif what == "remove" and len(fields) > 1:
        fields.pop(draw(st.integers(0, len(fields) - 1)))
    elif what == "rename":
        draw(st.sampled_from(fields))["name"] = "renamed"
    else:
        _change_field(draw, draw(st.sampled_from(fields)))
    return old, new


# Edge submissions of a definition


def _edge_values(spec: Field) -> list[Any]:
    """Values at the field's limits, each valid for it (None: left out)."""
    kind = spec["type"]
    if kind == "text":
        low, high = spec.get("min_length", 0), spec.get("max_length", NO_LIMIT["text"][1])
        return [v for v in ("a" * max(low, 1), "b" * high) if low <= len(v) <= high]
    if kind == "integer":
        return [spec.get("minimum", NO_LIMIT["integer"][0]), spec.get("maximum", NO_LIMIT["integer"][1])]
    if kind == "date":
        return [spec.get("minimum", NO_LIMIT["date"][0]), spec.get("maximum", NO_LIMIT["date"][1])]
    if kind == "choice":
        return [o["value"] for o in spec["options"]]
    if kind == "multi_choice":
        return _subsets(spec)
    if kind == "yes_no":
        return [True]
    if kind == "rating":
        return [spec.get("scale_min", 1), spec.get("scale_max", 5)]
    if kind == "grid":
        return _grid_values(spec)
    if kind == "group":
        rows = [dict(_base(spec["fields"]))] + [
            {**_base(spec["fields"]), sub["name"]: v} for sub in spec["fields"] for v in _edge_values(sub)
        ]
        return [[row] for row in rows] + [rows]
    return []


def _subsets(spec: Field) -> list[Any]:
    values = [o["value"] for o in spec["options"]]
    low, high = spec.get("min_items", 0), min(spec.get("max_items", len(values)), len(values))
    found = []
    for size in range(max(low, 1), high + 1):
        found += [list(c) for c in itertools.combinations(values, size)]
    if low == 0:  # an empty list is stored as given when the field is optional
        found.insert(1, [])
    return found


def _grid_values(spec: Field) -> list[Any]:
    def cell(column: Field, big: bool) -> Any:
        if column["type"] == "text":
            return "t" * (2000 if big else 1)
        return column.get("maximum", 10**6) if big else -(10**6)

    rows = [r["key"] for r in spec["rows"]]
    return [{r: {c["name"]: cell(c, big) for c in spec["columns"]} for r in rows} for big in (False, True)]


def _base(fields: list[Field]) -> dict[str, Any]:
    """Required fields at their first edge value, optional ones left out."""
    return {f["name"]: _edge_values(f)[0] for f in fields if f.get("required") and _edge_values(f)}


def edge_submissions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    fields = definition["fields"]
    base = _base(fields)
    found = [base]
    for spec in fields:
        found += [{**base, spec["name"]: value} for value in _edge_values(spec)]
    everything = {**base, **{f["name"]: _edge_values(f)[-1] for f in fields if _edge_values(f)}}
    return [*found, everything]


# Generated submissions


def _value(spec: Field) -> st.SearchStrategy[Any]:
    kind = spec["type"]
    if kind == "text":
        low, high = spec.get("min_length", 0), spec.get("max_length", 12)
        return st.text("abc ", min_size=max(low, 1), max_size=max(high, max(low, 1)))
    if kind == "integer":
        return st.integers(spec.get("minimum", -50), spec.get("maximum", 50))
    if kind == "rating":
        return st.integers(spec.get("scale_min", 1), spec.get("scale_max", 5))
    if kind in ("choice", "date", "multi_choice", "grid", "group", "yes_no"):
        return st.sampled_from(_edge_values(spec) or [None])
    return st.none()


@st.composite
def submissions(draw: Any, definition: dict[str, Any]) -> dict[str, Any]:
    answers = {}
    for spec in definition["fields"]:
        if spec.get("required") or draw(st.booleans()):
            answers[spec["name"]] = draw(_value(spec))
    return answers


# Meaning by concept


def meaning(spec: Field) -> dict[str, Any]:
    """What gives a stored value its meaning: type, scale, unit, formula, and so for each sub-field or column."""
    parts = spec.get("fields") or spec.get("columns") or []
    return {**{k: spec.get(k) for k in MEANING_KEYS}, "parts": {p["name"]: meaning(p) for p in parts}}


def keeps(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether `new` means what `old` did (new sub-fields or columns may have been added)."""
    if any(old[k] != new[k] for k in MEANING_KEYS):
        return False
    return all(name in new["parts"] and keeps(part, new["parts"][name]) for name, part in old["parts"].items())


def by_concept(definition: dict[str, Any], data: dict[str, Any]) -> dict[str, tuple[Any, dict[str, Any]]]:
    """Each stored value under its concept, with its meaning."""
    return {
        spec["concept"]: (data[spec["name"]], meaning(spec))
        for spec in data_fields(definition["fields"])
        if spec["name"] in data
    }


def same_meaning(old: dict[str, Any], new: dict[str, Any], old_data: Any, new_data: Any) -> bool:
    """Every old stored value is stored under its concept in the new version, equal and meaning the same."""
    before, after = by_concept(old, old_data), by_concept(new, new_data)
    return all(c in after and after[c][0] == value and keeps(m, after[c][1]) for c, (value, m) in before.items())


def moved(old: dict[str, Any], new: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Old stored data under the new version's names (by concept); values of dropped concepts stay."""
    names = {f["concept"]: f["name"] for f in data_fields(new["fields"])}
    old_fields = [f for f in data_fields(old["fields"]) if f["name"] in data]
    return {names.get(f["concept"], f["name"]): data[f["name"]] for f in old_fields}


def explains_breaking(old: dict[str, Any], new: dict[str, Any], data: dict[str, Any]) -> bool:
    before = check_answers(old, data)
    if not before.ok:
        return False
    after = check_answers(new, moved(old, new, before.data))
    if not after.ok:
        return True
    return not same_meaning(old, new, before.data, after.data)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_a_compatible_change_keeps_every_old_submission_valid_and_its_meaning(data: Any) -> None:
    old, new = data.draw(changes())
    diff = diff_definitions(old, new)
    event("breaking" if diff.breaking else "compatible" if diff.changes else "unchanged")
    for reason in sorted({r for c in diff.changes for r in c.reasons}):
        event(f"reason {reason}")
    if diff.breaking:
        witnesses = [s for s in edge_submissions(old) if explains_breaking(old, new, s)]
        assert witnesses, (diff.as_dict(), edge_submissions(old))
        return
    for answers in [*edge_submissions(old), data.draw(submissions(old))]:
        before = check_answers(old, answers)
        if not before.ok:
            continue
        after = check_answers(new, moved(old, new, before.data))
        assert after.ok, (diff.as_dict(), answers, after.problems)
        assert same_meaning(old, new, before.data, after.data), (diff.as_dict(), answers)
