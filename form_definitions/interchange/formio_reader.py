"""Walking Form.io components: the shared reading of names, labels, rules and unsupported settings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from formiodata.components.component import Component

from form_definitions.interchange.formio_rules import ConditionError, field_name, visibility
from form_definitions.problems import Problem

Field = dict[str, Any]
Handler = Callable[["FormioReader", Any, str], list[Field]]
Reading = tuple[str, Callable[[Any], Any]]  # (Form.io setting, how to read its value)
SCRIPTS = ("customConditional", "calculateValue", "customDefaultValue", "validate.custom", "logic")
# Custom error texts (validate.customMessage, errorLabel) are reported: our messages are the platform's own, bilingual.
UNSUPPORTED: tuple[str, ...] = (
    "hidden",
    "disabled",
    "multiple",
    "unique",
    "validate.json",
    "defaultValue",
    "validate.customMessage",
)
UNSUPPORTED += ("errorLabel",)


def setting_of(raw: dict[str, Any], dotted: str) -> Any:
    """A nested Form.io setting such as "validate.maxLength", or None."""
    node: Any = raw
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def meaningful(value: Any) -> bool:
    """Whether a setting holds something real."""
    # Form.io writes empty defaults everywhere ("", [], {}, false, {"a": false}); only real ones count.
    if isinstance(value, dict):
        return any(meaningful(v) for v in value.values())
    return value not in (None, "", [], False)


class FormioReader:
    """Walks the raw component tree, using formio-data's component objects for labels and settings."""

    def __init__(
        self, handlers: dict[str, Handler], objects: dict[int, Any], language: str, problems: list[Problem]
    ) -> None:
        self.handlers = handlers
        self.objects = objects
        self.language = language
        self.problems = problems
        self.types = {str(c.raw.get("key")): str(c.type) for c in objects.values()}
        self.places: dict[int, str] = {}  # id of a field -> the path of the component it came from

    def components(self, raws: list[Any], base: str) -> list[Field]:
        fields: list[Field] = []
        for index, raw in enumerate(raws):
            fields += self.component(raw, f"{base}[{index}]")
        return fields

    def component(self, raw: Any, path: str) -> list[Field]:
        if not isinstance(raw, dict):
            self.report(path, "import_unsupported_component", key="", type=type(raw).__name__, label="")
            return []
        comp = self.objects.get(id(raw)) or Component(raw, None, language=self.language)
        handler = self.handlers.get(str(comp.type))
        if handler is None or (comp.type == "select" and comp.raw.get("dataSrc") not in ("values", "", None)):
            kind = str(comp.type) + (f" ({comp.raw['dataSrc']})" if comp.type == "select" else "")
            label = str(comp.raw.get("label") or comp.raw.get("title") or "")
            self.report(path, "import_unsupported_component", key=str(comp.key or ""), type=kind, label=label)
            return []
        return handler(self, comp, path)

    def report(self, path: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(path, code, params))

    def base(self, comp: Any, path: str, kind: str, named: bool = True) -> Field:
        """A field with what every component shares: name, label, help, required, visibility."""
        raw, key = comp.raw, str(comp.key or "")
        field: Field = {"type": kind}
        self.places[id(field)] = path
        if named:
            field["name"] = field_name(key)
            if field["name"] != key:
                self.report(path, "import_renamed", key=key, name=field["name"])
        label = comp.label
        if isinstance(label, str) and label.strip():
            field["label"] = {self.language: label.strip()}
        help_text = "\n".join(str(raw[k]).strip() for k in ("description", "tooltip") if meaningful(raw.get(k)))
        if help_text:
            field["help"] = {self.language: help_text}
        if setting_of(raw, "validate.required") is True:
            field["required"] = True
        self.rule(comp, path, field)
        self.unsupported(raw, path, key, kind)
        return field

    def rule(self, comp: Any, path: str, field: Field) -> None:
        try:
            rule = visibility(comp.conditional, self.types)
        except ConditionError:
            self.report(path, "import_bad_condition", key=str(comp.key or ""))
            return
        if rule is not None:
            field["visible_if"] = rule

    def unsupported(self, raw: dict[str, Any], path: str, key: str, kind: str) -> None:
        """Scripts and settings without an equivalent are reported, one problem each."""
        for name in SCRIPTS:
            if name == "calculateValue" and isinstance(raw.get(name), dict) and kind in ("integer", "decimal"):
                continue  # JSON Logic: becomes the formula of a calculated field
            if meaningful(setting_of(raw, name)):
                self.report(path, "import_javascript", key=key, property=name)
        for name in UNSUPPORTED:
            allowed = name == "multiple" and kind == "multi_choice"
            if meaningful(setting_of(raw, name)) and not allowed:
                self.report(path, "import_unsupported_setting", key=key, property=name)

    def setting(self, comp: Any, path: str, name: str, read: Callable[[Any], Any]) -> Any:
        """A setting read with `read`; unreadable values are reported and give None."""
        value = setting_of(comp.raw, name)
        if value in (None, ""):
            return None
        try:
            return read(value)
        except ValueError:
            self.report(path, "import_unsupported_setting", key=str(comp.key or ""), property=name)
            return None

    def put(self, field: Field, comp: Any, path: str, pairs: Mapping[str, Reading]) -> None:
        for key, (name, read) in pairs.items():
            value = self.setting(comp, path, name, read)
            if value is not None:
                field[key] = value

    def options(self, comp: Any, path: str, values: Any) -> list[Field]:
        options = []
        for value in values if isinstance(values, list) else []:
            if not isinstance(value, dict) or value.get("value") in (None, ""):
                self.report(path, "import_option_skipped", key=str(comp.key or ""))
                continue
            option: Field = {"value": str(value["value"])}
            if str(value.get("label") or "").strip():
                option["label"] = {self.language: str(value["label"]).strip()}
            options.append(option)
        return options

    def children(self, comp: Any, path: str) -> list[Field]:
        return self.components(comp.raw.get("components") or [], f"{path}.components")

    def flattened(self, comp: Any, path: str, parts: list[tuple[str, list[Any]]]) -> list[Field]:
        """Layout containers give their children in order; the layout itself is reported once."""
        self.report(path, "import_layout_flattened", key=str(comp.key or ""), type=str(comp.type))
        fields: list[Field] = []
        for base, raws in parts:
            fields += self.components(raws, base)
        return self.inherit(comp, path, fields)

    def inherit(self, comp: Any, path: str, fields: list[Field]) -> list[Field]:
        """A removed container's visibility rule moves onto each of its fields (and-ed with their own)."""
        self.unsupported(comp.raw, path, str(comp.key or ""), str(comp.type))
        holder: Field = {}
        self.rule(comp, path, holder)
        if "visible_if" in holder:
            for field in fields:
                own = field.get("visible_if")
                field["visible_if"] = holder["visible_if"] if own is None else {"and": [holder["visible_if"], own]}
        return fields
