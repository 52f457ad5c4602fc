"""Importing XLSForm workbooks and Form.io forms: a report by row first, the draft only on request."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import openpyxl

from form_definitions.interchange import workbook_from_definition
from tests.fixtures.definitions import sample_v1
from tests.formplatform.designer.pages_support import KEY, events, make_form, token

FORMIO = {
    "title": "Khảo sát nhanh",
    "components": [
        {"type": "textfield", "key": "fullName", "label": "Họ tên", "input": True, "validate": {"required": True}},
        {
            "type": "radio",
            "key": "ok",
            "label": "Hài lòng?",
            "input": True,
            "values": [{"value": "yes", "label": "Có"}, {"value": "no", "label": "Không"}],
        },
        {"type": "button", "key": "submit", "label": "Gửi", "input": True},
    ],
}


def workbook(key: str = "xls-demo", extra_rows: list[list[Any]] | None = None, drop: str = "") -> bytes:
    """The sample definition exported as a workbook, with rows appended to its survey sheet."""
    book = openpyxl.load_workbook(io.BytesIO(workbook_from_definition(sample_v1(key))))
    for row in extra_rows or []:
        book["survey"].append(row)
    if drop:
        del book[drop]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Any, token_: str, name: str, data: bytes, **fields: str) -> Any:
    body = {"csrf_token": token_, "file": (io.BytesIO(data), name), **fields}
    return client.post("/admin/forms/import?lang=en", data=body, content_type="multipart/form-data")


def forms_count() -> int:
    from formplatform.models import Form

    return Form.objects.count()


def test_workbook_report_lists_problems_by_row_then_creates_the_draft(app, client, city, designer):
    data = workbook(extra_rows=[["geopoint", "where", "Vị trí", "Where"], ["start", "started"]])
    response = upload(client, designer, "mau.xlsx", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    row = openpyxl.load_workbook(io.BytesIO(workbook()))["survey"].max_row + 1  # the first appended row
    changed = re.search(r'data-testid="import-changed">(.*?)</table>', html, re.S).group(1)
    assert re.search(rf"<code>survey</code></td>\s*<td class=\"fp-num\">{row}</td>", changed)
    assert "the question type geopoint is asked as text here" in changed
    dropped = re.search(r'data-testid="import-warnings">(.*?)</table>', html, re.S).group(1)
    assert f"Sheet survey, row {row + 1}: the question type start has no equivalent here" in dropped
    assert "What will be created" in html and 'name="title_en" type="text" value="Sample report"' in html
    assert "<code>xls-demo</code>" in html and "Sample report" in html
    assert "<code>scored_choice</code> 1" in html  # the summary of fields found
    with app.app_context():
        assert forms_count() == 0  # nothing saved by the report
    carried = re.search(r'name="definition" value="([^"]*)"', html).group(1)
    created = client.post(
        "/admin/forms/import",
        data={"csrf_token": designer, "step": "create", "source": "xlsform", "definition": _unescape(carried)},
    )
    assert created.status_code == 302 and created.headers["Location"].endswith("/admin/forms/xls-demo/design")
    with app.app_context():
        from formplatform.models import Form

        form = Form.objects(id="xls-demo").first()
        assert form.owner_agency_id == city.id("home_affairs") and form.draft["fields"][2]["name"] == "quality"
        (event,) = events("form.import")
        assert event.details == {"source": "xlsform", "fields": 6}  # the geopoint, asked as text, is one


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


def test_the_create_step_checks_everything_again(app, client, city, designer):
    make_form(app, city, 1)
    tampered = json.dumps({**sample_v1("xls-demo"), "fields": [{"type": "nope"}]})
    response = client.post(
        "/admin/forms/import?lang=en",
        data={"csrf_token": designer, "step": "create", "source": "xlsform", "definition": tampered},
    )
    assert response.status_code == 422 and "Unknown field type" in response.get_data(as_text=True)
    taken = json.dumps(sample_v1(KEY))
    again = client.post(
        "/admin/forms/import?lang=en",
        data={"csrf_token": designer, "step": "create", "source": "xlsform", "definition": taken},
    )
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    broken = client.post("/admin/forms/import", data={"csrf_token": designer, "step": "create", "definition": "{x"})
    assert broken.status_code == 400
    with app.app_context():
        assert forms_count() == 1


def test_import_into_an_existing_key_is_refused_without_a_create_button(app, client, city, designer):
    make_form(app, city, 1)
    response = upload(client, designer, "mau.xlsx", workbook(KEY))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and f"A form with the key {KEY} already exists" in html
    assert 'name="step" value="create"' not in html
    renamed = upload(client, designer, "mau.xlsx", workbook(KEY), key="ban-moi")
    assert renamed.status_code == 200 and "<code>ban-moi</code>" in renamed.get_data(as_text=True)


def test_a_workbook_without_a_survey_sheet_is_fatal(app, client, designer):
    response = upload(client, designer, "mau.xlsx", workbook(drop="survey"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "The workbook has no sheet named survey." in html
    assert "No draft can be created from this file" in html and 'value="create"' not in html


def test_formio_key_falls_back_to_the_file_name_and_labels_take_the_chosen_language(app, client, designer):
    data = json.dumps(FORMIO).encode()
    unnamed = upload(client, designer, "Khao sat.json", data)
    assert unnamed.status_code == 200 and "<code>khao-sat</code>" in unnamed.get_data(as_text=True)
    response = upload(client, designer, "khao-sat.json", data, key="khao-sat", language="en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "fullName" in html and "full_name" not in html and "components[2]" in html  # data keys kept
    carried = json.loads(_unescape(re.search(r'name="definition" value="([^"]*)"', html).group(1)))
    assert carried["fields"][0]["label"] == {"en": "Họ tên"} and carried["fields"][0]["name"] == "fullName"
    created = client.post(
        "/admin/forms/import",
        data={"csrf_token": designer, "step": "create", "source": "formio", "definition": json.dumps(carried)},
    )
    assert created.status_code == 302


def test_uploads_of_the_wrong_type_or_size_are_refused_and_nothing_saved(app, client, designer, monkeypatch):
    cases = [
        ("notes.txt", b"hello", 400, "Upload an XLSForm workbook (.xlsx) or a Form.io form (.json)."),
        ("fake.xlsx", b"not a zip at all", 400, "the content does not match its type"),
        ("fake.json", b"PK\x03\x04", 400, "the content does not match its type"),
        ("bad.json", b'{"components": [', 400, "the content does not match its type"),
    ]
    for name, data, status, message in cases:
        response = upload(client, designer, name, data, key="thu")
        assert response.status_code == status, name
        assert message in response.get_data(as_text=True), name
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1000)
    large = upload(client, designer, "big.xlsx", workbook())
    assert large.status_code == 413 and "larger than the upload limit" in large.get_data(as_text=True)
    empty = client.post("/admin/forms/import", data={"csrf_token": designer}, content_type="multipart/form-data")
    assert empty.status_code == 400
    with app.app_context():
        assert forms_count() == 0


def test_api_import_dry_run_then_create(app, client, city):
    headers = token(client)
    data = workbook(extra_rows=[["geopoint", "where", "Vị trí", "Where"]])

    def post(query: str = "", **fields: Any) -> Any:
        body = {"file": (io.BytesIO(fields.pop("data", data)), fields.pop("name", "mau.xlsx")), **fields}
        return client.post(
            f"/api/v1/forms/import{query}", data=body, headers=headers, content_type="multipart/form-data"
        )

    dry = post("?dry_run=1")
    report = dry.get_json()
    assert dry.status_code == 200 and report["fatal"] is False and report["definition"]["key"] == "xls-demo"
    row = openpyxl.load_workbook(io.BytesIO(workbook()))["survey"].max_row + 1
    assert report["warnings"][0]["path"] == f"survey:{row}" and report["summary"]["scored_choice"] == 1
    with app.app_context():
        assert forms_count() == 0
    created = post()
    assert created.status_code == 201 and created.get_json()["key"] == "xls-demo"
    refused = post()
    assert refused.status_code == 422
    assert refused.get_json()["error"]["errors"][0]["code"] == "import_key_exists"
    wrong = post(data=b"plain", name="x.csv")
    assert wrong.status_code == 400 and wrong.get_json()["error"]["code"] == "form_import_file_type"
    assert client.post("/api/v1/forms/import", headers=headers).get_json()["error"]["code"] == "file_required"


def test_refusals_name_sheet_and_row_in_the_users_language(app, client, designer):
    book = openpyxl.Workbook()
    book.active.title = "survey"
    for row in (["type", "name", "label"], ["text", "a", "A"], ["end_group", "", ""]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    body = {"csrf_token": designer, "file": (io.BytesIO(buffer.getvalue()), "hong.xlsx")}
    response = client.post("/admin/forms/import?lang=vi", data=body, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    blocking = re.search(r'data-testid="import-blocking">(.*?)</table>', html, re.S).group(1)
    assert "Trang tính survey, dòng 3: không đọc được XLSForm" in blocking
    assert re.search(r"<code>survey</code></td>\s*<td class=\"fp-num\">3</td>", blocking)


def test_title_falls_back_to_the_file_name_and_the_designer_sets_key_and_titles_before_creating(
    app, client, city, designer
):
    book = openpyxl.Workbook()
    book.active.title = "survey"
    for row in (["type", "name", "label"], ["text", "fullName", "Họ tên"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, designer, "Phieu dang ky.xlsx", buffer.getvalue())
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<code>phieu-dang-ky</code>" in html
    carried = _unescape(re.search(r'name="definition" value="([^"]*)"', html).group(1))
    assert json.loads(carried)["title"] == {"vi": "Phieu dang ky"}
    created = client.post(
        "/admin/forms/import",
        data={
            "csrf_token": designer,
            "step": "create",
            "source": "xlsform",
            "definition": carried,
            "key": "dang-ky",
            "title_vi": "Phiếu đăng ký",
            "title_en": "Registration",
        },
    )
    assert created.status_code == 302 and created.headers["Location"].endswith("/admin/forms/dang-ky/design")
    with app.app_context():
        from formplatform.models import Form

        draft = Form.objects(id="dang-ky").first().draft
        assert draft["title"] == {"vi": "Phiếu đăng ký", "en": "Registration"}
        assert draft["fields"][0]["name"] == "fullName"  # the data key is kept as it was
