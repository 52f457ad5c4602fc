"""Issue 22: a wrong-type answer is explained with the type's name in the reader's language ("cần số nguyên",
never "cần integer"), while the problem's params keep the stable JSON Schema name for API clients."""

from __future__ import annotations

import pytest

from i18n.messages import FORMAT_NAMES, TYPE_NAMES, problem_message
from tests.fixtures.definitions import sample_v1, valid_answers

KEY = "sample-report"


def test_a_wrong_type_is_worded_in_vietnamese_and_english_through_the_api(client, admin_headers):
    assert client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v1(), headers=admin_headers).status_code in (200, 201)
    assert client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers).status_code in (200, 201)
    bad = {"data": {**valid_answers(), "staff": "mười hai"}}
    errors = {}
    for lang in ("vi", "en"):
        response = client.post(f"/api/v1/forms/{KEY}/submissions?lang={lang}", json=bad, headers=admin_headers)
        assert response.status_code == 422
        errors[lang] = {e["path"]: e for e in response.get_json()["error"]["errors"]}["staff"]
    assert errors["vi"]["code"] == "type" and errors["vi"]["params"] == {"expected": "integer"}
    assert errors["vi"]["message"] == "Giá trị sai kiểu dữ liệu (cần số nguyên)."
    assert errors["en"]["message"] == "This value has the wrong type (expected a whole number)."


@pytest.mark.parametrize("name", sorted(TYPE_NAMES))
def test_no_type_name_stays_english_in_a_vietnamese_message(app, name):
    with app.test_request_context("/?lang=vi"):
        message = problem_message("type", {"expected": name})
    assert message.startswith("Giá trị sai kiểu dữ liệu (cần ") and name not in message


def test_formats_are_worded_and_other_params_are_left_alone(app):
    with app.test_request_context("/?lang=vi"):
        assert problem_message("format", {"format": "email"}) == "Vui lòng nhập giá trị hợp lệ (địa chỉ thư điện tử)."
        assert problem_message("format", {"format": "ipv4"}).endswith("(ipv4).")  # no word for it: kept
        assert "integer" in problem_message("key_mismatch", {"expected": "integer"})  # a form key, not a type
    with app.test_request_context("/?lang=en"):
        assert problem_message("format", {"format": "date"}) == "Enter a valid value (a date, day/month/year)."
    assert set(FORMAT_NAMES) >= {"date", "email"}
