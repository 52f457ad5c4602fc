"""Account administration pages: create, edit, roles, lock, unlock, close — within the administrator's scope."""

from __future__ import annotations

import re

from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.accounts.conftest import as_user, new_account_form, post


def events(app, action, target_id=None):
    from formplatform.audit.models import AuditEvent

    with app.app_context():
        query = AuditEvent.objects(action=action)
        return list(query(target_id=target_id) if target_id else query)


def stored(app, username):
    from formplatform.accounts.models import User

    with app.app_context():
        return User.objects(username=username).first()


def temporary_password_in(html):
    match = re.search(r'data-testid="temporary-password">([^<]+)<', html)
    assert match, html[:2000]
    return match.group(1)


def test_admin_creates_an_account_whose_password_is_shown_once_and_must_be_changed(app, city):
    client = as_user(app, "quantri")
    form = new_account_form(city.id("d1"), [("specialist", city.id("d1")), ("viewer", city.id("d3"))])
    response = post(client, "/admin/users/new?lang=en", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = temporary_password_in(html)
    user = stored(app, "nguyenvana")
    assert user.must_change_password and user.display_name == "Nguyễn Văn A"
    assert [(g.role, g.agency_id) for g in user.roles] == [("specialist", city.id("d1")), ("viewer", city.id("d3"))]
    assert password not in user.password_hash
    assert password not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    [event] = events(app, "user.create", user.id)
    assert event.actor_name == "quantri" and event.after["roles"] == [
        f"specialist@{city.id('d1')}",
        f"viewer@{city.id('d3')}",
    ]

    person = app.test_client()
    answer = person.post(
        "/login", data={"username": "nguyenvana", "password": password, "csrf_token": csrf_token(person)}
    )
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/account/password")
    assert person.get("/").headers["Location"].startswith("/account/password")
    token = app.test_client().post("/api/v1/auth/token", json={"username": "nguyenvana", "password": password})
    assert token.status_code == 403 and token.get_json()["error"]["code"] == "password_change_required"


def test_the_new_account_form_reports_every_problem_and_creates_nothing(app, city):
    client = as_user(app, "quantri")
    form = new_account_form(city.id("d1"), [], username="Nguyen Van A", email="not-an-email", phone="abc")
    response = post(client, "/admin/users/new?lang=en", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "lower-case letters without accents" in html
    assert "Enter a valid e-mail address." in html
    assert "Enter a Vietnamese phone number" in html
    assert "Give the account at least one role." in html
    assert 'value="not-an-email"' in html  # nothing typed is lost
    assert stored(app, "nguyen van a") is None and len(events(app, "user.create")) == len(city.users)


def test_a_taken_user_name_is_refused(app, city):
    client = as_user(app, "quantri")
    form = new_account_form(city.id("d1"), [("viewer", city.id("d1"))], username="cv_q1")
    response = post(client, "/admin/users/new?lang=en", form)
    assert response.status_code == 422 and "This user name is already taken." in response.get_data(as_text=True)


def test_editing_details_and_roles_is_audited_with_before_and_after(app, city):
    client = as_user(app, "quantri")
    target = city.users["cv_q1"]
    form = new_account_form(
        city.id("d1_ward"),
        [("specialist", city.id("d1_ward")), ("viewer", city.id("d1"))],
        display_name="Trần Thị B",
    )
    response = post(client, f"/admin/users/{target.id}", form)
    assert response.status_code == 302 and "done=saved" in response.headers["Location"]
    user = stored(app, "cv_q1")
    assert user.display_name == "Trần Thị B" and user.agency_id == city.id("d1_ward") and user.username == "cv_q1"
    assert {g.role for g in user.roles} == {"specialist", "viewer"}
    [update] = events(app, "user.update", target.id)
    assert update.before["display_name"] == "cv_q1" and update.after["display_name"] == "Trần Thị B"
    assert update.before["agency_id"] == city.id("d1") and update.after["agency_id"] == city.id("d1_ward")
    [roles] = events(app, "user.roles_change", target.id)
    assert roles.before == {"roles": [f"specialist@{city.id('d1')}"]}
    assert roles.after == {"roles": [f"specialist@{city.id('d1_ward')}", f"viewer@{city.id('d1')}"]}
    assert "Trần Thị B" in client.get(f"/admin/users/{target.id}?done=saved").get_data(as_text=True)


def test_lock_ends_the_sessions_at_once_and_unlock_lets_the_person_back(app, city):
    admin = as_user(app, "quantri")
    person = as_user(app, "cv_q1")
    assert "cv_q1" in person.get("/").get_data(as_text=True)
    target = city.users["cv_q1"]
    page = admin.get(f"/admin/users/{target.id}/lock?lang=en").get_data(as_text=True)
    assert "logged out at once" in page and stored(app, "cv_q1").status == "active"  # GET only explains
    assert post(admin, f"/admin/users/{target.id}/lock").status_code == 302
    assert stored(app, "cv_q1").status == "locked"
    home = person.get("/?lang=en").get_data(as_text=True)
    assert 'action="/logout"' not in home and "Log in" in home  # the open session ended
    failed = app.test_client().post("/api/v1/auth/token", json={"username": "cv_q1", "password": CITY_PASSWORD})
    assert failed.status_code == 401
    [lock] = events(app, "user.lock", target.id)
    assert lock.before["status"] == "active" and lock.after["status"] == "locked"

    assert post(admin, f"/admin/users/{target.id}/unlock").status_code == 302
    assert stored(app, "cv_q1").status == "active"
    log_in(app.test_client(), "cv_q1", CITY_PASSWORD)
    [unlock] = events(app, "user.unlock", target.id)
    assert unlock.before["status"] == "locked" and unlock.after["status"] == "active"


def test_closing_is_final_and_keeps_the_history(app, city):
    admin = as_user(app, "quantri")
    target = city.users["cv_q3"]
    headers = bearer(app.test_client(), "cv_q3", CITY_PASSWORD)
    page = admin.get(f"/admin/users/{target.id}/close?lang=en").get_data(as_text=True)
    assert "Closing is final" in page and "cannot be reopened" in page
    assert post(admin, f"/admin/users/{target.id}/close").status_code == 302
    user = stored(app, "cv_q3")
    assert user.status == "closed" and user.closed_at is not None
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401  # its tokens died with it
    login = app.test_client().post("/api/v1/auth/token", json={"username": "cv_q3", "password": CITY_PASSWORD})
    assert login.status_code == 401
    assert post(admin, f"/admin/users/{target.id}/unlock").status_code == 409
    assert post(admin, f"/admin/users/{target.id}/reset-password").status_code == 409
    edit = post(admin, f"/admin/users/{target.id}", new_account_form(city.id("d3"), [("viewer", city.id("d3"))]))
    assert edit.status_code == 409
    assert stored(app, "cv_q3").status == "closed"
    assert admin.get(f"/admin/users/{target.id}").status_code == 200  # still listed, with its history
    [close] = events(app, "user.close", target.id)
    assert close.before["status"] == "active" and close.after["status"] == "closed"


def test_reset_password_shows_a_temporary_password_once_and_forces_a_change(app, city):
    admin = as_user(app, "quantri")
    person = as_user(app, "cv_q1")
    target = city.users["cv_q1"]
    assert "Reset" in admin.get(f"/admin/users/{target.id}/reset-password?lang=en").get_data(as_text=True)
    assert stored(app, "cv_q1").must_change_password is False  # GET changed nothing
    response = post(admin, f"/admin/users/{target.id}/reset-password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = temporary_password_in(response.get_data(as_text=True))
    assert person.get("/admin/users").status_code == 401  # the old session ended
    fresh = app.test_client()
    answer = fresh.post("/login", data={"username": "cv_q1", "password": password, "csrf_token": csrf_token(fresh)})
    assert answer.headers["Location"].startswith("/account/password")
    assert fresh.get("/forms/x").status_code == 302
    token = app.test_client().post("/api/v1/auth/token", json={"username": "cv_q1", "password": password})
    assert token.status_code == 403 and token.get_json()["error"]["code"] == "password_change_required"
    changed = post(
        fresh,
        "/account/password",
        {"current_password": password, "new_password": "moi-2026-matkhau", "confirm_password": "moi-2026-matkhau"},
    )
    assert changed.status_code == 302 and fresh.get("/").status_code == 200
    [event] = events(app, "user.password_reset", target.id)
    assert event.before == {"must_change_password": False} and event.after == {"must_change_password": True}


def test_a_district_admin_sees_only_the_district_and_guessed_ids_answer_404(app, city, district_admin):
    client = as_user(app, "qt_q1")
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "cv_q1" in listing and "tp_q1" in listing and "cv_q3" not in listing and "quantri" not in listing
    other = city.users["cv_q3"]
    for path in ("", "/lock", "/unlock", "/close", "/reset-password"):
        assert client.get(f"/admin/users/{other.id}{path}").status_code == 404
        assert post(client, f"/admin/users/{other.id}{path}").status_code == 404
    assert stored(app, "cv_q3").status == "active" and stored(app, "cv_q3").must_change_password is False
    assert client.get("/api/v1/users/" + other.id).status_code == 404


def test_a_district_admin_cannot_grant_roles_beyond_the_district(app, city, district_admin):
    client = as_user(app, "qt_q1")
    for grants, home in (
        ([("viewer", city.id("d3"))], city.id("d1")),
        ([("admin", city.id("city"))], city.id("d1")),
        ([("viewer", city.id("d1"))], city.id("d3")),
    ):
        response = post(client, "/admin/users/new?lang=en", new_account_form(home, grants))
        assert response.status_code == 422
        assert "outside the part of the city you manage" in response.get_data(as_text=True)
    assert stored(app, "nguyenvana") is None
    target = city.users["cv_q1"]
    form = new_account_form(city.id("d1"), [("specialist", city.id("d1")), ("reviewer", city.id("city"))])
    assert post(client, f"/admin/users/{target.id}", form).status_code == 422
    assert [g.role for g in stored(app, "cv_q1").roles] == ["specialist"]
    allowed = post(client, "/admin/users/new", new_account_form(city.id("d1_ward"), [("admin", city.id("d1_ward"))]))
    assert allowed.status_code == 200 and stored(app, "nguyenvana").roles[0].role == "admin"


def test_a_district_admin_cannot_take_over_an_account_with_wider_roles(app, city, district_admin):
    from formplatform.accounts.services import create_user

    with app.app_context():
        wide = create_user(
            "thamdinh_q1",
            CITY_PASSWORD,
            roles=[("reviewer", city.id("city"))],
            agency_id=city.id("d1"),
            must_change_password=False,
        )
    client = as_user(app, "qt_q1")
    page = client.get(f"/admin/users/{wide.id}?lang=en").get_data(as_text=True)
    assert "beyond the part of the city you manage" in page and "Reset password" not in page
    assert post(client, f"/admin/users/{wide.id}/reset-password").status_code == 403
    assert post(client, f"/admin/users/{wide.id}/lock").status_code == 403
    assert stored(app, "thamdinh_q1").status == "active" and not stored(app, "thamdinh_q1").must_change_password


def test_administrators_cannot_lock_themselves_or_change_their_own_roles(app, city):
    client = as_user(app, "quantri")
    me = city.users["quantri"]
    assert post(client, f"/admin/users/{me.id}/lock").status_code == 400
    form = new_account_form(city.id("city"), [("viewer", city.id("city"))], display_name="quantri")
    assert post(client, f"/admin/users/{me.id}", form).status_code == 400
    assert [g.role for g in stored(app, "quantri").roles] == ["admin"]


def test_account_pages_need_the_users_manage_permission(app, city, client):
    assert client.get("/admin/users").status_code == 401
    specialist = as_user(app, "cv_q1")
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{city.users['cv_q3'].id}", "/admin/users/import"):
        assert specialist.get(path).status_code == 403
    assert (
        post(specialist, "/admin/users/new", new_account_form(city.id("d1"), [("admin", city.id("d1"))])).status_code
        == 403
    )
    assert stored(app, "nguyenvana") is None


def test_list_searches_filters_and_pages(app, city):
    from formplatform.accounts.services import create_account

    with app.app_context():
        for number in range(23):
            create_account(
                {
                    "username": f"phuong.{number:02d}",
                    "display_name": f"Cán bộ phường {number}",
                    "agency_id": city.id("d1_ward"),
                },
                [("viewer", city.id("d1_ward"))],
                city.users["quantri"],
            )
    client = as_user(app, "quantri")
    first = client.get("/admin/users?q=PHƯỜNG&lang=en").get_data(as_text=True)
    assert "23 accounts" in first and "Page 1 of 2" in first and "phuong.00" in first and "phuong.22" not in first
    second = client.get("/admin/users?q=phường&page=2").get_data(as_text=True)
    assert "phuong.22" in second and "phuong.00" not in second
    by_agency = client.get(f"/admin/users?agency_id={city.id('d3')}&lang=en").get_data(as_text=True)
    assert "cv_q3" in by_agency and "cv_q1" not in by_agency
    by_role = client.get("/admin/users?role=division_head").get_data(as_text=True)
    assert "tp_q1" in by_role and "cv_q1" not in by_role
    assert "No accounts match your search." in client.get("/admin/users?q=khong-co-ai&lang=en").get_data(as_text=True)
    from formplatform.accounts.services import set_status

    with app.app_context():
        set_status(city.users["xem_q1"], "locked", city.users["quantri"])
    locked = client.get("/admin/users?status=locked").get_data(as_text=True)
    assert "xem_q1" in locked and "cv_q1" not in locked
