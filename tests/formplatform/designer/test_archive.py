"""Archiving a form stops new submissions (page, HTML and API) and keeps everything already there."""

from __future__ import annotations

from typing import Any

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, valid_answers
from tests.formplatform.designer.pages_support import KEY, events, make_form, submit, token


def status_of(key: str = KEY) -> str:
    from formplatform.models import Form

    return Form.objects(id=key).only("status").first().status


def count() -> int:
    from formplatform.models import Submission

    return Submission.objects.count()


def test_archiving_asks_first_then_archives_and_is_audited(app, client, city, designer):
    make_form(app, city, 1)
    page = client.get(f"/admin/forms/{KEY}/archive?lang=en").get_data(as_text=True)
    assert "Nobody can submit this form any more" in page and "are kept" in page
    with app.app_context():
        assert status_of() == "active"
    response = client.post(f"/admin/forms/{KEY}/archive", data={"csrf_token": designer})
    assert response.status_code == 302 and "done=archived" in response.headers["Location"]
    assert "is archived" in client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    with app.app_context():
        assert status_of() == "archived"
        (event,) = events("form.archive")
        assert event.target_id == KEY and event.after == {"status": "archived"}
    again = client.post(f"/admin/forms/{KEY}/archive", data={"csrf_token": designer})
    assert again.status_code == 409


def test_an_archived_form_refuses_submissions_everywhere_and_stores_nothing(app, client, city, designer):
    survey = {**sample_v1("hai-long"), "kind": "questionnaire"}
    from formplatform.services.forms import publish_form, save_draft

    with app.app_context():
        save_draft("hai-long", survey, None, owner_agency_id=city.id("home_affairs"))
        publish_form("hai-long", None)
    make_form(app, city, 1)
    submit(app, city, 1)
    old = client.get(f"/api/v1/forms/{KEY}/submissions", headers=token(client, "cv_q1")).get_json()["items"][0]
    token_ = designer
    for key in (KEY, "hai-long"):
        assert client.post(f"/admin/forms/{key}/archive", data={"csrf_token": token_}).status_code == 302
    with app.app_context():
        before = count()
    public = app.test_client()
    fill = public.get("/forms/hai-long?lang=en")
    assert fill.status_code == 410 and "archived" in fill.get_data(as_text=True)
    assert "form_archived" in fill.get_data(as_text=True)
    anonymous = public.post("/api/v1/forms/hai-long/submissions", json={"data": valid_answers()})
    assert anonymous.status_code == 410 and anonymous.get_json()["error"]["code"] == "form_archived"
    filer = token(client, "cv_q1")
    refused = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": valid_answers()}, headers=filer)
    assert refused.status_code == 410 and refused.get_json()["error"]["code"] == "form_archived"
    specialist = app.test_client()
    log_in(specialist, "cv_q1", CITY_PASSWORD)
    html_post = specialist.post(
        f"/forms/{KEY}/versions/1", data={"agency": "Q1", "csrf_token": csrf_token(specialist, "/admin/forms")}
    )
    assert html_post.status_code == 410 and "form_archived" in html_post.get_data(as_text=True)
    with app.app_context():
        assert count() == before
    # what was filed before stays readable
    assert client.get(f"/api/v1/submissions/{old['id']}", headers=filer).status_code == 200
    assert specialist.get(f"/forms/{KEY}/submissions/{old['id']}").status_code == 200
    assert len(client.get(f"/api/v1/forms/{KEY}/submissions", headers=filer).get_json()["items"]) == 1


def test_restoring_accepts_submissions_again(app, client, city, designer):
    make_form(app, city, 1)
    client.post(f"/admin/forms/{KEY}/archive", data={"csrf_token": designer})
    response = client.post(f"/admin/forms/{KEY}/restore", data={"csrf_token": designer})
    assert response.status_code == 302 and "done=restored" in response.headers["Location"]
    with app.app_context():
        assert status_of() == "active" and len(events("form.restore")) == 1
    filer = token(client, "cv_q1")
    assert (
        client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": valid_answers()}, headers=filer).status_code
        == 201
    )
    assert client.post(f"/admin/forms/{KEY}/restore", data={"csrf_token": designer}).status_code == 409


def test_api_archives_and_restores(app, client, city):
    make_form(app, city, 1)
    headers = token(client)
    archived = client.post(f"/api/v1/forms/{KEY}/archive", headers=headers)
    assert archived.status_code == 200 and archived.get_json()["status"] == "archived"
    twice = client.post(f"/api/v1/forms/{KEY}/archive", headers=headers)
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "form_already_archived"
    assert client.get("/api/v1/forms").get_json()["count"] == 0  # the public list hides it
    restored = client.post(f"/api/v1/forms/{KEY}/restore", headers=headers)
    assert restored.status_code == 200 and restored.get_json()["status"] == "active"
    assert (
        client.post(f"/api/v1/forms/{KEY}/restore", headers=headers).get_json()["error"]["code"] == "form_not_archived"
    )
    assert client.post(f"/api/v1/forms/{KEY}/archive", headers=token(client, "cv_q1")).status_code == 403


def test_archived_forms_versions_stay_open_to_designers(app: Any, client: Any, city: Any, designer: str) -> None:
    make_form(app, city, 1)
    client.post(f"/admin/forms/{KEY}/archive", data={"csrf_token": designer})
    assert client.get(f"/admin/forms/{KEY}/versions").status_code == 200
    assert client.get(f"/admin/forms/{KEY}/versions/1").status_code == 200
    assert client.get(f"/api/v1/forms/{KEY}/versions/1").status_code == 200
