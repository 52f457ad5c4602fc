"""Form.io import: fields, labels and conditions arrive; every unsupported construct is reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from form_definitions.checks import check_definition
from form_definitions.interchange import definition_from_formio
from form_definitions.walk import data_fields

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "formio_sample.json"


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def by_name(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {f["name"]: f for f in data_fields(definition["fields"])}
    found.update({f["name"]: f for f in definition["fields"] if f["type"] == "section"})
    return found


def pairs(problems: list[Any]) -> list[tuple[str, str]]:
    return [(p.path, p.code) for p in problems]


def test_the_sample_form_arrives_with_fields_labels_and_conditions():
    imported = definition_from_formio(sample(), key="khao-sat-hai-long")
    definition = imported.definition
    assert definition["key"] == "khao-sat-hai-long" and definition["kind"] == "questionnaire"
    assert definition["title"] == {"vi": "Khảo sát mức độ hài lòng khi nộp hồ sơ"}
    assert [f.get("name") for f in definition["fields"]] == [
        None, "thongTinChung", "kenhNop", "quanHuyen", "vanDe", "chiTietVanDe", "daNhanKetQua",
        "ngayNhan", "lyDoChuaNhan", "canBoTiepNhan", "giayHen", "ghiChuNguoiCaoTuoi", "diemTrungBinh",
    ]  # fmt: skip
    fields = by_name(definition)
    intro = definition["fields"][0]
    assert intro == {
        "type": "static",
        "content": {"vi": "Xin ông/bà dành một phút cho phiếu khảo sát này.\nPhiếu không ghi tên."},
    }
    general = fields["thongTinChung"]
    assert general["type"] == "section" and general["label"] == {"vi": "Thông tin chung"}
    # The columns layout is gone; its two fields stay in place, in order.
    assert [f["name"] for f in general["fields"]] == ["hoTen", "email", "soDienThoai", "tuoi", "ngayNop"]
    assert fields["hoTen"] == {
        "type": "text",
        "name": "hoTen",
        "label": {"vi": "Họ và tên"},
        "help": {"vi": "Ghi đầy đủ họ tên như trên giấy tờ tùy thân."},
        "required": True,
        "max_length": 100,
    }
    assert fields["soDienThoai"]["type"] == "phone" and fields["soDienThoai"]["help"] == {
        "vi": "Để cơ quan liên hệ khi cần."
    }
    assert (fields["tuoi"]["type"], fields["tuoi"]["minimum"], fields["tuoi"]["maximum"]) == ("integer", 18, 100)
    assert fields["ngayNop"] == {
        "type": "date", "name": "ngayNop", "label": {"vi": "Ngày nộp hồ sơ"}, "required": True, "minimum": "2024-01-01"
    }  # fmt: skip
    assert [o["value"] for o in fields["kenhNop"]["options"]] == ["counter", "online", "postal"]
    assert fields["kenhNop"]["options"][0]["label"] == {"vi": "Trực tiếp tại Bộ phận Một cửa"}
    assert fields["kenhNop"]["required"] is True and "widget" not in fields["kenhNop"]
    assert fields["quanHuyen"]["widget"] == "select"
    assert fields["vanDe"]["type"] == "multi_choice"
    assert fields["chiTietVanDe"]["visible_if"] == {"in": ["thai_do", {"var": "vanDe"}]}
    assert fields["daNhanKetQua"]["type"] == "yes_no"
    assert fields["ngayNhan"]["visible_if"] == {"==": [{"var": "daNhanKetQua"}, True]}
    assert fields["lyDoChuaNhan"]["visible_if"] == {"!=": [{"var": "daNhanKetQua"}, True]}
    grid = fields["canBoTiepNhan"]
    assert (grid["type"], grid["max_items"]) == ("group", 5)
    assert grid["fields"][1] == {
        "type": "decimal", "name": "diemDanhGia", "label": {"vi": "Điểm đánh giá"}, "minimum": 0, "maximum": 10,
        "decimals": 1,
    }  # fmt: skip
    assert fields["giayHen"]["accept"] == ["application/pdf", "image/jpeg"]
    assert fields["giayHen"]["max_size"] == 5 * 1024 * 1024
    # The scripted condition and calculation are not run, so these fields are plain (and reported below).
    assert "visible_if" not in fields["ghiChuNguoiCaoTuoi"] and fields["diemTrungBinh"]["type"] == "decimal"
    assert check_definition(definition) == []


def test_every_unsupported_item_of_the_sample_is_reported_once():
    problems = definition_from_formio(sample(), key="khao-sat").problems
    assert [p for p in problems if p.code == "import_renamed"] == []  # camelCase data keys are kept as they are
    others = [(p.path, p.code, p.params.get("property") or p.params.get("type")) for p in problems]
    assert [o for o in others if o[1] != "import_renamed"] == [
        ("components[0]", "import_markup_dropped", None),
        ("components[1].components[1]", "import_layout_flattened", "columns"),
        ("components[7]", "import_time_dropped", None),
        ("components[11]", "import_javascript", "customConditional"),
        ("components[12]", "import_javascript", "calculateValue"),
        ("components[12]", "import_unsupported_setting", "disabled"),
        ("components[13]", "import_unsupported_component", "signature"),
        ("components[14]", "import_unsupported_component", "hidden"),
        ("components[15]", "import_unsupported_component", "button"),
    ]
    assert {p.params["key"] for p in problems} >= {"chuKy", "maHoSo", "submit", "columns1"}


def test_json_text_and_language_choice():
    imported = definition_from_formio(SAMPLE.read_text(encoding="utf-8"), key="khao-sat", language="en")
    assert imported.definition["title"] == {"en": "Khảo sát mức độ hài lòng khi nộp hồ sơ"}
    assert imported.definition["fields"][2]["label"] == {"en": "Ông/bà đã nộp hồ sơ bằng hình thức nào?"}


NO_TYPE, NOT_OBJECT = "import_formio_no_type", "import_formio_not_object"
IN_PANEL, IN_COLUMN = "components[0].components[0].type", "components[0].columns[0].components[0]"
IN_CELL = "components[0].rows[0][0].components[0]"


@pytest.mark.parametrize(
    ("schema", "code", "key"),
    [
        ("{not json", "import_formio_not_json", None),
        ("[]", "import_formio_not_object", "(root)"),
        ({"title": "x"}, "import_formio_not_list", "components"),
        ({"components": [{"type": "panel", "components": [{"key": "a"}]}]}, NO_TYPE, IN_PANEL),
        ({"components": [{"type": "columns", "columns": [{"components": ["x"]}]}]}, NOT_OBJECT, IN_COLUMN),
        ({"components": [{"type": "table", "rows": {"a": 1}}]}, "import_formio_not_list", "components[0].rows"),
        ({"components": [{"type": "columns", "columns": ["bad"]}]}, NOT_OBJECT, "components[0].columns[0]"),
        ({"components": [{"type": "table", "rows": [[{"components": [5]}]]}]}, NOT_OBJECT, IN_CELL),
    ],
)  # fmt: skip
def test_unreadable_forms_say_which_key_is_wrong(schema, code, key):
    imported = definition_from_formio(schema, key="x-form")
    assert imported.definition is None
    (problem,) = imported.problems
    assert problem.code == code and problem.params.get("key") == key


def component(type_: str, key: str, **settings: Any) -> dict[str, Any]:
    return {"type": type_, "key": key, "label": key.replace("_", " ").title(), "input": True, **settings}


def test_wizard_pages_tabs_tables_and_surveys():
    form = {
        "title": "Wizard",
        "display": "wizard",
        "components": [
            component("panel", "page1", title="Trang 1", components=[component("textfield", "a")]),
            component(
                "tabs",
                "tabs",
                components=[{"key": "tab_one", "label": "Thẻ 1", "components": [component("checkbox", "b")]}],
            ),
            component("table", "table", rows=[[{"components": [component("email", "c")]}, {"components": []}]]),
            component(
                "survey",
                "rate",
                questions=[{"label": "Nhanh", "value": "speed"}, {"label": "Thân thiện", "value": "manner"}],
                values=[{"label": "Tốt", "value": "good"}, {"label": "Kém", "value": "poor"}],
                validate={"required": True},
            ),
            component("select", "remote", dataSrc="url", data={"url": "https://example.org/list"}),
        ],
    }
    imported = definition_from_formio(form, key="wizard")
    fields = imported.definition["fields"]
    assert [(f["type"], f.get("name")) for f in fields] == [
        ("section", "page1"), ("section", "tab_one"), ("email", "c"), ("section", "rate"),
    ]  # fmt: skip
    assert fields[1]["label"] == {"vi": "Thẻ 1"} and fields[1]["fields"][0]["type"] == "yes_no"
    speed = fields[3]["fields"][0]
    assert speed["name"] == "rate_speed" and speed["required"] is True
    assert [o["value"] for o in speed["options"]] == ["good", "poor"]
    assert pairs(imported.problems) == [
        ("components[2]", "import_layout_flattened"),
        ("components[4]", "import_unsupported_component"),
    ]


def test_new_style_and_json_logic_conditions():
    form = {
        "title": "Điều kiện",
        "components": [
            component("number", "age", validate={"integer": True}),
            component("radio", "kind", values=[{"label": "A", "value": "a"}]),
            component(
                "textfield",
                "x",
                conditional={
                    "show": True,
                    "conjunction": "any",
                    "conditions": [
                        {"component": "age", "operator": "greaterThan", "value": 60},
                        {"component": "kind", "operator": "isEqual", "value": "a"},
                    ],
                },
            ),
            component("textfield", "y", conditional={"json": {">=": [{"var": "data.age"}, 18]}}),
            component("textfield", "z", conditional={"json": {"==": [{"var": "instance.x"}, 1]}}),
        ],
    }
    imported = definition_from_formio(form, key="rules")
    fields = {f["name"]: f for f in imported.definition["fields"]}
    assert fields["x"]["visible_if"] == {"or": [{">": [{"var": "age"}, 60]}, {"==": [{"var": "kind"}, "a"]}]}
    assert fields["y"]["visible_if"] == {">=": [{"var": "age"}, 18]}
    assert "visible_if" not in fields["z"]
    assert pairs(imported.problems) == [("components[4]", "import_bad_condition")]


def test_json_logic_calculations_become_formulas_and_empty_choices_are_reported():
    form = {
        "components": [
            component("number", "price"),
            component("number", "total", calculateValue={"*": [{"var": "data.price"}, 2]}, decimalLimit=0),
            component("number", "scripted", calculateValue="value = data.price * 2;"),
            component("select", "remote", data={"values": []}),
        ]
    }
    imported = definition_from_formio(form, filename="Bang gia.json")
    total = imported.definition["fields"][1]
    assert total == {
        "type": "calculated",
        "name": "total",
        "label": {"vi": "Total"},
        "formula": {"*": [{"var": "price"}, 2]},
    }
    assert [f["name"] for f in imported.definition["fields"]] == ["price", "total", "scripted"]
    assert imported.definition["key"] == "bang-gia"
    assert [(p.path, p.code, p.params["key"]) for p in imported.problems] == [
        ("components[2]", "import_javascript", "scripted"),
        ("components[3]", "import_no_options", "remote"),
    ]


def test_url_and_time_are_asked_as_checked_text_and_custom_messages_are_reported():
    form = {
        "components": [
            component("url", "site"),
            component("time", "opens", validate={"required": True, "customMessage": "Giờ mở cửa?"}),
        ]
    }
    imported = definition_from_formio(form, key="x-form")
    site, opens = imported.definition["fields"]
    assert (site["type"], opens["type"], opens["required"]) == ("text", "text", True)
    assert site["pattern"].startswith("^https?") and opens["pattern"].startswith("^([01]")
    assert [(p.code, p.params["key"], p.params.get("property")) for p in imported.problems] == [
        ("import_component_changed", "site", None),
        ("import_unsupported_setting", "opens", "validate.customMessage"),
        ("import_component_changed", "opens", None),
    ]


def test_problems_the_checks_find_point_at_the_component():
    form = {
        "components": [
            component("textfield", "phone"),
            component("panel", "p", components=[component("email", "phone")]),
        ]
    }
    imported = definition_from_formio(form, key="x-form")
    (duplicate,) = [p for p in imported.problems if p.code == "duplicate_name"]
    assert (duplicate.path, duplicate.params["component"]) == (
        "components[1].components[0]",
        "components[1].components[0]",
    )
