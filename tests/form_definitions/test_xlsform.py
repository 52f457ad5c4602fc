"""XLSForm-style workbooks: exact round trips, the rule syntax, Kobo workbooks and what they lose."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from form_definitions.checks import check_definition
from form_definitions.interchange import definition_from_workbook, workbook_from_definition
from form_definitions.interchange.expressions import parse_expression, rule_to_cell
from form_definitions.library import library_versions
from form_definitions.registry import REGISTRY
from tests.fixtures.definitions import sample_v1, sample_v2, sample_v3

LIBRARY = [(key, number, d) for key, versions in library_versions().items() for number, d in enumerate(versions, 1)]


def pairs(problems: list[Any]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in problems]


def round_trip(definition: dict[str, Any]) -> Any:
    return definition_from_workbook(workbook_from_definition(definition))


@pytest.mark.parametrize(("key", "number", "definition"), LIBRARY, ids=[f"{k}-v{n}" for k, n, _ in LIBRARY])
def test_every_library_version_round_trips_exactly(key, number, definition):
    imported = round_trip(definition)
    assert imported.problems == []
    assert imported.definition == definition


@pytest.mark.parametrize("make", [sample_v1, sample_v2, sample_v3])
def test_fixture_definitions_round_trip_exactly(make):
    imported = round_trip(make())
    assert (imported.definition, imported.problems) == (make(), [])


# --- every type and every config key of the registry -----------------------------------------------

RULES = [{"and": [{"==": [{"var": "anchor"}, "x"]}, {">": [{"var": ["anchor", 0]}, 2.5]}]}, {"===": [1, None]}, True]
STRINGS = {"concept": "sample.concept-1", "pattern": "^[0-9]{3}$", "widget": "slider"}
ARRAYS = {
    "accept": [["application/pdf", "image/*"]],
    "fields": [[{"type": "text", "name": "inner", "label": {"vi": "x"}}]],
    "row_checks": [[{"name": "within", "rule": {"<=": [{"var": "anchor"}, 1]}, "message": {"vi": "Quá", "en": "x"}}]],
}
CHECKS = [{"name": "adds_up", "rule": {"==": [{"var": "anchor"}, 1]}, "message": {"vi": "S", "en": "x"}, "fields": []}]
IDS = {"value": "v", "key": "r", "name": "c"}


def examples(key: str, schema: dict[str, Any]) -> list[Any]:
    """Every interesting value of a config key, from its JSON Schema; unknown shapes fail loudly."""
    kind = schema.get("type")
    if key in ARRAYS:
        return ARRAYS[key]
    if "enum" in schema:
        return list(schema["enum"])
    if kind == ["object", "boolean"]:
        return RULES
    if kind == "boolean":
        return [True, False]
    if kind == "integer":
        low = schema.get("minimum", 0)
        return sorted({low, schema.get("maximum", low + 10)})
    if kind == "number":
        return [2.5, 7]
    if kind == "string" and schema.get("format") == "date":
        return ["2025-01-01"]
    if kind == "string" and (key in STRINGS or key in IDS):
        return [STRINGS.get(key, IDS.get(key))]
    if kind == "object" and set(schema.get("properties", {})) == {"vi", "en"}:
        return [{"vi": f"{key} (vi)", "en": f"{key} (en)"}, {"vi": f"{key} chỉ tiếng Việt"}]
    if kind == "array" and schema.get("items", {}).get("type") == "object":
        return [items(schema["items"])]
    raise AssertionError(f"no example for config key {key!r}: add one so its round trip is tested")


def items(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """List items: one with every property, plus one per further example of each property."""
    properties = schema["properties"]
    first = {name: examples(name, spec)[0] for name, spec in properties.items()}
    found = [first] + [{**first, n: v} for n, s in properties.items() for v in examples(n, s)[1:]]
    for index, item in enumerate(found):
        for name in set(item) & set(IDS):
            item[name] = f"{IDS[name]}{index}"
    return found


def registry_fields() -> list[dict[str, Any]]:
    """For each type: one field with every key, then one field per further example of a key."""
    fields: list[dict[str, Any]] = [{"type": "text", "name": "anchor", "label": {"vi": "Mốc", "en": "Anchor"}}]
    for type_name, kind in REGISTRY.items():
        keys = {k: s for k, s in kind.config_schema()["properties"].items() if k not in ("type", "name")}
        full = {"type": type_name, "name": f"{type_name}_all"}
        full.update({key: examples(key, spec)[0] for key, spec in keys.items()})
        fields.append(full)
        for key, spec in keys.items():
            for index, value in enumerate(examples(key, spec)[1:], 2):
                fields.append({**full, "name": f"{type_name}_{key}_{index}", key: value})
    return fields


def test_every_field_type_and_config_key_round_trips():
    definition = {**sample_v1("every-key"), "fields": registry_fields()}
    definition["description"] = {"vi": "Mô tả"}
    definition["meta"] = {"note": "x", "nested": [1, 2.5, None]}
    definition["scoring"] = {"bands": [{"key": "good", "min": 1.5, "label": {"vi": "Tốt", "en": "Good"}}]}
    definition["checks"] = CHECKS
    imported = round_trip(definition)
    assert [p for p in imported.problems if p.code.startswith("import_")] == []
    for got, expected in zip(imported.definition["fields"], definition["fields"], strict=True):
        assert got == expected, expected["name"]
    assert imported.definition == definition


# --- rules ------------------------------------------------------------------------------------------

EXPRESSIONS = [
    ("${a} = 'x'", {"==": [{"var": "a"}, "x"]}),
    ("${a} != '0'", {"!=": [{"var": "a"}, "0"]}),
    ("${n} < 3 and ${n} >= -1.5", {"and": [{"<": [{"var": "n"}, 3]}, {">=": [{"var": "n"}, -1.5]}]}),
    (
        "${a} > 1 or ${b} <= 2 or not(${c})",
        {"or": [{">": [{"var": "a"}, 1]}, {"<=": [{"var": "b"}, 2]}, {"!": {"var": "c"}}]},
    ),
    ("selected(${m}, 'v')", {"in": ["v", {"var": "m"}]}),
    (
        "${a} + ${b} - ${c} * 2 div 4",
        {"-": [{"+": [{"var": "a"}, {"var": "b"}]}, {"/": [{"*": [{"var": "c"}, 2]}, 4]}]},
    ),
    ("(${a} + ${b}) + ${c}", {"+": [{"+": [{"var": "a"}, {"var": "b"}]}, {"var": "c"}]}),
    ("${a} - (${b} - ${c})", {"-": [{"var": "a"}, {"-": [{"var": "b"}, {"var": "c"}]}]}),
    ("(${a} or ${b}) and ${c}", {"and": [{"or": [{"var": "a"}, {"var": "b"}]}, {"var": "c"}]}),
    ("-(5) + -${x}", {"+": [{"-": [5]}, {"-": [{"var": "x"}]}]}),
    ("${yes} = true() and ${no} = false()", {"and": [{"==": [{"var": "yes"}, True]}, {"==": [{"var": "no"}, False]}]}),
    ("coalesce(${grid.row.col}, 0) mod 2", {"%": [{"var": ["grid.row.col", 0]}, 2]}),
    (
        "if(${a} = \"it's\", concat(${b}, 'x'), max(1, 2.0))",
        {"if": [{"==": [{"var": "a"}, "it's"]}, {"cat": [{"var": "b"}, "x"]}, {"max": [1, 2.0]}]},
    ),
]


@pytest.mark.parametrize(("text", "rule"), EXPRESSIONS)
def test_expressions_translate_both_ways(text, rule):
    assert parse_expression(text) == rule
    assert rule_to_cell(rule) == text


@pytest.mark.parametrize(
    "rule",
    [
        {"===": [{"var": "a"}, True]},
        {"!": [{"var": "a"}]},
        {"+": [{"var": "a"}]},
        {"<": [1, {"var": "a"}, 3]},
        {"==": [{"var": "a"}, None]},
        {"==": [{"var": "a"}, 1e21]},
        {"==": [{"var": "a"}, "both ' and \""]},
        {"some": [{"var": "g"}, {">": [{"var": "x"}, 1]}]},
    ],
)
def test_rules_without_an_expression_are_kept_as_json(rule):
    cell = rule_to_cell(rule)
    assert cell.startswith("{")
    assert (
        round_trip({**sample_v1(), "fields": [{"type": "calculated", "name": "c", "formula": rule}]}).definition[
            "fields"
        ][0]["formula"]
        == rule
    )


# --- workbooks as Excel shows them --------------------------------------------------------------------


def test_export_is_readable_in_excel():
    book = load_workbook(io.BytesIO(workbook_from_definition(library_versions()["cchc-report"][0])))
    assert book.sheetnames == ["survey", "choices", "settings"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert all(8 <= sheet.column_dimensions[c.column_letter].width <= 60 for c in sheet[1])
    survey = book["survey"]
    header = [c.value for c in survey[1]]
    assert header[:4] == ["type", "name", "label::vi", "label::en"]
    assert survey.column_dimensions["C"].width >= 40
    types = [row[0] for row in survey.iter_rows(min_row=2, values_only=True)]
    assert {"begin_group", "end_group", "begin_kobomatrix", "select_one period_kind", "yes_no"} <= set(types)


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook written the way people make them by hand."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


KOBO_HEADER = ["type", "name", "label::Vietnamese (vi)", "label::English (en)", "hint::Vietnamese (vi)", "required"]
KOBO_HEADER += ["relevant", "appearance", "constraint", "constraint_message::English (en)", "choice_filter"]
KOBO_HEADER += ["repeat_count", "default", "read_only", "calculation", "parameters", "kobo--matrix_list", "$kuid"]


def kobo_row(type_: str, name: str = "", vi: str = "", en: str = "", **cells: Any) -> list[Any]:
    values = {"type": type_, "name": name, "label::Vietnamese (vi)": vi, "label::English (en)": en}
    values.update({k.replace("__", "::").replace("_vi", " (vi)"): v for k, v in cells.items()})
    return [values.get(h) for h in KOBO_HEADER]


OTHER_CHOSEN = "selected(${issues}, 'other')"


def kobo_workbook() -> bytes:
    """A KoboToolbox-style form: Kobo language columns, constructs we keep and constructs we cannot."""
    survey = [
        KOBO_HEADER,
        kobo_row("start", "start", **{"$kuid": "a1"}),  # 2
        kobo_row("begin_group", "respondent", "Người trả lời", "Respondent", appearance="field-list"),  # 3
        kobo_row("text", "full_name", "Họ và tên", "Full name", required="TRUE", **{"hint::Vietnamese_vi": "Ghi rõ"}),
        kobo_row("integer", "age", "Tuổi", "Age", constraint=". >= 18", **{"constraint_message::English (en)": "18+"}),
        kobo_row("select_one yes_no", "has_id", "Có CCCD không?", required="yes", default="yes"),  # 6
        kobo_row("text", "id_number", "Số CCCD", "ID number", relevant="${has_id} = 'yes'", read_only="yes"),  # 7
        kobo_row("end_group"),  # 8
        kobo_row("select_one district", "district", "Quận", "District", appearance="minimal"),  # 9
        kobo_row("select_one ward", "ward", "Phường", "Ward", choice_filter="district=${district}"),  # 10
        kobo_row("select_multiple issues", "issues", "Vấn đề", "Issues"),  # 11
        kobo_row(
            "text", "detail", "Chi tiết", "Details", appearance="multiline", relevant="selected(${issues}, 'other')"
        ),
        kobo_row("geopoint", "location", "Vị trí", "Location"),  # 13
        kobo_row("audio", "voice", "Ghi âm", "Voice note"),  # 14
        kobo_row("barcode", "code", "Mã vạch", "Barcode"),  # 15
        kobo_row("begin_repeat", "visits", "Các lần đến", "Visits", repeat_count="3"),  # 16
        kobo_row("date", "visit_date", "Ngày đến", "Date"),  # 17
        kobo_row("decimal", "hours", "Số giờ chờ", "Hours waited"),  # 18
        kobo_row("end_repeat", "visits"),  # 19
        kobo_row("range", "score", "Điểm", "Score", parameters="start=1 end=10 step=1"),  # 20
        kobo_row("select_one service", "service", "Chất lượng phục vụ", "Service"),  # 21
        kobo_row("begin_kobomatrix", "assets", "Tài sản", "Assets", **{"kobo--matrix_list": "assets"}),  # 22
        kobo_row("select_one yes_no", "have", "Có?", "Have?"),  # 23
        kobo_row("integer", "count", "Số lượng", "Count", relevant="${age} > 18"),  # 24
        kobo_row("end_kobomatrix"),  # 25
        kobo_row("calculate", "double_age", calculation="${age} * 2"),  # 26
        kobo_row("note", "thanks", "Cảm ơn ông/bà!", "Thank you!"),  # 27
        kobo_row("text", "Bad-Name", "Tên sai", "Bad name", relevant="string-length(${full_name}) > 3"),  # 28
    ]
    choices = [
        ["list_name", "name", "label::Vietnamese (vi)", "label::English (en)", "points", "district"],
        ["yes_no", "yes", "Có", "Yes"],
        ["yes_no", "no", "Không", "No"],
        ["district", "q1", "Quận 1", "District 1"],
        ["ward", "w1", "Phường Bến Nghé", "Ben Nghe Ward", None, "q1"],  # 5
        ["issues", "wait", "Chờ lâu", "Long wait"],
        ["issues", "other", "Khác", "Other"],
        ["service", "good", "Tốt", "Good", 2],
        ["service", "poor", "Kém", "Poor", 0],
        ["assets", "car", "Xe hơi", "Car"],
        ["assets", "bike", "Xe máy", "Motorbike"],
        ["leftover", "x", "X", "X"],  # 12
    ]
    settings = [
        ["form_title", "form_id", "default_language", "style"],
        ["Khảo sát", "khao_sat", "Vietnamese (vi)", "grid"],
    ]
    return workbook({"survey": survey, "choices": choices, "settings": settings})


def test_a_kobo_workbook_imports_with_every_loss_reported_by_row():
    imported = definition_from_workbook(kobo_workbook(), key="khao-sat")
    definition = imported.definition
    assert definition["key"] == "khao-sat" and definition["title"] == {"vi": "Khảo sát"}
    top = {f.get("name"): f for f in definition["fields"]}
    assert list(top) == [
        "respondent", "district", "ward", "issues", "detail", "visits", "score", "service", "assets", "double_age",
        "thanks", "Bad-Name",
    ]  # fmt: skip
    respondent = {f["name"]: f for f in top["respondent"]["fields"]}
    assert respondent["full_name"]["label"] == {"vi": "Họ và tên", "en": "Full name"}
    assert respondent["full_name"]["help"] == {"vi": "Ghi rõ"} and respondent["full_name"]["required"] is True
    assert respondent["has_id"]["label"] == {"vi": "Có CCCD không?"}  # no English: left for the designer
    assert respondent["id_number"]["visible_if"] == {"==": [{"var": "has_id"}, "yes"]}
    assert top["district"]["widget"] == "select"
    assert top["detail"]["type"] == "textarea"
    assert top["detail"]["visible_if"] == {"in": ["other", {"var": "issues"}]}
    assert top["visits"]["type"] == "group" and [f["name"] for f in top["visits"]["fields"]] == ["visit_date", "hours"]
    assert (top["score"]["type"], top["score"]["scale_min"], top["score"]["scale_max"]) == ("rating", 1, 10)
    assert top["service"]["type"] == "scored_choice"
    assert [(o["value"], o["points"]) for o in top["service"]["options"]] == [("good", 2), ("poor", 0)]
    assert [r["key"] for r in top["assets"]["rows"]] == ["car", "bike"]
    assert [c["name"] for c in top["assets"]["columns"]] == ["count"]
    assert top["double_age"]["formula"] == {"*": [{"var": "age"}, 2]}
    assert top["thanks"] == {
        "type": "static",
        "name": "thanks",
        "content": {"vi": "Cảm ơn ông/bà!", "en": "Thank you!"},
    }
    expected = [
        ("settings:2", "import_unsupported_column"),  # style
        ("survey:1", "import_unsupported_column"),  # $kuid, once
        ("survey:2", "import_unsupported_type"),  # start
        ("survey:3", "import_unsupported_appearance"),  # field-list
        ("survey:5", "import_unsupported_column"),  # constraint
        ("survey:5", "import_unsupported_column"),  # constraint_message
        ("survey:6", "import_unsupported_column"),  # default
        ("survey:7", "import_unsupported_column"),  # read_only
        ("survey:10", "import_unsupported_column"),  # choice_filter
        ("survey:13", "import_unsupported_type"),  # geopoint
        ("survey:14", "import_unsupported_type"),  # audio
        ("survey:15", "import_unsupported_type"),  # barcode
        ("survey:16", "import_unsupported_column"),  # repeat_count
        ("survey:23", "import_unsupported_type"),  # select_one inside a matrix
        ("survey:24", "import_unsupported_column"),  # relevant on a matrix column
        ("survey:28", "import_bad_expression"),
        ("survey:28", "import_bad_name"),
        ("choices:5", "import_unsupported_column"),  # the choice_filter column
        ("choices:12", "import_list_unused"),
    ]
    workbook_problems = [p for p in imported.problems if ":" in p.path]
    assert pairs(workbook_problems) == expected
    assert {p.params["column"] for p in workbook_problems if p.code == "import_unsupported_column"} == {
        "style", "$kuid", "constraint", "constraint_message::English (en)", "default", "read_only", "choice_filter",
        "repeat_count", "relevant", "district",
    }  # fmt: skip
    # What the workbook cannot give (a label for the calculation, a valid name) comes from check_definition.
    assert [p for p in imported.problems if ":" not in p.path] == check_definition(definition)
    assert ("fields.9.label", "required") in pairs(imported.problems)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not a workbook", "import_not_xlsx"),
        (workbook({"form": [["type", "name"]]}), "import_sheet_missing"),
        (workbook({"survey": [["type", "label"], ["text", "Tên"]]}), "import_column_missing"),
        (workbook({"survey": [["type", "name"], ["begin_group", "g"], ["text", "a"]]}), "import_unclosed"),
        (workbook({"survey": [["type", "name"], ["text", "a"], ["end_group", ""]]}), "import_unexpected_end"),
        (workbook({"survey": [["type", "name"], ["begin_group", "g"], ["end_repeat", ""]]}), "import_unexpected_end"),
    ],
)
def test_unusable_workbooks_give_no_definition(data, code):
    imported = definition_from_workbook(data)
    assert imported.definition is None
    assert imported.problems[-1].code == code


def test_language_columns_plain_and_foreign():
    data = workbook(
        {
            "survey": [
                ["type", "name", "label", "label::English", "label::Français (fr)", "required"],
                ["text", "a", "Tên", "Name", "Nom", "${b} = 'x'"],
                ["text", "b", "Khác", None, None, "maybe?"],
            ],
            "settings": [["form_id", "title::vi", "kind", "scoring"], ["my-form", "Biểu mẫu", "report", "{bad json"]],
        }
    )
    imported = definition_from_workbook(data)
    first, second = imported.definition["fields"]
    assert first["label"] == {"vi": "Tên", "en": "Name"}
    assert first["required_if"] == {"==": [{"var": "b"}, "x"]}  # an ODK `required` expression
    assert second == {"type": "text", "name": "b", "label": {"vi": "Khác"}}
    assert (imported.definition["key"], imported.definition["kind"]) == ("my-form", "report")
    assert pairs(imported.problems) == [
        ("settings:2", "import_bad_json"),
        ("survey:1", "import_unsupported_column"),
        ("survey:3", "import_bad_expression"),
    ]
    assert imported.problems[1].params["column"] == "label::Français (fr)"


def test_grids_with_addable_rows_and_matrix_lists_named_in_the_type():
    grid = {
        "type": "grid",
        "name": "staff",
        "label": {"vi": "Cán bộ", "en": "Staff"},
        "addable_rows": True,
        "max_rows": 20,
        "row_total": {"vi": "Cộng", "en": "Total"},
        "columns": [
            {"name": "full_name", "type": "text", "label": {"vi": "Họ tên"}, "max_length": 100},
            {"name": "days", "type": "integer", "label": {"vi": "Số ngày"}, "minimum": 0, "total": True},
        ],
    }
    definition = {**sample_v1(), "fields": [grid]}
    data = workbook_from_definition(definition)
    survey = load_workbook(io.BytesIO(data))["survey"]
    assert "kobo--matrix_list" not in [c.value for c in survey[1]]
    assert (definition_from_workbook(data).definition, definition_from_workbook(data).problems) == (definition, [])
    kobo = workbook(
        {
            "survey": [
                ["type", "name", "label"],
                ["begin_kobomatrix rooms", "rooms", "Phòng"],
                ["integer", "seats", "Số chỗ"],
                ["end_kobomatrix", ""],
            ],
            "choices": [["list_name", "name", "label"], ["rooms", "r1", "Phòng 1"]],
        }
    )
    imported = definition_from_workbook(kobo, key="rooms-form")
    assert imported.definition["fields"][0]["rows"] == [{"key": "r1", "label": {"vi": "Phòng 1"}}]
    assert [p.code for p in imported.problems] == ["required"]  # the title: the workbook has none
