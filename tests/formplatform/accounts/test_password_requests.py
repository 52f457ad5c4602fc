"""'Forgot password': a neutral public answer, throttled, and a request the right administrators can answer."""

from __future__ import annotations

from tests.conftest import csrf_token
from tests.formplatform.accounts.conftest import as_user, post


def ask(client, username, message="", address="10.0.0.1"):
    data = {"username": username, "message": message, "csrf_token": csrf_token(client, "/forgot-password")}
    return client.post("/forgot-password?lang=en", data=data, environ_base={"REMOTE_ADDR": address})


def requests_of(app, **filters):
    from formplatform.accounts.models import PasswordRequest

    with app.app_context():
        return list(PasswordRequest.objects(**filters))


def test_the_login_page_links_to_the_forgot_password_page(client, app):
    html = client.get("/login?lang=en").get_data(as_text=True)
    assert 'href="/forgot-password"' in html
    assert "Forgot your password?" in client.get("/forgot-password?lang=en").get_data(as_text=True)


def test_the_answer_is_the_same_for_known_and_unknown_accounts(client, app, city):
    from formplatform.audit.models import AuditEvent

    known = ask(client, "CV_Q1", "Tôi quên mật khẩu, gọi 0909 123 456")
    unknown = ask(client, "khong-ton-tai")
    assert known.status_code == unknown.status_code == 200

    def answer(response):
        return response.get_data(as_text=True).split('role="status">', 1)[1].split("<", 1)[0]

    assert answer(known) == answer(unknown) and "If the user name belongs to an account" in answer(known)
    [mine] = requests_of(app, username="cv_q1")
    assert mine.user_id == city.users["cv_q1"].id and mine.status == "open" and "0909" in mine.message
    [other] = requests_of(app, username="khong-ton-tai")
    assert other.user_id is None
    with app.app_context():
        assert AuditEvent.objects(action="password.request").count() == 2


def test_requests_are_throttled_per_address(client, app, city):
    for _ in range(5):
        assert ask(client, "cv_q1", address="10.9.9.9").status_code == 200
    assert ask(client, "cv_q1", address="10.9.9.9").status_code == 429
    assert len(requests_of(app)) == 5
    assert ask(client, "cv_q1", address="10.9.9.10").status_code == 200


def test_admins_see_the_requests_of_their_scope_and_a_reset_answers_them(app, city, district_admin, client):
    ask(client, "cv_q1", "Quận 1")
    ask(client, "cv_q3", "Quận 3")
    ask(client, "khong-ton-tai")
    district = as_user(app, "qt_q1")
    page = district.get("/admin/password-requests").get_data(as_text=True)
    assert "cv_q1" in page and "cv_q3" not in page and "khong-ton-tai" not in page
    root = as_user(app, "quantri").get("/admin/password-requests?lang=en").get_data(as_text=True)
    assert "cv_q1" in root and "cv_q3" in root and "khong-ton-tai" in root and "No such account" in root
    target = city.users["cv_q1"]
    assert f'href="/admin/users/{target.id}/reset-password"' in page
    assert post(district, f"/admin/users/{target.id}/reset-password").status_code == 200
    [done] = requests_of(app, username="cv_q1")
    assert done.status == "done" and done.handled_by == district_admin.id
    assert "cv_q1" not in district.get("/admin/password-requests").get_data(as_text=True)


def test_dismissing_a_request_is_scoped_and_audited(app, city, district_admin, client):
    from formplatform.audit.models import AuditEvent

    ask(client, "cv_q3")
    [other] = requests_of(app, username="cv_q3")
    district = as_user(app, "qt_q1")
    assert post(district, f"/admin/password-requests/{other.id}/dismiss").status_code == 404
    assert requests_of(app, username="cv_q3")[0].status == "open"
    root = as_user(app, "quantri")
    assert post(root, f"/admin/password-requests/{other.id}/dismiss").status_code == 302
    assert requests_of(app, username="cv_q3")[0].status == "dismissed"
    with app.app_context():
        event = AuditEvent.objects(action="password.request_dismissed").first()
        assert event.before == {"status": "open"} and event.after["status"] == "dismissed"
    assert as_user(app, "cv_q1").get("/admin/password-requests").status_code == 403
