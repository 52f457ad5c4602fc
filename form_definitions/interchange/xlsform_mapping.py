"""pyxform's JSON form of a survey -> our fields; what cannot be kept is reported at its sheet, row and column."""

from __future__ import annotations

from typing import Any

from form_definitions.interchange.columns import FIELD_COLUMNS, CellError, decode
from form_definitions.interchange.common import applicable_keys, language_code, valid_name
from form_definitions.interchange.xlsform_binds import Untranslatable, constraint_limits, rule, truth
from form_definitions.interchange.xlsform_reader import Locator, Place
from form_definitions.problems import Problem
from form_definitions.registry import REGISTRY

Field = dict[str, Any]
TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "date": "date",
    "select one": "choice",
    "select all that apply": "multi_choice",
    "note": "static",
    "calculate": "calculated",
    "range": "rating",
    "file": "file",
    "image": "file",
    "photo": "file",
    "audio": "file",
    "video": "file",
}
# Asked as something close in our format; the change is reported so the user knows.
CHANGED = {
    "dateTime": "date",
    "datetime": "date",
    "time": "text",
    "barcode": "text",
    "geopoint": "text",
    "geotrace": "text",
    "geoshape": "text",
    "acknowledge": "yes_no",
    "trigger": "yes_no",
    "rank": "multi_choice",
}
ACCEPT = {"image": ["image/*"], "photo": ["image/*"], "audio": ["audio/*"], "video": ["video/*"]}
NAMED_TYPES = {"phone", "email", "yes_no", "textarea", "rating"}
GENERATED_NOTE = "generated_note_name_"
# Keys of pyxform's JSON read elsewhere (or pyxform's own bookkeeping).
READ = {"type", "name", "label", "hint", "bind", "control", "children", "choices", "itemset", "list_name"}
READ |= {"parameters", "field_type", "kobo--matrix_list", "heading", "choice_filter"}
BIND_KEYS = {"required", "relevant", "calculate", "constraint", "jr:constraintMsg", "jr:requiredMsg", "readonly"}
GRID_COLUMN_KEYS = set(REGISTRY["grid"].config["columns"]["items"]["properties"])
EXTENSIONS = tuple(c for c in FIELD_COLUMNS if c.key not in ("name", "label", "help", "required", "visible_if"))


class Mapper:
    """Reads one element's common parts; `problems` collects every loss, `languages` the languages not kept."""

    def __init__(self, locator: Locator, lists: dict[str, list[Any]], language: str, grids: set[str]) -> None:
        self.locator = locator
        self.lists = lists
        self.language = language
        self.grids = grids
        self.problems: list[Problem] = []
        self.languages: set[str] = set()
        self.places: dict[int, Place] = {}  # id of a field -> its row
        self.in_grid = False  # a grid's columns take the keys of grid columns, not of their field type

    def allowed(self, kind: str) -> set[str]:
        return GRID_COLUMN_KEYS if self.in_grid else applicable_keys(kind)

    def texts(self, value: Any, place: Place, column: str) -> dict[str, str] | None:
        """{"vi": …, "en": …} from pyxform's text or per-language dict; other languages are noted."""
        if value in (None, "", {}):
            return None
        if not isinstance(value, dict):
            return {self.language: str(value)}
        texts: dict[str, str] = {}
        for name, text in value.items():
            code = self.language if name == "default" else language_code(str(name))
            if code is None:
                self.languages.add(str(name))
            elif text not in (None, ""):
                texts.setdefault(code, str(text))
        if not texts and value:
            name, text = next(iter(value.items()))
            texts[self.language] = str(text)  # only other languages: keep one so the field is not blank
            self.problems.append(place.problem("import_language_kept", column, language=str(name)))
        return texts or None

    def common(self, element: dict[str, Any], place: Place, kind: str) -> Field:
        """type, name, label, help and the bind columns of any element."""
        spec: Field = {"type": kind}
        name = str(element.get("name", ""))
        if kind != "static" or not name.startswith(GENERATED_NOTE):
            spec["name"] = name
            if not valid_name(name):
                self.problems.append(place.problem("import_bad_name", "name", name=name))
        for key, column, source in (("label", "label", "label"), ("help", "hint", "hint")):
            texts = self.texts(element.get(source), place, column)
            if texts:
                spec[key] = texts
        if "label" not in spec and kind != "static" and name and not self.in_grid:
            # XLSForm calculations, unlabeled groups and hint-only questions have no label; ours need one.
            spec["label"] = {self.language: name}
            self.problems.append(place.problem("import_label_from_name", "label", name=name))
        self.binds(element.get("bind") or {}, place, spec)
        self.extensions(element, place, spec)
        return spec

    def binds(self, bind: dict[str, Any], place: Place, spec: Field) -> None:
        allowed = self.allowed(spec["type"])
        for key, value in bind.items():
            column = {"calculate": "calculation", "readonly": "read_only", "jr:constraintMsg": "constraint_message"}
            column |= {"jr:requiredMsg": "required_message"}
            header = column.get(key, key)
            if key == "required":
                self.required(value, place, spec)
            elif key == "relevant" and "visible_if" in allowed:
                self.set_rule(spec, "visible_if", value, place, "relevant")
            elif key == "calculate" and "formula" in allowed:
                self.set_rule(spec, "formula", value, place, "calculation")
            elif key == "constraint":
                self.constraint(str(value), place, spec)
            elif key == "readonly" and (truth(value) is False or spec["type"] in ("static", "calculated")):
                continue
            else:
                shown = value if isinstance(value, str) else next(iter(value.values()), "")
                self.problems.append(place.problem("import_column_dropped", header, value=str(shown)[:80]))

    def required(self, value: Any, place: Place, spec: Field) -> None:
        if "required" not in self.allowed(spec["type"]):
            return
        decided = truth(value)
        if decided is None:
            self.set_rule(spec, "required_if", value, place, "required")
        else:
            spec["required"] = decided

    def set_rule(self, spec: Field, key: str, value: Any, place: Place, column: str) -> None:
        try:
            spec[key] = rule(value, self.grids)
        except Untranslatable:
            self.problems.append(place.problem("import_bad_expression", column, value=str(value)[:80]))

    def constraint(self, text: str, place: Place, spec: Field) -> None:
        try:
            spec.update(constraint_limits(text, spec["type"], applicable_keys(spec["type"])))
        except Untranslatable:
            self.problems.append(place.problem("import_constraint_dropped", "constraint", value=text[:80]))

    def extensions(self, element: dict[str, Any], place: Place, spec: Field) -> None:
        """Our own columns (concept, unit, min, max, …) and anything else pyxform passed through."""
        allowed = self.allowed(spec["type"])
        for column in EXTENSIONS:
            value = element.get(column.column)
            if value in (None, "") or column.key not in allowed or column.key in spec:
                continue
            try:
                if column.codec == "rule":
                    self.set_rule(spec, column.key, value, place, column.column)
                elif column.codec == "bilingual":
                    spec[column.key] = self.texts(value, place, column.column)
                else:
                    spec[column.key] = decode(column.codec, value)
            except CellError as error:
                self.problems.append(place.problem(error.code, column.column, value=str(value)[:80]))
        known = READ | {c.column for c in EXTENSIONS if c.key in allowed}
        for key, value in element.items():
            if key not in known and value not in (None, "", {}, []):
                shown = value if isinstance(value, str) else ""
                self.problems.append(place.problem("import_column_dropped", key, value=str(shown)[:80]))
