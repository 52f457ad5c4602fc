"""The designer's form list: search, filters, pagination, counts and draft state, as a page and over the API."""

from __future__ import annotations

import re
from typing import Any

from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, t
from tests.formplatform.designer.pages_support import KEY, make_form, submit, token


def rows(html: str) -> list[str]:
    return re.findall(r'<tr data-key="([^"]+)">', html)


def row_html(html: str, key: str) -> str:
    match = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert match, f"no row for {key}"
    return match.group(1)


def draft_only(app: Any, city: Any, key: str, title: tuple[str, str], kind: str = "report") -> None:
    from formplatform.services.forms import save_draft

    definition = {**sample_v1(key), "title": t(*title), "kind": kind}
    with app.app_context():
        save_draft(key, definition, None, owner_agency_id=city.id("home_affairs"))


def test_list_shows_title_kind_status_versions_draft_state_and_submissions(app, client, city, designer):
    make_form(app, city, 1, 2, draft=3)
    submit(app, city, 1, times=2)
    submit(app, city, 2)
    draft_only(app, city, "kpi-draft", ("Chỉ số thử", "Trial KPI"), kind="kpi_sheet")
    html = client.get("/admin/forms?lang=en").get_data(as_text=True)
    assert rows(html) == ["kpi-draft", KEY]
    report = row_html(html, KEY)
    assert "Sample report" in report and "Periodic report" in report and "Active" in report
    assert re.search(r'class="fp-num">2<br>', report), "latest version 2"
    assert "Unpublished changes" in report
    assert re.search(r'class="fp-num">3</td>', report), "three submissions in all"
    for action in ("Design", "History", "Duplicate", "Export", "Archive"):
        assert f">{action}<" in report
    kpi = row_html(html, "kpi-draft")
    assert "Trial KPI" in kpi and "KPI sheet" in kpi and "Draft only" in kpi and "Not published yet" in kpi
    vi = client.get("/admin/forms?lang=vi")
    assert vi.status_code == 200 and "Báo cáo mẫu" in vi.get_data(as_text=True)


def test_a_freshly_published_form_has_no_unpublished_changes(app, client, city, designer):
    make_form(app, city, 1)
    assert "Same as the latest version" in row_html(client.get("/admin/forms?lang=en").get_data(as_text=True), KEY)


def test_search_matches_key_and_titles_in_either_language_ignoring_case(app, client, city, designer):
    make_form(app, city, 1)
    draft_only(app, city, "ket-qua-cchc", ("Kết quả CCHC", "PAR results"))
    draft_only(app, city, "hai-long", ("Đánh giá hài lòng", "Satisfaction (1+1)"), kind="questionnaire")
    assert rows(client.get("/admin/forms?q=CCHC").get_data(as_text=True)) == ["ket-qua-cchc"]
    assert rows(client.get("/admin/forms?q=hài lòng").get_data(as_text=True)) == ["hai-long"]
    assert rows(client.get("/admin/forms?q=SAMPLE REPORT").get_data(as_text=True)) == [KEY]
    assert rows(client.get("/admin/forms?q=(1%2B1)").get_data(as_text=True)) == ["hai-long"]  # regex escaped
    assert rows(client.get("/admin/forms?q=.*").get_data(as_text=True)) == []
    empty = client.get("/admin/forms?q=khong-co&lang=en").get_data(as_text=True)
    assert "No forms match your search." in empty


def test_filters_by_kind_and_status(app, client, city, designer):
    from formplatform.models import Form

    make_form(app, city, 1)
    make_form(app, city, 1, key="old-report")
    draft_only(app, city, "hai-long", ("Hài lòng", "Satisfaction"), kind="questionnaire")
    with app.app_context():
        Form.objects(id="old-report").update_one(set__status="archived")
    assert rows(client.get("/admin/forms?status=archived").get_data(as_text=True)) == ["old-report"]
    assert rows(client.get("/admin/forms?status=draft").get_data(as_text=True)) == ["hai-long"]
    assert rows(client.get("/admin/forms?status=active").get_data(as_text=True)) == [KEY]
    assert rows(client.get("/admin/forms?kind=questionnaire").get_data(as_text=True)) == ["hai-long"]
    assert rows(client.get("/admin/forms?kind=report&status=active").get_data(as_text=True)) == [KEY]
    archived = row_html(client.get("/admin/forms?lang=en").get_data(as_text=True), "old-report")
    assert ">Restore<" in archived and ">Archive<" not in archived


def test_pagination_keeps_the_filters(app, client, city, designer):
    for number in range(23):
        draft_only(app, city, f"form-{number:02d}", (f"Mẫu {number}", f"Form {number}"))
    first = client.get("/admin/forms?kind=report&lang=en").get_data(as_text=True)
    assert len(rows(first)) == 20 and "Page 1 of 2" in first and "23 forms" in first
    assert "kind=report" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    second = client.get("/admin/forms?kind=report&page=2").get_data(as_text=True)
    assert rows(second) == ["form-20", "form-21", "form-22"]
    assert client.get("/admin/forms?page=-3").status_code == 200


def test_empty_state_invites_to_create_or_import(client, city, designer):
    html = client.get("/admin/forms?lang=en").get_data(as_text=True)
    assert "There are no forms yet." in html and "/admin/forms/new" in html and "/admin/forms/import" in html


def test_designers_see_only_forms_owned_within_their_scope(app, client, city):
    from formplatform.accounts.services import create_user
    from tests.formplatform.designer.pages_support import designer_session

    make_form(app, city, 1)
    draft_only(app, city, "d1-form", ("Mẫu quận 1", "District 1 form"))
    from formplatform.models import Form

    with app.app_context():
        Form.objects(id="d1-form").update_one(set__owner_agency_id=city.id("d1"))
        create_user(
            "tk_q1",
            CITY_PASSWORD,
            roles=[("designer", city.id("d1"))],
            agency_id=city.id("d1"),
            must_change_password=False,
        )
    designer_session(client, "tk_q1")
    assert rows(client.get("/admin/forms").get_data(as_text=True)) == ["d1-form"]
    designer_session(client, "quantri")
    assert rows(client.get("/admin/forms").get_data(as_text=True)) == ["d1-form", KEY]


def test_api_lists_the_same_rows_with_counts(app, client, city):
    make_form(app, city, 1, 2)
    submit(app, city, 2, times=2)
    headers = token(client)
    body = client.get("/api/v1/designer/forms?status=active", headers=headers).get_json()
    assert body["total"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["key"] == KEY and item["latest_version"] == 2 and item["submission_count"] == 2
    assert item["status"] == "active" and item["unpublished_changes"] is False
    assert client.get("/api/v1/designer/forms?per_page=0", headers=headers).status_code == 400
    assert client.get("/api/v1/designer/forms?q=zzz", headers=headers).get_json()["items"] == []
