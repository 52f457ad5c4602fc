"""Failing fast while the database does not answer: 503 with Retry-After, never a 500, and /healthz says so.
(The real thing, a killed database, is in tests/test_supervision.py; here the driver's error is simulated.)"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError

from formplatform.services import forms


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_answer(*args: Any, **kwargs: Any) -> Any:
        raise ServerSelectionTimeoutError("127.0.0.1:27017: [Errno 111] Connection refused")

    monkeypatch.setattr(forms, "list_forms", no_answer)
    monkeypatch.setattr("formplatform.db.mongoengine.get_db", no_answer)


def test_healthz_is_ok_and_names_each_part(client: Any) -> None:
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["app"] == "up" and body["database"]["state"] == "up" and body["database"]["reachable"]


def test_healthz_says_the_database_is_down(client: Any, database_down: None) -> None:
    response = client.get("/healthz")
    body = response.get_json()
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert body["status"] == "degraded" and body["app"] == "up"
    assert body["database"]["state"] == "down" and body["database"]["error"] == "ServerSelectionTimeoutError"


def test_a_page_answers_503_in_both_languages_without_the_database(client: Any, database_down: None) -> None:
    response = client.get("/", headers={"Accept": "text/html"})
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Cơ sở dữ liệu tạm thời không phản hồi" in text and "The database is not answering right now" in text
    assert 'http-equiv="refresh"' in text


def test_the_api_answers_503_in_its_error_shape(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def dropped(*args: Any, **kwargs: Any) -> Any:
        raise AutoReconnect("connection closed")

    monkeypatch.setattr(forms, "list_forms", dropped)
    response = client.get("/api/v1/forms")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "database_unavailable"
    assert response.get_json()["error"]["message"]
