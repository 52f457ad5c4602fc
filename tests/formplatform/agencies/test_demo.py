"""The demo city: seeded once however often it runs, every documented login works, districts stay apart."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import bearer, log_in

README = Path(__file__).resolve().parents[3] / "README.md"


def test_seeding_the_demo_is_idempotent_and_keeps_contacts_current(app, core):
    from formplatform.accounts.models import User
    from formplatform.agencies.models import Agency
    from formplatform.agencies.services import update_contact
    from formplatform.services.demo import DEMO_AGENCIES, DEMO_LOGINS, seed_demo

    with app.app_context():
        assert seed_demo() == [login[0] for login in DEMO_LOGINS]
        counts = Agency.objects.count(), User.objects.count()
        assert counts == (len(DEMO_AGENCIES), len(DEMO_LOGINS))
        assert all(a.contact.get("name") and a.contact.get("phone") for a in Agency.objects)
        q1 = Agency.objects(code="000.00.31.H29").first()
        changed = {**q1.contact, "name": "Người mới"}
        update_contact(q1, changed, None)
        assert seed_demo() == []
        assert (Agency.objects.count(), User.objects.count()) == counts
        assert Agency.objects(code="000.00.31.H29").first().contact["name"] == "Người mới"
        wards = Agency.objects(type="ward")
        assert len(wards) == 6 and all(w.ancestors[0] == core[0].id and len(w.ancestors) == 2 for w in wards)


def test_every_demo_login_works_without_a_password_change(client, app, core):
    from formplatform.accounts.services import authenticate
    from formplatform.services.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    with app.app_context():
        seed_demo()
        for username, role, *_ in DEMO_LOGINS:
            user = authenticate(username, DEMO_PASSWORD)
            assert not user.must_change_password and [g.role for g in user.roles] == [role]
    log_in(client, "demo.chuyenvien", DEMO_PASSWORD)
    assert client.get("/agency").status_code == 200


def test_demo_districts_are_isolated(client, app, core):
    from formplatform.services.demo import DEMO_PASSWORD, seed_demo

    with app.app_context():
        seed_demo()
    q3 = bearer(client, "demo.chuyenvien3", DEMO_PASSWORD)
    body = client.get("/api/v1/agencies", headers=q3).get_json()
    assert body["total"] == 4 and all(".33.H29" in item["code"] for item in body["items"])
    q1_admin = app.test_client()
    log_in(q1_admin, "demo.quantri", DEMO_PASSWORD)
    page = q1_admin.get("/admin/agencies").get_data(as_text=True)
    assert "000.00.31.H29" in page and "000.21.31.H29" in page and "000.00.33.H29" not in page


def test_demo_data_follows_the_configuration(app, core, monkeypatch):
    from formplatform import seed
    from formplatform.accounts.models import User
    from formplatform.config import load_config

    base = {"MONGODB_URI": "mongomock://localhost/x", "SECRET_KEY": "0123456789abcdefgh"}
    monkeypatch.delenv("DEMO_DATA", raising=False)
    assert load_config(base)["DEMO_DATA"] is False
    monkeypatch.setenv("DEMO_DATA", "1")
    assert load_config(base)["DEMO_DATA"] is True
    monkeypatch.setenv("DEMO_DATA", "0")
    assert load_config(base)["DEMO_DATA"] is False
    monkeypatch.setitem(app.config, "ADMIN_PASSWORD", "quantri-2026-pass")
    monkeypatch.setitem(app.config, "DEMO_DATA", False)
    seed(app)
    with app.app_context():
        assert User.objects(username="demo.xem").count() == 0
    monkeypatch.setitem(app.config, "DEMO_DATA", True)
    seed(app)
    with app.app_context():
        assert User.objects(username="demo.xem").count() == 1


def test_the_readme_documents_every_demo_login(app):
    from formplatform.services.demo import DEMO_LOGINS, DEMO_PASSWORD

    text = README.read_text(encoding="utf-8")
    section = text.split("## Demo city and logins", 1)[1].split("\n## ", 1)[0]
    for username, role, *_ in DEMO_LOGINS:
        assert re.search(rf"`{re.escape(username)}`.*`{re.escape(DEMO_PASSWORD)}`.*{role}", section), username
    assert "`DEMO_DATA`" in text.split("## Configuration", 1)[1]


def test_the_demo_has_reporting_campaigns_with_open_reports(app, core, seeded):
    from datetime import date

    from formplatform.reporting.demo import seed_demo_reporting
    from formplatform.reporting.models import Campaign, Report
    from formplatform.services.demo import seed_demo

    with app.app_context():
        seed_demo()
        assert Campaign.objects.count() == 2
        kpi = Campaign.objects(form_key="kpi-monthly").get()
        from form_definitions.library import library_versions

        latest = len(library_versions()["kpi-monthly"])  # the campaign files the newest built-in version
        assert kpi.version == latest and kpi.deadline == {"type": "day_of_month", "day": 25}
        opened = Report.objects.count()
        assert Report.objects(form_key="kpi-monthly").count() >= 3 * 3  # three districts, at least three months
        assert seed_demo_reporting(date.today()) == 0 and Report.objects.count() == opened
