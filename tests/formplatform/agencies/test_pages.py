"""Agency pages as people meet them: scoped to the caller, 404 outside it, CSRF-protected, escaped."""

from __future__ import annotations

import re

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD

CONTACT = {"name": "Nguyễn Văn An", "position": "Chuyên viên", "phone": "028 3829 6052", "email": "an@tphcm.example"}


def html(response) -> str:
    return response.get_data(as_text=True)


def test_anonymous_visitors_must_log_in(client, city):
    for path in ("/admin/agencies", "/admin/agencies/new", "/agency", f"/agencies/{city.id('d1')}/contact"):
        assert client.get(path).status_code == 401, path
    assert client.get(f"/admin/agencies/{city.id('d1')}").status_code == 401


def test_the_city_administrator_sees_the_whole_tree(client, city):
    log_in(client, "quantri", CITY_PASSWORD)
    page = html(client.get("/admin/agencies?lang=en"))
    for agency in city.agencies.values():
        assert agency.code in page
    assert "District 3 People&#39;s Committee" in page and "Department" in page
    assert page.index("000.00.31.H29") < page.index("000.01.31.H29") < page.index("000.00.33.H29")


def test_search_and_type_filter_narrow_the_list(client, city):
    log_in(client, "quantri", CITY_PASSWORD)
    page = html(client.get("/admin/agencies?q=quan 3&lang=en"))
    assert "000.00.33.H29" in page and "000.00.31.H29" not in page
    page = html(client.get("/admin/agencies?type=ward&lang=en"))
    assert "000.31.31.H29" in page and "000.33.33.H29" in page and "000.00.31.H29" not in page
    empty = client.get("/admin/agencies?q=zzz&lang=en")
    assert empty.status_code == 200 and "No agency matches your search." in html(empty)


def test_a_district_administrator_manages_only_its_subtree(client, app, city, district_admin):
    from formplatform.agencies.models import Agency

    log_in(client, "qt_q1", CITY_PASSWORD)
    page = html(client.get("/admin/agencies"))
    assert {"000.00.31.H29", "000.01.31.H29", "000.31.31.H29"} <= set(re.findall(r"\d{3}\.\d\d\.\d\d\.H29", page))
    for outside in ("000.00.33.H29", "000.33.33.H29", "000.00.12.H29", "000.00.00.H29"):
        assert outside not in page
    assert client.get(f"/admin/agencies/{city.id('d3')}").status_code == 404
    assert client.get(f"/admin/agencies/{city.id('d3')}/deactivate").status_code == 404
    assert client.get("/admin/agencies/no-such-id").status_code == 404
    token = csrf_token(client, "/admin/agencies/new")
    form = {"csrf_token": token, "code": "000.40.33.H29", "name_vi": "Phường mới", "name_en": "New ward"}
    response = client.post("/admin/agencies/new", data={**form, "type": "ward", "parent_id": city.id("d3")})
    assert response.status_code == 422 and Agency.objects(code="000.40.33.H29").count() == 0
    response = client.post(
        f"/admin/agencies/{city.id('d1_ward')}",
        data={**form, "code": "000.31.31.H29", "type": "ward", "parent_id": city.id("d3")},
    )
    assert response.status_code == 422 and Agency.objects(id=city.id("d1_ward")).first().parent_id == city.id("d1")


def test_creating_an_agency_through_the_page(client, city):
    from formplatform.agencies.models import Agency

    log_in(client, "quantri", CITY_PASSWORD)
    token = csrf_token(client, f"/admin/agencies/new?parent={city.id('d3')}")
    form = {"csrf_token": token, "code": "000.40.33.H29", "name_vi": "Phường 14", "name_en": "Ward 14"}
    response = client.post("/admin/agencies/new?lang=en", data={**form, "type": "ward", "parent_id": city.id("d3")})
    assert response.status_code == 302
    created = Agency.objects(code="000.40.33.H29").first()
    assert created.ancestors == [city.id("city"), city.id("d3")]
    assert response.headers["Location"].endswith(f"/admin/agencies/{created.id}")
    page = html(client.get(response.headers["Location"]))
    assert re.search(r'fp-flash--success" role="status">Agency Ward 14 was created.', page)


def test_typed_input_is_kept_and_errors_sit_next_to_fields(client, city):
    log_in(client, "quantri", CITY_PASSWORD)
    token = csrf_token(client, "/admin/agencies/new")
    form = {"csrf_token": token, "code": "12-34", "name_vi": "Phòng Tư pháp", "name_en": "", "type": "division"}
    form["parent_id"] = city.id("d1")
    response = client.post("/admin/agencies/new?lang=en", data=form)
    page = html(response)
    assert response.status_code == 422
    assert 'value="12-34"' in page and 'value="Phòng Tư pháp"' in page
    assert re.search(r'id="code-error">Enter the official agency code', page)
    assert re.search(r'id="name_en-error">This field is required', page)
    assert f'<option value="{city.id("d1")}" selected>' in page
    taken = client.post("/admin/agencies/new?lang=en", data={**form, "code": "000.00.33.H29", "name_en": "Justice"})
    assert taken.status_code == 409 and 'id="code-error">Another agency already has this code.' in html(taken)


def test_admin_authored_names_are_escaped(client, city):
    log_in(client, "quantri", CITY_PASSWORD)
    token = csrf_token(client, "/admin/agencies/new")
    evil = "<script>alert(1)</script>"
    form = {"csrf_token": token, "code": "000.41.33.H29", "name_vi": evil, "name_en": evil, "type": "ward"}
    response = client.post("/admin/agencies/new", data={**form, "parent_id": city.id("d3")})
    assert response.status_code == 302
    for path in ("/admin/agencies", response.headers["Location"]):
        page = html(client.get(path))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and evil not in page


def test_deactivation_is_confirmed_on_a_page_first(client, city):
    from formplatform.agencies.models import Agency

    log_in(client, "quantri", CITY_PASSWORD)
    blocked = html(client.get(f"/admin/agencies/{city.id('d3')}/deactivate?lang=en"))
    assert "Units below this agency are still active" in blocked and "000.33.33.H29" in blocked
    assert 'method="post"' not in blocked.split("</header>")[1].split("<footer")[0]
    path = f"/admin/agencies/{city.id('d3_ward')}/deactivate"
    confirm = html(client.get(path + "?lang=en"))
    # a plain confirmation page: nothing in it needs a script (the site's menu script is in the head)
    assert "will no longer be offered" in confirm and "<script" not in confirm.split("</header>")[1]
    assert Agency.objects(id=city.id("d3_ward")).first().active
    assert client.post(path, data={}).status_code == 400  # no CSRF token
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302 and not Agency.objects(id=city.id("d3_ward")).first().active
    refused = client.post(f"/admin/agencies/{city.id('d3')}/deactivate", data={"csrf_token": csrf_token(client, path)})
    assert refused.status_code == 409 and Agency.objects(id=city.id("d3")).first().active


def test_a_district_specialist_edits_its_own_contact_but_not_another_district(client, city):
    from formplatform.agencies.models import Agency

    log_in(client, "cv_q1", CITY_PASSWORD)
    own = f"/agencies/{city.id('d1')}/contact"
    token = csrf_token(client, own)
    response = client.post(own, data={**CONTACT, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency")
    assert Agency.objects(id=city.id("d1")).first().contact["phone"] == "02838296052"
    assert "fp-flash--success" in html(client.get("/agency"))
    other = f"/agencies/{city.id('d3')}/contact"
    assert client.get(other).status_code == 404
    assert client.post(other, data={**CONTACT, "csrf_token": token}).status_code == 404
    assert Agency.objects(id=city.id("d3")).first().contact == {}
    for path in (f"/admin/agencies/{city.id('d3')}", f"/admin/agencies/{city.id('d1')}", "/admin/agencies"):
        assert client.get(path).status_code in (403, 404), path
    assert client.get(f"/admin/agencies/{city.id('d3')}").status_code == 404


def test_a_contact_post_needs_the_csrf_token(client, city):
    from formplatform.agencies.models import Agency

    log_in(client, "cv_q1", CITY_PASSWORD)
    response = client.post(f"/agencies/{city.id('d1')}/contact", data=CONTACT)
    assert response.status_code == 400 and Agency.objects(id=city.id("d1")).first().contact == {}


def test_a_bad_contact_keeps_the_typed_values(client, city):
    log_in(client, "ct_q1", CITY_PASSWORD)
    path = f"/agencies/{city.id('d1')}/contact?lang=en"
    response = client.post(path, data={**CONTACT, "phone": "12345", "csrf_token": csrf_token(client, path)})
    page = html(response)
    assert response.status_code == 422 and 'value="12345"' in page and 'value="Nguyễn Văn An"' in page
    assert re.search(r'id="phone-error">Enter a Vietnamese phone number', page)


def test_a_viewer_cannot_edit_the_contact(client, city):
    log_in(client, "xem_q1", CITY_PASSWORD)
    assert client.get(f"/agencies/{city.id('d1')}/contact").status_code == 404


def test_my_agency_shows_contact_parent_chain_and_units(client, app, city):
    from formplatform.agencies.services import update_contact

    with app.app_context():
        update_contact(city.agencies["d1"], CONTACT, None)
    log_in(client, "cv_q1", CITY_PASSWORD)
    page = html(client.get("/agency?lang=en"))
    assert "<h1>District 1 People&#39;s Committee</h1>" in page
    assert "Nguyễn Văn An" in page and "02838296052" in page
    assert page.index("Place in the tree") < page.index("HCMC People&#39;s Committee")
    assert "000.01.31.H29" in page and "000.31.31.H29" in page and "000.00.33.H29" not in page
    assert f"/agencies/{city.id('d1')}/contact" in page
    viewer = app.test_client()
    log_in(viewer, "xem_q1", CITY_PASSWORD)
    assert f"/agencies/{city.id('d1')}/contact" not in html(viewer.get("/agency"))
