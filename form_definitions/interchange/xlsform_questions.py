"""Questions, groups, repeats and grids of pyxform's JSON -> our fields (the parts every element shares: mapping)."""

from __future__ import annotations

import re
from typing import Any

from form_definitions.composite import GRID_COLUMN_TYPES
from form_definitions.interchange.columns import CellError, decode
from form_definitions.interchange.common import field_places, number_value, widget_choices
from form_definitions.interchange.xlsform_mapping import (
    ACCEPT,
    CHANGED,
    GENERATED_NOTE,
    NAMED_TYPES,
    TYPES,
    Field,
    Mapper,
)
from form_definitions.interchange.xlsform_reader import Place

# ODK appearances with no equivalent here: reported, never fatal. `field-list` is what our sections do anyway.
QUIET_APPEARANCES = {"field-list"}
ODK_APPEARANCE = re.compile(
    r"^(quick|horizontal(-compact)?|compact|likert|label|list(-nolabel)?|columns(-pack|-[0-9]+)?|no-buttons|"
    r"image-map|map|quickcompact|autocomplete|search.*|field-list|table-list|multiline|numbers|thousands-sep|"
    r"no-calendar|month-year|year|ethiopian|coptic|islamic|bikram-sambat|myanmar|persian|signature|draw|"
    r"annotate|new(-front)?|selfie|w[0-9]+|hidden-answer|masked|url|printer.*|ex:.*|bearing|placement-map|"
    r"distress|rating|counter|spinner|minimal|vertical|picker)$",
    re.IGNORECASE,
)
FROM_FILE = re.compile(r"\.(csv|xml|geojson)$", re.IGNORECASE)
PYXFORM_MADE = ("generated_table_list_label_", "reserved_name_for_field_list_labels_")
TIME_PATTERN = "^([01][0-9]|2[0-3]):[0-5][0-9]$"


class SurveyMapper(Mapper):
    """Walks pyxform's children into our fields."""

    def fields(self, children: list[dict[str, Any]]) -> list[Field]:
        found = []
        for child in children:
            converted = self.element(child)
            if converted is not None:
                found.append(converted)
        return found

    def placed(self, spec: Field, place: Place) -> Field:
        """Note the row a field came from (see `paths`)."""
        self.places[id(spec)] = place
        return spec

    def paths(self, fields: list[Field]) -> dict[str, str]:
        """Definition path -> "sheet:row" for every field placed while mapping."""
        return field_places(fields, {key: f"{p.sheet}:{p.row}" for key, p in self.places.items()})

    def element(self, element: dict[str, Any]) -> Field | None:
        kind = str(element.get("type", ""))
        if kind == "group" and (element.get("control") or {}).get("bodyless"):
            return None  # pyxform's own meta block (instanceID): ODK fills it, nothing to ask
        name = str(element.get("name", ""))
        place = self.locator.unnamed("note") if name.startswith(GENERATED_NOTE) else self.locator.element(name)
        if place is None and (name.startswith(PYXFORM_MADE) or (kind == "calculate" and name.endswith("_count"))):
            return None  # added by pyxform (table-list labels, a repeat_count's counter): nothing the user wrote
        place = place or Place("survey", 1, {})
        if kind in ("group", "repeat"):
            if "kobo--matrix_list" in element or element.get("field_type") == "grid":
                return self.placed(self.grid(element, place), place)
            return self.placed(self.block(element, place, "section" if kind == "group" else "group"), place)
        target = TYPES.get(kind) or CHANGED.get(kind)
        if FROM_FILE.search(str(element.get("itemset") or "")):
            kind, target = f"{kind} from file", None  # its choices live in a file that is not uploaded here
        if target is None:
            self.problems.append(place.problem("import_type_dropped", "type", type=kind))
            return None
        if kind in CHANGED:
            self.problems.append(place.problem("import_type_changed", "type", type=kind, target=target))
        return self.placed(self.question(element, place, target, kind), place)

    def question(self, element: dict[str, Any], place: Place, target: str, kind: str) -> Field:
        named = str(element.get("field_type", "")).strip()
        appearance = str((element.get("control") or {}).get("appearance", "")).split()
        if named in NAMED_TYPES:
            target = named
        elif target == "text" and "multiline" in appearance:
            target, appearance = "textarea", [a for a in appearance if a != "multiline"]
        spec = self.common(element, place, target)
        if target == "static":
            spec = self.static(element, place, spec)
        if target in ("choice", "multi_choice") and kind in TYPES | CHANGED:
            self.choices(element, place, spec)
        if target == "rating":
            spec = self.range(element.get("parameters") or {}, place, spec, ours=named == "rating")
        if kind in ACCEPT and "accept" not in spec:
            spec["accept"] = ACCEPT[kind]
        if kind == "time":
            spec["pattern"] = TIME_PATTERN
        self.appearance(appearance, place, spec)
        return spec

    def static(self, element: dict[str, Any], place: Place, spec: Field) -> Field:
        """A note shows its label: that is our static text's content; a `heading` column is its label."""
        spec.pop("label", None)
        content = self.texts(element.get("label"), place, "label")
        heading = self.texts(element.get("heading"), place, "heading")
        return {**spec, **({"label": heading} if heading else {}), **({"content": content} if content else {})}

    def choices(self, element: dict[str, Any], place: Place, spec: Field) -> None:
        """Options from the choice list; a select_one list with points makes a scored_choice."""
        list_name = str(element.get("list_name") or element.get("itemset") or "")
        rows = element.get("choices") or self.lists.get(list_name) or []
        if element.get("choice_filter"):
            dropped = str(element["choice_filter"])[:80]
            self.problems.append(place.problem("import_column_dropped", "choice_filter", value=dropped))
        scored = spec["type"] == "choice" and any("points" in r for r in rows)
        if scored:
            spec["type"] = "scored_choice"
        options = []
        for row in rows:
            option = self.option(row, list_name, scored)
            if option is not None:
                options.append(option)
        spec["options"] = options

    def option(self, row: dict[str, Any], list_name: str, scored: bool) -> Field | None:
        place = self.locator.choice(list_name, str(row.get("name", "")))
        option: Field = {"value": str(row.get("name", ""))}
        label = self.texts(row.get("label"), place, "label")
        if label:
            option["label"] = label
        if scored:
            try:
                option["points"] = decode("number", row.get("points"))
            except CellError:
                self.problems.append(place.problem("import_points_missing", "points", list=list_name))
        for key, value in row.items():
            if key not in ("name", "label", "points") and not isinstance(value, dict) and value not in (None, ""):
                self.problems.append(place.problem("import_column_dropped", key, value=str(value)[:80]))
        return option

    def range(self, parameters: dict[str, Any], place: Place, spec: Field, ours: bool) -> Field:
        """A range within 0-10 in steps of 1 is a rating; any other becomes a number with limits (reported)."""
        numbers: dict[str, int | float] = {} if ours else {"start": 0, "end": 10}  # ODK's defaults
        for key, value in parameters.items():
            try:
                if str(key).lower() not in ("start", "end", "step"):
                    raise ValueError(key)
                numbers[str(key).lower()] = number_value(value)
            except ValueError:
                self.problems.append(place.problem("import_bad_value", "parameters", value=f"{key}={value}"))
        start, end, step = numbers.get("start"), numbers.get("end"), numbers.get("step", 1)
        whole = all(isinstance(n, int) for n in numbers.values())
        if whole and step == 1 and (start is None or start >= 0) and (end is None or 1 <= end <= 10):
            spec.update({k: v for k, v in (("scale_min", start), ("scale_max", end)) if v is not None})
            return spec
        kind = "integer" if whole else "decimal"
        self.problems.append(place.problem("import_type_changed", "type", type="range", target=kind))
        if step != 1:
            self.problems.append(place.problem("import_column_dropped", "parameters", value=f"step={step}"))
        limits = {k: v for k, v in (("minimum", start), ("maximum", end)) if v is not None}
        return {k: v for k, v in spec.items() if k not in ("min_label", "max_label")} | {"type": kind, **limits}

    def appearance(self, tokens: list[str], place: Place, spec: Field) -> None:
        """`minimal` makes a select widget; widgets our type knows are kept; other ODK appearances are reported."""
        allowed = widget_choices(spec["type"])
        kept = []
        for token in tokens:
            widget = "select" if token.lower() == "minimal" else token
            known = widget in allowed if allowed is not None else not ODK_APPEARANCE.fullmatch(widget)
            if known:
                kept.append(widget)
            elif token.lower() not in QUIET_APPEARANCES:
                self.problems.append(place.problem("import_unsupported_appearance", "appearance", appearance=token))
        if kept and "widget" not in spec:
            spec["widget"] = " ".join(kept) if allowed is None else kept[0]

    def block(self, element: dict[str, Any], place: Place, kind: str) -> Field:
        spec = self.common(element, place, kind)
        control = element.get("control") or {}
        if "jr:count" in control:
            written = place.cells.get(place.header("repeat_count"), control["jr:count"])
            self.problems.append(place.problem("import_column_dropped", "repeat_count", value=str(written)[:80]))
        self.appearance(str(control.get("appearance", "")).split(), place, spec)
        spec["fields"] = self.fields(element.get("children") or [])
        return spec

    def grid(self, element: dict[str, Any], place: Place) -> Field:
        """Our exported grid: rows from its list, columns from its first row group (the others repeat them)."""
        spec = self.common(element, place, "grid")
        self.appearance(str((element.get("control") or {}).get("appearance", "")).split(), place, spec)
        list_name = str(element.get("kobo--matrix_list"))
        rows = []
        for row in self.lists.get(list_name) or []:
            item: Field = {"key": str(row.get("name", ""))}
            label = self.texts(row.get("label"), place, "label")
            unit = {lang: str(row[f"unit_{lang}"]) for lang in ("vi", "en") if row.get(f"unit_{lang}")}
            item.update({"label": label} if label else {})
            item.update({"unit": unit} if unit else {})
            rows.append(item)
        if rows:
            spec["rows"] = rows
        groups = [c for c in element.get("children") or [] if c.get("type") == "group"]
        cursor = self.locator.cursor
        self.in_grid = True
        # Our export repeats the columns in one group per row; a Kobo matrix lists them once.
        cells = (groups[0].get("children") or []) if groups and "rows" in spec else element.get("children") or []
        spec["columns"] = [c for c in (self.column(c) for c in cells) if c is not None]
        self.in_grid = False
        self.locator.cursor = max(cursor, self.locator.cursor)
        self.skip_rows(groups[1:] if groups and "rows" in spec else [])
        return spec

    def column(self, element: dict[str, Any]) -> Field | None:
        place = self.locator.element(str(element.get("name", ""))) or Place("survey", 1, {})
        kind = str(element.get("type", ""))
        target = TYPES.get(kind) or CHANGED.get(kind) or ""
        if target not in GRID_COLUMN_TYPES or element.get("children"):
            self.problems.append(place.problem("import_type_dropped", "type", type=kind))
            return None
        return self.placed(self.question(element, place, target, kind), place)

    def skip_rows(self, groups: list[dict[str, Any]]) -> None:
        """Move the row cursor past the repeated row groups, so the next names are found after them."""
        for group in groups:
            self.locator.element(str(group.get("name", "")))
            for child in group.get("children") or []:
                self.locator.element(str(child.get("name", "")))
