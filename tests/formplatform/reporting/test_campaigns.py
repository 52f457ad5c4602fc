"""Opening campaigns: validation, scope, agency types, and the idempotent engine that opens periods."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.campaign_support import new_campaign, settings, user

NOV_20 = datetime(2026, 11, 20, 3, 0)  # 10:00 in Vietnam


@pytest.fixture
def ready(app: Any, city: Any, seeded: Any) -> Any:
    return city


def reports(campaign: Any) -> list[tuple[str, str]]:
    from formplatform.reporting.models import Report

    return sorted((r.period_key, r.agency_id) for r in Report.objects(campaign_id=campaign.id))


def problem_paths(error: Any) -> list[str]:
    return sorted(p.path for p in error.value.problems)


@pytest.mark.parametrize(
    ("changes", "paths"),
    [
        ({"name": {"vi": "", "en": "x"}}, ["name.vi"]),
        ({"name": {"vi": "x", "en": "   "}}, ["name.en"]),
        ({"form_key": "no-such-form"}, ["form_key"]),
        ({"form_key": ""}, ["form_key"]),
        ({"version": 9}, ["version"]),
        ({"version": "1"}, ["version"]),
        ({"period_type": "weekly"}, ["period_type"]),
        ({"cutoff": "lunar"}, ["cutoff"]),
        ({"deadline": {"type": "day_of_month", "day": 40}}, ["deadline.day"]),
        ({"deadline": {"type": "date", "date": "2026-12-31"}}, ["deadline.type"]),
        ({"starts_on": None}, ["starts_on"]),
        ({"starts_on": "20/10/2026"}, ["starts_on"]),
        ({"ends_on": date(2026, 1, 1)}, ["ends_on"]),
        ({"period_type": "once", "ends_on": None}, ["ends_on"]),
        ({"agency_ids": [], "agency_types": []}, ["agencies"]),
        ({"agency_types": ["city"]}, ["agency_types"]),
        (
            {"name": {"vi": "", "en": ""}, "period_type": "x", "agency_ids": []},
            ["agencies", "name.en", "name.vi", "period_type"],
        ),
    ],
)
def test_bad_settings_are_refused_with_every_problem_and_nothing_saved(app, ready, changes, paths):
    from formplatform.errors import Invalid
    from formplatform.reporting.models import Campaign

    with app.test_request_context(), pytest.raises(Invalid) as error:
        new_campaign(ready, **changes)
    assert problem_paths(error) == paths
    with app.app_context():
        assert Campaign.objects.count() == 0


def test_an_archived_form_cannot_get_a_campaign(app, ready):
    from formplatform.errors import Invalid
    from formplatform.models import Form

    with app.test_request_context():
        Form.objects(id="cchc-report").update(set__status="archived")
        with pytest.raises(Invalid) as error:
            new_campaign(ready)
    assert [p.code for p in error.value.problems] == ["campaign_form_archived"]


def test_a_campaign_is_created_owned_by_the_creators_agency_and_audited(app, ready):
    from formplatform.audit.models import AuditEvent

    with app.test_request_context():
        campaign = new_campaign(ready)
        assert campaign.owner_agency_id == ready.id("home_affairs")
        assert campaign.scope_ids == [ready.id("city")]
        assert campaign.starts_on == datetime(2026, 10, 20) and campaign.status == "active"
        assert AuditEvent.objects(action="campaign.create", target_id=campaign.id).count() == 1


def test_only_campaign_managers_may_open_campaigns(app, ready):
    from formplatform.errors import Forbidden, NotFound

    with app.test_request_context():
        with pytest.raises(Forbidden):
            new_campaign(ready, "cv_q1")
        with pytest.raises(NotFound):  # a designer of Sở Nội vụ may not make Sở Tư pháp the owner
            new_campaign(ready, "thietke", owner_agency_id=ready.id("justice"), agency_ids=[ready.id("home_affairs")])


def test_a_district_admin_cannot_assign_agencies_outside_the_district(app, ready, district_admin):
    from formplatform.errors import NotFound
    from formplatform.reporting.models import Campaign

    with app.test_request_context():
        with pytest.raises(NotFound):
            new_campaign(ready, "qt_q1", agency_ids=[ready.id("d1_ward"), ready.id("d3")])
        with pytest.raises(NotFound):
            new_campaign(ready, "qt_q1", agency_ids=["no-such-agency"])
        assert Campaign.objects.count() == 0
        campaign = new_campaign(ready, "qt_q1", agency_ids=[ready.id("d1_ward")])
        assert campaign.owner_agency_id == ready.id("d1") and campaign.scope_ids == [ready.id("d1")]


def test_agency_types_resolve_to_active_agencies_inside_the_creators_scope(app, ready, district_admin):
    from formplatform.agencies.models import Agency
    from formplatform.reporting.campaigns import assigned_agencies

    with app.test_request_context():
        city_wide = new_campaign(ready, agency_ids=[ready.id("justice")], agency_types=["ward", "district"])
        codes = {a.code for a in assigned_agencies(city_wide)}
        assert codes == {"000.00.12.H29", "000.31.31.H29", "000.33.33.H29", "000.00.31.H29", "000.00.33.H29"}
        district = new_campaign(ready, "qt_q1", agency_ids=[], agency_types=["ward"])
        assert [a.id for a in assigned_agencies(district)] == [ready.id("d1_ward")]
        Agency.objects(id=ready.id("d3_ward")).update(set__active=False)
        assert ready.id("d3_ward") not in {a.id for a in assigned_agencies(city_wide)}


def test_opening_is_idempotent_and_recurring_periods_open_as_time_moves_on(app, ready):
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Campaign, Report

    with app.test_request_context():
        campaign = new_campaign(ready)  # starts 20 Oct 2026: the November period (15 Oct – 14 Nov) first
        d1, d3 = ready.id("d1"), ready.id("d3")
        assert open_due_periods(NOV_20) == 4
        expected = [("2026-M11", d1), ("2026-M11", d3), ("2026-M12", d1), ("2026-M12", d3)]
        assert reports(campaign) == sorted(expected)
        assert open_due_periods(NOV_20) == 0
        Campaign.objects(id=campaign.id).update(set__opened_through=None)  # forget the marker: the index holds
        assert open_due_periods(NOV_20) == 0 and len(reports(campaign)) == 4
        assert open_due_periods(datetime(2026, 12, 14, 16, 59)) == 0  # still 14 Dec in Vietnam
        assert open_due_periods(datetime(2026, 12, 14, 17, 0)) == 2  # 15 Dec 00:00 in Vietnam
        assert ("2027-M01", d1) in reports(campaign)
        report = Report.objects(campaign_id=campaign.id, period_key="2026-M11", agency_id=d1).first()
        assert (report.state, report.step, report.version, report.form_key) == ("not_started", 0, 1, "cchc-report")
        assert (report.period_start, report.period_end) == (datetime(2026, 10, 15), datetime(2026, 11, 14))
        assert report.deadline == datetime(2026, 11, 25, 16, 59, 59)  # 23:59:59 on the 25th in Vietnam
        assert report.owner_agency_id == ready.id("home_affairs")


def test_the_report_pins_the_version_hash(app, ready):
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Report
    from formplatform.services.forms import get_version

    with app.test_request_context():
        new_campaign(ready, form_key="kpi-monthly", version=1)
        open_due_periods(NOV_20)
        assert {r.version_hash for r in Report.objects} == {get_version("kpi-monthly", 1).hash}


def test_a_duplicate_report_is_refused_by_the_unique_index(app, ready):
    from mongoengine.errors import NotUniqueError

    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Report

    with app.test_request_context():
        new_campaign(ready)
        open_due_periods(NOV_20)
        first = Report.objects.first()
        copy = Report(**{k: first[k] for k in first._fields if k != "id"})
        with pytest.raises(NotUniqueError):
            copy.save(force_insert=True)


def test_one_off_non_recurring_ended_and_closed_campaigns(app, ready):
    from formplatform.reporting.campaigns import close_campaign, open_due_periods

    with app.test_request_context():
        once = new_campaign(
            ready,
            period_type="once",
            starts_on=date(2026, 11, 1),
            ends_on=date(2026, 11, 30),
            deadline={"type": "date", "date": "2026-12-10"},
        )
        single = new_campaign(ready, recurring=False, starts_on=date(2026, 9, 1))
        ended = new_campaign(ready, starts_on=date(2026, 8, 20), ends_on=date(2026, 10, 1))
        future = new_campaign(ready, starts_on=date(2027, 1, 1))
        closed = new_campaign(ready, starts_on=date(2026, 1, 1))
        close_campaign(closed, user(ready, "thamdinh"))
        open_due_periods(NOV_20)
        open_due_periods(datetime(2027, 3, 1))
        assert {k for k, _ in reports(once)} == {"once"} and len(reports(once)) == 2
        assert {k for k, _ in reports(single)} == {"2026-M09"}
        assert {k for k, _ in reports(ended)} == {"2026-M09", "2026-M10"}
        assert {k for k, _ in reports(future)} == {"2027-M01", "2027-M02", "2027-M03"}
        assert reports(closed) == []


def test_calendar_quarters_with_working_day_deadlines(app, ready):
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Report

    with app.test_request_context():
        campaign = new_campaign(
            ready,
            period_type="quarter",
            cutoff="calendar",
            starts_on=date(2026, 1, 10),
            deadline={"type": "working_days", "days": 3},
        )
        open_due_periods(NOV_20)
        assert {k for k, _ in reports(campaign)} == {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}
        q1 = Report.objects(campaign_id=campaign.id, period_key="2026-Q1").first()
        assert q1.deadline == datetime(2026, 4, 3, 16, 59, 59)  # Tue 31 Mar + 3 working days = Fri 3 Apr
        q2 = Report.objects(campaign_id=campaign.id, period_key="2026-Q2").first()
        assert q2.deadline == datetime(2026, 7, 3, 16, 59, 59)


def test_newly_assigned_agencies_get_the_current_period_only_and_locked_fields_stay(app, ready):
    from formplatform.errors import Invalid
    from formplatform.models import utcnow
    from formplatform.reporting.campaign_input import CampaignInput
    from formplatform.reporting.campaigns import open_due_periods, update_campaign
    from formplatform.reporting.periods import period_containing

    with app.test_request_context():
        campaign = new_campaign(ready, starts_on=date(2026, 6, 1))
        open_due_periods()
        before = len(reports(campaign))
        data = CampaignInput.from_campaign(campaign)
        data.agency_ids = [*data.agency_ids, ready.id("justice")]
        update_campaign(campaign, data, user(ready, "thamdinh"))
        open_due_periods()
        justice = [k for k, a in reports(campaign) if a == ready.id("justice")]
        assert justice == [period_containing(utcnow().date(), "month", "nd09").key]
        assert len(reports(campaign)) == before + 1
        locked = CampaignInput.from_campaign(campaign)
        locked.period_type, locked.version = "quarter", 1
        with pytest.raises(Invalid) as error:
            update_campaign(campaign, locked, user(ready, "thamdinh"))
        assert [(p.path, p.code) for p in error.value.problems] == [("period_type", "campaign_locked")]


def test_an_editor_with_a_narrower_scope_keeps_the_agencies_they_cannot_see(app, ready):
    from formplatform.accounts.models import RoleGrant, User
    from formplatform.reporting.campaign_input import CampaignInput
    from formplatform.reporting.campaigns import update_campaign

    with app.test_request_context():
        campaign = new_campaign(ready, "thietke", agency_ids=[ready.id("home_affairs")])
        designer = User.objects(username="thietke").first()
        designer.roles.append(RoleGrant(role="designer", agency_id=ready.id("city")))
        designer.save()
        wide = CampaignInput.from_campaign(campaign)
        wide.agency_ids = [ready.id("home_affairs"), ready.id("d3")]
        update_campaign(campaign, wide, user(ready, "thietke"))
        designer.roles = [g for g in designer.roles if g.agency_id != ready.id("city")]
        designer.save()
        narrow = CampaignInput.from_campaign(campaign)
        narrow.agency_ids = []  # the home-affairs designer unticks the only agency they can see
        narrow.agency_types = ["ward"]
        update_campaign(campaign, narrow, user(ready, "thietke"))
        assert campaign.agency_ids == [ready.id("d3")]


def test_opening_notifies_the_drafters_of_periods_still_due(app, ready):
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Notification

    with app.test_request_context():
        new_campaign(ready)
        open_due_periods(NOV_20)  # November is due on the 25th (still ahead), December too
        notices = list(Notification.objects)
        assert {n.user_id for n in notices} == {ready.users["cv_q1"].id, ready.users["cv_q3"].id}
        assert len(notices) == 4 and {n.kind for n in notices} == {"due"}
        new_campaign(ready, starts_on=date(2026, 3, 1), recurring=False)  # March: long past its deadline
        open_due_periods(NOV_20)
        assert Notification.objects.count() == 4


# ---- pages -------------------------------------------------------------------------------------------


def form_data(city: Any, **changes: str | list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name_vi": "Báo cáo tháng",
        "name_en": "Monthly report",
        "form_version": "cchc-report@1",
        "period_type": "month",
        "cutoff": "nd09",
        "deadline_type": "day_of_month",
        "deadline_day": "25",
        "deadline_days": "5",
        "starts_on": "2026-10-20",
        "ends_on": "",
        "recurring": "1",
        "agency_ids": [city.id("d1"), city.id("d3")],
        "action": "save",
    }
    data.update(changes)
    return data


def post_form(client: Any, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/admin/campaigns")})


def test_the_list_shows_an_empty_state_then_the_campaigns(client, ready):
    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get("/admin/campaigns?lang=en").get_data(as_text=True)
    assert "There are no reporting campaigns yet." in html and "/admin/campaigns/new" in html
    with client.application.test_request_context():
        new_campaign(ready, name={"vi": "Báo cáo <b>quý</b>", "en": "Quarterly <script>x</script>"})
    html = client.get("/admin/campaigns?lang=en").get_data(as_text=True)
    assert "Quarterly &lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert "No campaigns match" in client.get("/admin/campaigns?q=zzz&lang=en").get_data(as_text=True)
    assert "Quarterly" in client.get("/admin/campaigns?q=quarter&lang=en").get_data(as_text=True)


def test_the_form_previews_periods_and_saves(client, ready):
    from formplatform.reporting.models import Campaign

    log_in(client, "thamdinh", CITY_PASSWORD)
    page = client.get("/admin/campaigns/new?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "cchc-report@1" in html and "All wards and communes" in html
    preview = post_form(client, "/admin/campaigns/new", form_data(ready, action="preview"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview of the periods" in html
    assert "2 agencies will report." in html and Campaign.objects.count() == 0
    saved = post_form(client, "/admin/campaigns/new", form_data(ready))
    assert saved.status_code == 302
    campaign = Campaign.objects.get()
    assert saved.headers["Location"].endswith(f"/admin/campaigns/{campaign.id}")
    assert campaign.deadline == {"type": "day_of_month", "day": 25} and campaign.recurring


def test_the_preview_lists_the_next_three_periods_with_deadlines(app, ready):
    from formplatform.reporting.campaign_pages import preview_periods

    with app.test_request_context():
        rows, opening = preview_periods(settings(ready, starts_on=date(2026, 12, 1)), date(2026, 11, 22))
        today = date(2026, 11, 22)
        assert [(r.period.key, r.deadline, r.opens_on, r.open_now(today)) for r in rows] == [
            ("2026-M12", date(2026, 12, 25), date(2026, 12, 1), False),
            ("2027-M01", date(2027, 1, 25), date(2026, 12, 15), False),
            ("2027-M02", date(2027, 2, 25), date(2027, 1, 15), False),
        ]
        assert opening == 0
        rows, opening = preview_periods(settings(ready, starts_on=date(2026, 6, 1)), date(2026, 11, 22))
        assert opening == 7 and rows[0].period.key == "2026-M12" and rows[0].open_now(date(2026, 11, 22))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_validation_messages_in_both_languages_keep_what_was_typed(client, ready, lang):
    log_in(client, "thamdinh", CITY_PASSWORD)
    bad = form_data(ready, name_vi="", deadline_day="xx", agency_ids=[], starts_on="")
    response = client.post(
        f"/admin/campaigns/new?lang={lang}", data={**bad, "csrf_token": csrf_token(client, "/admin/campaigns")}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Monthly report"' in html
    for name in ("name_vi", "deadline", "agencies", "starts_on"):
        assert f'id="{name}-error"' in html
    assert 'id="name_en-error"' not in html and f'<html lang="{lang}">' in html
    if lang == "en":
        for text in ("This field is required.", "Enter a day of the month from 1 to 31.", "Choose at least one agency"):
            assert text in html


def test_specialists_cannot_open_campaigns_and_scope_is_enforced_on_the_page(client, ready, district_admin):
    from formplatform.reporting.models import Campaign

    log_in(client, "cv_q1", CITY_PASSWORD)
    assert client.get("/admin/campaigns/new").status_code == 403
    assert client.get("/admin/campaigns").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "qt_q1", CITY_PASSWORD)
    html = client.get("/admin/campaigns/new").get_data(as_text=True)
    assert ready.id("d1_ward") in html and ready.id("d3") not in html
    response = post_form(client, "/admin/campaigns/new", form_data(ready, agency_ids=[ready.id("d3")]))
    assert response.status_code == 404 and Campaign.objects.count() == 0


def test_edit_and_close_with_confirmation(client, ready):
    from formplatform.reporting.models import Campaign

    with client.application.test_request_context():
        campaign = new_campaign(ready)
    log_in(client, "thamdinh", CITY_PASSWORD)
    assert 'value="Báo cáo CCHC hằng tháng"' in client.get(f"/admin/campaigns/{campaign.id}/edit").get_data(
        as_text=True
    )
    changed = form_data(ready, name_en="Renamed", deadline_type="working_days", deadline_days="5")
    assert post_form(client, f"/admin/campaigns/{campaign.id}/edit", changed).status_code == 302
    saved = Campaign.objects.get(id=campaign.id)
    assert saved.name["en"] == "Renamed" and saved.deadline == {"type": "working_days", "days": 5}
    confirm = client.get(f"/admin/campaigns/{campaign.id}/close?lang=en").get_data(as_text=True)
    assert "No further period will open" in confirm and Campaign.objects.get(id=campaign.id).status == "active"
    assert post_form(client, f"/admin/campaigns/{campaign.id}/close", {}).status_code == 302
    assert Campaign.objects.get(id=campaign.id).status == "closed"
    assert client.get(f"/admin/campaigns/{campaign.id}/edit").status_code == 409
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "thietke", CITY_PASSWORD)  # manages Sở Nội vụ: the owner, so may see it
    assert client.get(f"/admin/campaigns/{campaign.id}/edit").status_code == 409


def test_the_api_lists_creates_and_reads_campaigns(client, ready):
    from tests.conftest import bearer

    headers = bearer(client, "thamdinh", CITY_PASSWORD)
    body = {
        "name": {"vi": "Báo cáo quý", "en": "Quarterly report"},
        "form_key": "cchc-report",
        "version": 1,
        "period_type": "quarter",
        "deadline": {"type": "working_days", "days": 10},
        "agency_types": ["district"],
        "starts_on": "2026-01-01",
    }
    created = client.post("/api/v1/campaigns", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    record = created.get_json()
    assert record["cutoff"] == "nd09" and record["starts_on"] == "2026-01-01" and record["agency_types"] == ["district"]
    listed = client.get("/api/v1/campaigns", headers=headers).get_json()
    assert [c["id"] for c in listed["items"]] == [record["id"]] and not listed["has_next"]
    read = client.get(f"/api/v1/campaigns/{record['id']}", headers=headers).get_json()
    assert read["periods"] == [] and read["name"]["en"] == "Quarterly report"
    bad = client.post("/api/v1/campaigns", json={**body, "deadline": {"type": "days", "days": -2}}, headers=headers)
    assert bad.status_code == 422 and [e["path"] for e in bad.get_json()["error"]["errors"]] == ["deadline.days"]
    assert client.post("/api/v1/campaigns", data="{", headers=headers).status_code == 400
    specialist = bearer(client, "cv_q1", CITY_PASSWORD)
    assert client.post("/api/v1/campaigns", json=body, headers=specialist).status_code == 403
    assert client.get(f"/api/v1/campaigns/{record['id']}", headers=specialist).status_code == 404


def test_an_opened_campaign_shows_its_fixed_settings_and_still_saves_the_rest(client, ready):
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Campaign

    with client.application.test_request_context():
        campaign = new_campaign(ready)
        open_due_periods(NOV_20)
    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get(f"/admin/campaigns/{campaign.id}/edit?lang=en").get_data(as_text=True)
    assert "can no longer change" in html and 'name="form_version" value="cchc-report@1"' in html
    assert re.search(r'name="period_type" value="quarter"\s+disabled', html)
    assert not re.search(r'name="period_type" value="month" checked\s+disabled', html)
    changed = form_data(ready, deadline_type="days", deadline_days="7", agency_ids=[ready.id("d1")])
    assert post_form(client, f"/admin/campaigns/{campaign.id}/edit", changed).status_code == 302
    saved = Campaign.objects.get(id=campaign.id)
    assert saved.deadline == {"type": "days", "days": 7} and saved.agency_ids == [ready.id("d1")]
    moved = form_data(ready, starts_on="2026-09-01")
    response = post_form(client, f"/admin/campaigns/{campaign.id}/edit?lang=en", moved)
    assert response.status_code == 422 and "reports of this campaign have been opened" in response.get_data(
        as_text=True
    )
