"""The report pages as its four people use them, one after the other, in a browser-less client.

cv_q1 drafts and submits, tp_q1 sends back then approves, ct_q1 reaches the signing step (the signature
itself is the signatures pages' business: here the service signs with a stand-in), thamdinh returns
for supplementation with comments per section, then compares the resubmission and accepts.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, cchc_data, make_report, users


def form_fields(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Answers as the renderer names its inputs (data paths; yes/no as the radios post them)."""
    fields: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            fields.update(form_fields(value, name))
        elif isinstance(value, bool):
            fields[name] = "yes" if value else "no"
        else:
            fields[name] = str(value)
    return fields


def as_user(client: Any, username: str) -> None:
    """Log the client in as `username` (a fresh session: cookies of the previous person dropped)."""
    client._cookies.clear()
    log_in(client, username, CITY_PASSWORD)


def page(client: Any, report_id: str, **query: str) -> str:
    response = client.get(f"/reports/{report_id}", query_string=query)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} on the page"
    return match.group(1)


def post(client: Any, report_id: str, endpoint: str, **fields: str) -> Any:
    html = page(client, report_id)
    return client.post(f"/reports/{report_id}/{endpoint}", data={"csrf_token": hidden(html, "csrf_token"), **fields})


@pytest.fixture
def report_id(app: Any, city: Any, seeded: Any) -> str:
    with app.app_context():
        return make_report(city, "cchc-report").id


def state_of(app: Any, report_id: str) -> tuple[str, int]:
    from formplatform.reporting.models import Report

    with app.app_context():
        found = Report.objects(id=report_id).first()
        return found.state, found.step


def sign_as_agency_head(app: Any, city: Any, report_id: str) -> None:
    from formplatform.reporting.workflow import approve_report

    with app.app_context():
        approve_report(report_id, users(city)["ct_q1"], signature=FAKE_SIGNATURE)


def test_four_people_take_a_report_through_the_chain_on_its_pages(app, client, city, report_id):
    as_user(client, "cv_q1")
    html = page(client, report_id)
    assert 'id="fp-report-form"' in html and "Save draft" in page(client, report_id, lang="en")
    revision = hidden(html, "revision")
    saved = post(client, report_id, "save", revision=revision, agency="UBND Quận 1", year="20x6")
    assert saved.status_code == 302 and "done=saved" in saved.headers["Location"]
    after_save = client.get(saved.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "The draft is saved." in after_save and "This field is required." in after_save
    assert 'value="20x6"' in after_save  # an invalid value is kept for the person to correct
    refused = post(client, report_id, "submit", revision=hidden(after_save, "revision"), **form_fields({"year": 2026}))
    assert refused.status_code == 422 and state_of(app, report_id) == ("draft", 0)
    answers = form_fields(cchc_data())
    sent = post(client, report_id, "submit", revision=hidden(page(client, report_id), "revision"), **answers)
    assert sent.status_code == 302 and state_of(app, report_id) == ("in_approval", 1)

    as_user(client, "tp_q1")
    html = page(client, report_id, lang="en")
    assert "Your decision" in html and "Approve" in html and "fp-report-form" not in html
    unconfirmed = post(client, report_id, "send-back", step="1", comment="Thiếu số liệu")
    assert unconfirmed.status_code == 422 and state_of(app, report_id) == ("in_approval", 1)
    back = post(client, report_id, "send-back", step="1", comment="Thiếu số liệu", confirm="1")
    assert back.status_code == 302 and state_of(app, report_id) == ("draft", 0)

    as_user(client, "cv_q1")
    assert "Thiếu số liệu" in page(client, report_id)  # the history shows why it came back
    post(client, report_id, "submit", revision=hidden(page(client, report_id), "revision"), **answers)
    as_user(client, "tp_q1")
    assert post(client, report_id, "approve", step="1", comment="Đồng ý").status_code == 302

    as_user(client, "ct_q1")
    html = page(client, report_id, lang="en")
    assert f'href="/reports/{report_id}/sign"' in html and 'value="Approve"' not in html
    assert post(client, report_id, "approve", step="2").status_code == 422  # a signing step needs the signature
    sign_as_agency_head(app, city, report_id)
    assert state_of(app, report_id) == ("submitted", 3)

    as_user(client, "thamdinh")
    html = page(client, report_id, lang="en")
    assert "Comment on this section" in html and 'name="_comment__direction"' in html
    comments = {"_comment__direction": "Nêu rõ kết quả.", "_general_comment": "Đề nghị bổ sung."}
    unconfirmed = post(client, report_id, "review", action="return", step="3", **comments)
    assert unconfirmed.status_code == 422 and "Nêu rõ kết quả." in unconfirmed.get_data(as_text=True)
    returned = post(client, report_id, "review", action="return", step="3", confirm="1", **comments)
    assert returned.status_code == 302 and state_of(app, report_id) == ("returned", 0)

    as_user(client, "cv_q1")
    html = page(client, report_id, lang="en")
    assert "Reviewer&#39;s comment: Nêu rõ kết quả." in html and "Đề nghị bổ sung." in html
    assert "fp-report__body--notes" in html  # comments, not errors
    revised = {**answers, "direction": "Đã nêu rõ kết quả chỉ đạo, điều hành."}
    post(client, report_id, "submit", revision=hidden(page(client, report_id), "revision"), **revised)
    as_user(client, "tp_q1")
    post(client, report_id, "approve", step="1")
    sign_as_agency_head(app, city, report_id)

    as_user(client, "thamdinh")
    changes = client.get(f"/reports/{report_id}/changes?lang=en").get_data(as_text=True)
    assert "Direction and management results" in changes and "Đã nêu rõ kết quả chỉ đạo, điều hành." in changes
    assert "1 answer changed from revision 2 to revision 4." in changes
    accepted = post(client, report_id, "review", action="accept", step="3")
    assert accepted.status_code == 302 and state_of(app, report_id) == ("accepted", 4)
    final = page(client, report_id, lang="en")
    assert "The report is accepted." in final or "Accepted" in final
    for words in ("Sent back", "Signed and approved", "Returned for supplementation", "Resubmitted", "On time"):
        assert words in final


def test_a_stale_save_keeps_what_the_person_typed(app, client, city, report_id):
    from formplatform.reporting.workflow import save_report

    as_user(client, "cv_q1")
    html = page(client, report_id)
    with app.app_context():
        save_report(report_id, {"agency": "Đồng nghiệp"}, users(city)["cv_q1"])
    response = client.post(
        f"/reports/{report_id}/save",
        data={"csrf_token": hidden(html, "csrf_token"), "revision": hidden(html, "revision"), "agency": "Của tôi"},
        query_string={"lang": "en"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else changed this report" in body
    assert 'value="Của tôi"' in body and 'name="revision" value="1"' in body


@pytest.mark.parametrize("username", ["cv_q3", "xem_tp", "thietke"])
def test_people_outside_the_chain_see_no_buttons_or_nothing(app, client, city, report_id, username):
    as_user(client, username)
    response = client.get(f"/reports/{report_id}")
    if username == "xem_tp":  # a city-wide viewer reads, but acts on nothing
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "fp-report-form" not in html and "send-back" not in html
    else:
        assert response.status_code == 404
    token = csrf_token(client, "/")
    assert client.post(f"/reports/{report_id}/save", data={"csrf_token": token}).status_code in (403, 404)
    assert state_of(app, report_id) == ("not_started", 0)


def test_pages_need_a_login_and_survive_nonsense(app, client, city, report_id):
    assert client.get(f"/reports/{report_id}").status_code == 401
    assert client.get("/reports").status_code == 401
    as_user(client, "cv_q1")
    assert client.get("/reports/does-not-exist").status_code == 404
    assert client.get(f"/reports/{report_id}/changes?a=x&b=1").status_code == 400
    assert client.get(f"/reports/{report_id}/changes?a=1&b=2").status_code == 404
    html = page(client, report_id)
    bad = client.post(f"/reports/{report_id}/save", data={"csrf_token": hidden(html, "csrf_token"), "revision": "abc"})
    assert bad.status_code == 400
    assert client.get(f"/reports/{report_id}/changes?lang=en").status_code == 200


def test_a_report_keeps_rendering_its_pinned_version_after_a_newer_one_is_published(app, client, city, report_id):
    import copy

    from form_definitions.library import library_definition
    from formplatform.reporting.workflow import save_report
    from formplatform.services.forms import get_form, publish_form, save_draft

    with app.app_context():
        save_report(report_id, cchc_data(difficulties="Thiếu nhân lực một cửa"), users(city)["cv_q1"])
        newer = copy.deepcopy(library_definition("cchc-report", 1))
        assessment = next(f for f in newer["fields"] if f.get("name") == "assessment")
        assessment["fields"] = [f for f in assessment["fields"] if f.get("name") != "difficulties"]
        causes = next(f for f in assessment["fields"] if f.get("name") == "causes")
        causes["label"] = {"vi": "Nguyên nhân gốc (phiên bản 2)", "en": "Root causes (version 2)"}
        assessment["fields"].append({"type": "textarea", "name": "v2_only", "label": {"vi": "Mới", "en": "New in v2"}})
        save_draft("cchc-report", newer, None)
        assert publish_form("cchc-report", None, confirm_breaking=True).number == 3  # after the library's v2
        assert get_form("cchc-report").latest_version == 3
    for username in ("cv_q1", "xem_tp"):  # the drafter's form and a reader's view
        as_user(client, username)
        html = page(client, report_id, lang="en")
        assert "Difficulties and shortcomings" in html and "Thiếu nhân lực một cửa" in html
        assert "Causes" in html and "Root causes (version 2)" not in html and "New in v2" not in html
        assert re.search(r"<dt>Template version</dt><dd>1</dd>", html)
