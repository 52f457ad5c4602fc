"""Starting a form (details or pasted JSON) and duplicating one, as pages and over the API."""

from __future__ import annotations

from typing import Any

import pytest

from form_definitions.walk import data_fields
from tests.fixtures.definitions import sample_v1
from tests.formplatform.designer.pages_support import (
    KEY,
    designer_session,
    events,
    make_form,
    token,
)

NEW = {
    "key": "bao-cao-quy",
    "kind": "report",
    "title_vi": "Báo cáo quý",
    "title_en": "Quarterly report",
    "description_vi": "Báo cáo định kỳ hằng quý",
    "description_en": "",
}


def stored(key: str) -> Any:
    from formplatform.models import Form

    return Form.objects(id=key).first()


def test_new_form_page_explains_the_kinds(client, designer):
    html = client.get("/admin/forms/new?lang=en").get_data(as_text=True)
    for words in ("Periodic report", "KPI sheet", "Scored self-assessment", "Questionnaire", "without an account"):
        assert words in html
    assert 'name="owner_agency_id"' not in html  # thietke designs for one agency only
    assert "paste a complete definition" in html


def test_creating_a_form_starts_an_empty_draft_and_opens_the_designer(app, client, city, designer):
    response = client.post("/admin/forms/new", data={**NEW, "csrf_token": designer})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/forms/bao-cao-quy/design")
    with app.app_context():
        form = stored("bao-cao-quy")
        assert form.owner_agency_id == city.id("home_affairs") and form.latest_version == 0
        assert form.draft["fields"] == [] and form.draft["kind"] == "report"
        assert form.draft["title"] == {"vi": "Báo cáo quý", "en": "Quarterly report"}
        assert form.draft["description"] == {"vi": "Báo cáo định kỳ hằng quý"}
        assert [e.target_id for e in events("form.create")] == ["bao-cao-quy"]


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("key", ["Bao-Cao", "1bao", "a", "bao cao", "bao_cao", "x" * 65, "báo-cáo"])
def test_bad_keys_are_refused_with_a_message_and_nothing_saved(app, client, designer, key, lang):
    response = client.post(f"/admin/forms/new?lang={lang}", data={**NEW, "key": key, "csrf_token": designer})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in html
    if lang == "en":
        assert "lower-case letters without accents, digits and dashes" in html
    with app.app_context():
        from formplatform.models import Form

        assert Form.objects.count() == 0


def test_a_taken_key_and_a_missing_title_are_refused(app, client, city, designer):
    make_form(app, city, 1)
    response = client.post(
        "/admin/forms/new?lang=en", data={**NEW, "key": KEY, "title_vi": "", "title_en": "", "csrf_token": designer}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"A form with the key {KEY} already exists." in html
    assert "Enter the title in Vietnamese or in English." in html
    with app.app_context():
        assert stored(KEY).draft_revision == 1  # the existing draft is untouched


def test_an_unknown_kind_is_refused(client, designer):
    response = client.post("/admin/forms/new", data={**NEW, "kind": "novel", "csrf_token": designer})
    assert response.status_code == 422


def test_owner_agency_only_within_the_designers_scope(app, client, city):
    token_ = designer_session(client, "quantri")
    html = client.get("/admin/forms/new").get_data(as_text=True)
    assert 'name="owner_agency_id"' in html  # the city administrator designs everywhere
    data = {**NEW, "owner_agency_id": city.id("justice"), "csrf_token": token_}
    assert client.post("/admin/forms/new", data=data).status_code == 302
    with app.app_context():
        assert stored("bao-cao-quy").owner_agency_id == city.id("justice")
    other = designer_session(client, "thietke")
    refused = client.post(
        "/admin/forms/new?lang=en",
        data={**NEW, "key": "khac", "owner_agency_id": city.id("justice"), "csrf_token": other},
    )
    assert refused.status_code == 422 and "You may not design forms for this agency." in refused.get_data(as_text=True)


def test_pasting_a_definition_is_the_second_option_and_refuses_existing_keys(app, client, city, designer):
    import json

    saved = client.post(
        "/admin/forms/new", data={"definition": json.dumps(sample_v1("dan-json")), "csrf_token": designer}
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/admin/forms/dan-json/draft?saved=1")
    again = client.post(
        "/admin/forms/new?lang=en", data={"definition": json.dumps(sample_v1("dan-json")), "csrf_token": designer}
    )
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    bad = client.post("/admin/forms/new?lang=en", data={"definition": "{oops", "csrf_token": designer})
    assert bad.status_code == 422 and "not valid JSON" in bad.get_data(as_text=True)
    listed = client.post("/admin/forms/new", data={"definition": "[1, 2]", "csrf_token": designer})
    assert listed.status_code == 422


def test_api_creates_a_form_and_explains_refusals(app, client, city):
    headers = token(client)
    body = {"key": "kpi-thang", "kind": "kpi_sheet", "title": {"vi": "KPI tháng", "en": "Monthly KPI"}}
    created = client.post("/api/v1/forms", json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["key"] == "kpi-thang"
    again = client.post("/api/v1/forms?lang=en", json=body, headers=headers)
    assert again.status_code == 422
    errors = again.get_json()["error"]["errors"]
    assert errors[0]["path"] == "key" and errors[0]["code"] == "key_taken"
    bad = client.post("/api/v1/forms", json={**body, "key": "KPI"}, headers=headers).get_json()["error"]
    assert bad["code"] == "invalid_form_details" and bad["errors"][0]["code"] == "key_format"
    assert client.post("/api/v1/forms", data="nope", headers=headers).status_code == 400
    assert client.post("/api/v1/forms", json=["x"], headers=headers).status_code == 400


def concepts(definition: dict[str, Any]) -> set[str]:
    found = set()
    for spec in data_fields(definition["fields"]):
        found |= {spec.get("concept")} | {c.get("concept") for c in spec.get("columns") or []}
        found |= {f.get("concept") for f in spec.get("fields") or []}
    return found - {None}


def test_duplicating_a_version_gives_a_new_key_titles_and_no_old_concepts(app, client, city, designer):
    make_form(app, city, 1, 2, draft=3)
    page = client.get(f"/admin/forms/{KEY}/duplicate?lang=en").get_data(as_text=True)
    assert "Sample report (copy)" in page and 'value="1"' in page and 'value="2"' in page
    data = {"source": "1", "key": "ban-sao", "title_vi": "Bản sao", "title_en": "Copy", "csrf_token": designer}
    response = client.post(f"/admin/forms/{KEY}/duplicate", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/forms/ban-sao/design")
    from formplatform.services.forms import publish_form

    with app.app_context():
        copy = stored("ban-sao")
        assert copy.draft["key"] == "ban-sao" and copy.draft["title"] == {"vi": "Bản sao", "en": "Copy"}
        assert concepts(copy.draft) == set()
        assert [f["name"] for f in copy.draft["fields"]] == [f["name"] for f in sample_v1()["fields"]]
        assert copy.latest_version == 0 and copy.owner_agency_id == city.id("home_affairs")
        published = publish_form("ban-sao", None).definition
        assert concepts(published) and all(c.startswith("ban-sao.") for c in concepts(published))
        (event,) = events("form.duplicate")
        assert event.target_id == "ban-sao" and event.details == {"source": KEY, "source_version": 1}


def test_duplicating_the_draft_and_refusals(app, client, city, designer):
    make_form(app, city, 1, draft=3)
    data = {"source": "draft", "key": KEY, "title_vi": "X", "csrf_token": designer}
    refused = client.post(f"/admin/forms/{KEY}/duplicate?lang=en", data=data)
    assert refused.status_code == 422 and "already exists" in refused.get_data(as_text=True)
    ok = client.post(f"/admin/forms/{KEY}/duplicate", data={**data, "key": "tu-nhap"})
    assert ok.status_code == 302
    with app.app_context():
        names = [f["name"] for f in stored("tu-nhap").draft["fields"]]
    assert "quality" not in names  # the draft (sample v3) was copied, not version 1
    assert client.post(f"/admin/forms/{KEY}/duplicate", data={**data, "key": "v9", "source": "9"}).status_code == 404


def test_api_duplicates(app, client, city):
    make_form(app, city, 1)
    headers = token(client)
    body = {"key": "copy-api", "title": {"vi": "Bản sao", "en": "Copy"}, "version": 1}
    response = client.post(f"/api/v1/forms/{KEY}/duplicate", json=body, headers=headers)
    assert response.status_code == 201 and response.get_json()["latest_version"] == 0
    refused = client.post(f"/api/v1/forms/{KEY}/duplicate", json={**body, "version": "1"}, headers=headers)
    assert refused.status_code == 422  # the declaration names the member: a version is a whole number, not text
    assert [(e["path"], e["code"]) for e in refused.get_json()["error"]["errors"]] == [("version", "type")]
    assert client.post("/api/v1/forms/nope/duplicate", json=body, headers=headers).status_code == 404
