"""XLSForm-style workbooks: exact round trips, the rule syntax, Kobo workbooks and what they lose."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

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
def test_every_library_version_exports_an_xlsform_pyxform_converts(key, number, definition):
    warnings: list[str] = []
    result = convert(workbook_from_definition(definition), warnings=warnings, file_type=".xlsx")
    assert f'id="{key}"' in result.xform and warnings == []


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
    assert {"begin_group", "end_group", "select_one period_kind", "select_one yes_no"} <= set(types)


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
        kobo_row("time", "opened", "Giờ mở cửa", "Opening time"),  # 22
        kobo_row("text", "firstName", "Tên", "First name", constraint="regex(., '^[A-Z]')"),  # 23
        kobo_row("integer", "count", "Số lượng", "Count", relevant="${age} > 18", constraint=". != 3"),  # 24
        kobo_row("hidden", "secret"),  # 25
        kobo_row("calculate", "double_age", calculation="${age} * 2"),  # 26
        kobo_row("note", "thanks", "Cảm ơn ông/bà!", "Thank you!"),  # 27
        kobo_row("text", "Bad.Name", "Tên sai", "Bad name", relevant="string-length(${full_name}) > 3"),  # 28
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
        "respondent", "district", "ward", "issues", "detail", "location", "voice", "code", "visits", "score",
        "service", "opened", "firstName", "count", "double_age", "thanks", "Bad.Name",
    ]  # fmt: skip
    respondent = {f["name"]: f for f in top["respondent"]["fields"]}
    assert respondent["full_name"]["label"] == {"vi": "Họ và tên", "en": "Full name"}
    assert respondent["full_name"]["help"] == {"vi": "Ghi rõ"} and respondent["full_name"]["required"] is True
    assert respondent["age"]["minimum"] == 18  # the constraint `. >= 18` became a limit
    assert respondent["has_id"]["label"] == {"vi": "Có CCCD không?"}  # no English: left for the designer
    assert respondent["id_number"]["visible_if"] == {"==": [{"var": "has_id"}, "yes"]}
    assert top["district"]["widget"] == "select"
    assert top["detail"]["type"] == "textarea"
    assert top["detail"]["visible_if"] == {"in": ["other", {"var": "issues"}]}
    assert top["visits"]["type"] == "group" and [f["name"] for f in top["visits"]["fields"]] == ["visit_date", "hours"]
    assert (top["score"]["type"], top["score"]["scale_min"], top["score"]["scale_max"]) == ("rating", 1, 10)
    assert top["service"]["type"] == "scored_choice"
    assert [(o["value"], o["points"]) for o in top["service"]["options"]] == [("good", 2), ("poor", 0)]
    assert top["voice"]["accept"] == ["audio/*"] and top["opened"]["pattern"].startswith("^")
    assert top["firstName"]["pattern"] == "^[A-Z]"  # camelCase data key kept; regex() became a pattern
    assert top["double_age"]["formula"] == {"*": [{"var": "age"}, 2]}
    assert top["double_age"]["label"] == {"vi": "double_age"}
    assert top["thanks"] == {
        "type": "static",
        "name": "thanks",
        "content": {"vi": "Cảm ơn ông/bà!", "en": "Thank you!"},
    }
    expected = [
        ("survey:2", "import_type_dropped", "type"),  # start: ODK metadata
        ("survey:5", "import_column_dropped", "constraint_message::English (en)"),
        ("survey:6", "import_column_dropped", "default"),
        ("survey:7", "import_column_dropped", "read_only"),
        ("survey:10", "import_column_dropped", "choice_filter"),
        ("survey:13", "import_type_changed", "type"),  # geopoint -> text
        ("survey:15", "import_type_changed", "type"),  # barcode -> text
        ("survey:16", "import_column_dropped", "repeat_count"),
        ("survey:22", "import_type_changed", "type"),  # time -> text with a pattern
        ("survey:24", "import_constraint_dropped", "constraint"),
        ("survey:25", "import_type_dropped", "type"),  # hidden
        ("survey:26", "import_label_from_name", "label"),
        ("survey:28", "import_bad_name", "name"),
        ("survey:28", "import_bad_expression", "relevant"),
        ("choices:5", "import_column_dropped", "district"),  # the choice_filter column
        ("survey:28", "pattern", "name"),  # the definition check, at the row it came from
    ]
    assert [(p.path, p.code, p.params["column"]) for p in imported.problems] == expected
    assert imported.problems[7].params["value"] == "3"  # as the user wrote it, not pyxform's rewrite


def test_refusals_name_the_sheet_and_row():
    imported = definition_from_workbook(workbook({"survey": [["type", "name"], ["text", "a"], ["end_group", ""]]}))
    assert imported.definition is None
    (problem,) = imported.problems
    assert (problem.path, problem.code, problem.params["sheet"], problem.params["row"]) == (
        "survey:3",
        "import_pyxform_refused",
        "survey",
        3,
    )
    assert "end_group" in problem.params["detail"]
    duplicate = workbook({"survey": [["type", "name", "label"], ["text", "a", "A"], ["text", "a", "B"]]})
    (problem,) = definition_from_workbook(duplicate).problems
    assert (problem.path, problem.params["column"]) == ("survey:3", "name")


REFUSED = "import_pyxform_refused"


@pytest.mark.parametrize(
    ("data", "code", "path"),
    [
        (b"not a workbook", "import_not_xlsx", ""),
        (workbook({"form": [["type", "name"]], "other": [["x"]]}), "import_sheet_missing", ""),
        (workbook({"survey": [["type", "label"], ["text", "Tên"]]}), "import_pyxform_refused", "survey:2"),
        (workbook({"survey": [["type", "name"], ["begin_group", "g"], ["text", "a"]]}), REFUSED, "survey:2"),
        (workbook({"survey": [["type", "name"], ["begin_group", "g"], ["end_repeat", ""]]}), REFUSED, "survey:3"),
        (workbook({"survey": [["type", "name"], ["select_one nope", "a"]]}), "import_pyxform_refused", "choices:1"),
    ],
)  # fmt: skip
def test_unusable_workbooks_give_no_definition(data, code, path):
    imported = definition_from_workbook(data)
    assert imported.definition is None
    assert (imported.problems[-1].code, imported.problems[-1].path) == (code, path)


def test_language_columns_plain_and_foreign():
    data = workbook(
        {
            "survey": [
                [
                    "type",
                    "name",
                    "label",
                    "label::English",
                    "label::Français (fr)",
                    "hint::Vietnamese (vi)",
                    "required",
                ],
                ["text", "a", "Tên", "Name", "Nom", "Gợi ý", "${b} = 'x'"],
                ["text", "b", "Khác", None, None, None, "maybe?"],
                ["text", "c", None, None, "Seulement", None, None],
            ],
            "settings": [["form_id", "title_vi", "kind", "scoring"], ["my-form", "Biểu mẫu", "report", "{bad json"]],
        }
    )
    imported = definition_from_workbook(data)
    first, second, third = imported.definition["fields"]
    assert first["label"] == {"vi": "Tên", "en": "Name"} and first["help"] == {"vi": "Gợi ý"}
    assert first["required_if"] == {"==": [{"var": "b"}, "x"]}  # an ODK `required` expression
    assert second == {"type": "text", "name": "b", "label": {"vi": "Khác"}}
    assert third["label"] == {"vi": "Seulement"}  # only French: kept for the designer to translate
    assert (imported.definition["key"], imported.definition["kind"]) == ("my-form", "report")
    assert imported.definition["title"] == {"vi": "Biểu mẫu"}
    assert pairs(imported.problems) == [
        ("settings:2", "import_bad_json"),
        ("survey:1", "import_languages_dropped"),
        ("survey:3", "import_bad_expression"),
        ("survey:4", "import_language_kept"),
    ]
    assert imported.problems[1].params["languages"] == "Français (fr)"


@pytest.mark.parametrize(
    ("settings", "title", "filename", "expected"),
    [
        ([["form_title", "form_id"], ["Khảo sát", "ks"]], None, "a.xlsx", ("ks", {"vi": "Khảo sát"})),
        ([["form_id"], ["ks"]], None, "a.xlsx", ("ks", {"vi": "ks"})),
        (None, None, "Phieu khao sat.xlsx", ("phieu-khao-sat", {"vi": "Phieu khao sat"})),
        ([["form_title", "form_id"], ["Khảo sát", "ks"]], "Tên riêng", "a.xlsx", ("ks", {"vi": "Tên riêng"})),
    ],
)
def test_title_falls_back_to_form_id_then_file_name(settings, title, filename, expected):
    sheets = {"survey": [["type", "name", "label"], ["text", "a", "A"]]}
    if settings:
        sheets["settings"] = settings
    imported = definition_from_workbook(workbook(sheets), title=title, filename=filename)
    assert (imported.definition["key"], imported.definition["title"]) == expected
    assert imported.problems == []


def test_grids_with_addable_rows_become_repeats_and_read_back():
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
    assert [r[0] for r in survey.iter_rows(min_row=2, values_only=True)] == [
        "begin_repeat",
        "text",
        "integer",
        "end_repeat",
    ]
    assert convert(data, file_type=".xlsx").xform  # ODK reads one row per repeat
    assert (definition_from_workbook(data).definition, definition_from_workbook(data).problems) == (definition, [])


def test_an_xlsform_round_trips_through_ours_and_back_keeping_languages_choices_and_rules():
    data = workbook(
        {
            "survey": [
                ["type", "name", "label::Vietnamese (vi)", "label::English (en)", "hint::English (en)", "required"]
                + ["relevant", "constraint", "calculation"],
                ["begin_group", "household", "Hộ gia đình", "Household", None, None, None, None, None],
                ["integer", "members", "Số người", "Members", "All who live here", "yes", None, ". >= 1 and . <= 30"],
                ["select_one yn", "hasChildren", "Có trẻ em?", "Children?", None, "yes", "${members} > 1", None],
                ["select_multiple needs", "needs", "Nhu cầu", "Needs", None, None, "${hasChildren} = 'yes'", None],
                ["text", "phone", "Điện thoại", "Phone", None, None, None, "regex(., '^0[0-9]{9}$')"],
                ["end_group", None, None, None, None, None, None, None],
                ["calculate", "adults", "Người lớn", "Adults", None, None, None, None, "${members} - 1"],
            ],
            "choices": [
                ["list_name", "name", "label::Vietnamese (vi)", "label::English (en)"],
                ["yn", "yes", "Có", "Yes"],
                ["yn", "no", "Không", "No"],
                ["needs", "school", "Trường học", "School"],
                ["needs", "clinic", "Trạm y tế", "Clinic"],
            ],
            "settings": [["form_title", "form_id", "default_language"], ["Khảo sát hộ", "ks-ho", "Vietnamese (vi)"]],
        }
    )
    first = definition_from_workbook(data)
    assert first.problems == []
    members = first.definition["fields"][0]["fields"][0]
    assert (members["minimum"], members["maximum"], members["help"]) == (1, 30, {"en": "All who live here"})
    exported = workbook_from_definition(first.definition)
    assert convert(exported, file_type=".xlsx").xform  # what we hand back, KoboToolbox and ODK can read
    second = definition_from_workbook(exported)
    assert (second.definition, second.problems) == (first.definition, [])


def test_a_kobo_matrix_reads_as_a_grid():
    kobo = workbook(
        {
            "survey": [
                ["type", "name", "label", "kobo--matrix_list"],
                ["begin_kobomatrix", "rooms", "Phòng", "rooms"],
                ["integer", "seats", "Số chỗ", None],
                ["select_one yn", "ok", "Đạt?", None],
                ["end_kobomatrix", "", None, None],
            ],
            "choices": [["list_name", "name", "label"], ["rooms", "r1", "Phòng 1"], ["yn", "y", "Có"]],
        }
    )
    imported = definition_from_workbook(kobo, key="rooms-form")
    (grid,) = imported.definition["fields"]
    assert (grid["type"], grid["rows"]) == ("grid", [{"key": "r1", "label": {"vi": "Phòng 1"}}])
    assert grid["columns"] == [{"type": "integer", "name": "seats", "label": {"vi": "Số chỗ"}}]
    assert [(p.path, p.code) for p in imported.problems] == [("survey:4", "import_type_dropped")]
