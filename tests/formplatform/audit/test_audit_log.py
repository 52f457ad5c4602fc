"""The audit log page and API: filters, scope, pagination, before/after, and who may read it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from formplatform.audit.models import AuditEvent
from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD

MARCH_14 = datetime(2025, 3, 14, 23, 59, 59)


@pytest.fixture
def events(app: Any, city: Any) -> dict[str, AuditEvent]:
    """Events across the city: some with no agency (root), some in Sở Nội vụ, District 1 and District 3."""
    from formplatform.audit.services import record_event

    admin, cv_q1 = city.users["quantri"], city.users["cv_q1"]
    with app.app_context():
        made = {
            "stranger": record_event(
                "login.failed", outcome="failed", actor_name="ke_gian", details={"reason": "unknown_user"}
            ),
            "lock_d1": record_event(
                "user.lock",
                actor=admin,
                target_type="user",
                target_id=cv_q1.id,
                agency_id=city.id("d1"),
                before={"status": "active", "display_name": "cv_q1"},
                after={"status": "locked", "display_name": "cv_q1"},
            ),
            "publish": record_event(
                "form.publish",
                actor=city.users["thietke"],
                target_type="form",
                target_id="kpi-monthly",
                agency_id=city.id("home_affairs"),
            ),
            "ward": record_event(
                "submission.create",
                actor=cv_q1,
                target_type="submission",
                target_id="s-ward",
                agency_id=city.id("d1_ward"),
            ),
            "d3": record_event(
                "user.update",
                actor=admin,
                target_type="user",
                target_id=city.users["cv_q3"].id,
                agency_id=city.id("d3"),
                before={"phone": "0901234567"},
                after={"phone": "0907654321"},
            ),
        }
        for name, at in (
            ("mar13", MARCH_14 - timedelta(days=1)),
            ("mar14", MARCH_14),
            ("mar15", MARCH_14 + timedelta(seconds=1)),
        ):
            made[name] = AuditEvent(action="token.issue", at=at, actor_name="quantri", target_id=name)
            made[name].save()
    return made


def api(client: Any, username: str, **params: str) -> Any:
    return client.get("/api/v1/audit", query_string=params, headers=bearer(client, username, CITY_PASSWORD))


def found(response: Any, events: dict[str, AuditEvent]) -> set[str]:
    """Which of the named events the response lists."""
    assert response.status_code == 200, response.get_json()
    ids = {item["id"] for item in response.get_json()["items"]}
    return {name for name, event in events.items() if event.id in ids}


def test_the_page_shows_who_did_what_when_and_from_where(client, events):
    log_in(client, "quantri", CITY_PASSWORD)
    response = client.get("/admin/audit?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "14/03/2025 23:59:59 UTC" in html
    assert "Account locked" in html and '<code class="fp-muted">user.lock</code>' in html
    assert "ke_gian" in html and "fp-badge--danger" in html and "fp-badge--success" in html
    assert "127.0.0.1" in html  # the administrator's own login, recorded from the test client
    # compared as moments: isoformat() drops the fraction at a whole second, so the strings do not sort
    times = [datetime.fromisoformat(t.removesuffix("Z")) for t in re.findall(r'<time datetime="([^"]+)"', html)]
    assert times == sorted(times, reverse=True) and len(times) == AuditEvent.objects.count()


def test_before_and_after_are_shown_key_by_key_with_changes_highlighted(client, events):
    log_in(client, "quantri", CITY_PASSWORD)
    html = client.get("/admin/audit?lang=en&action=user.lock").get_data(as_text=True)
    assert "<details>" in html and "1 change" in html
    changed = re.search(r'class="fp-audit-value fp-diff-changed">\s*<strong>status</strong>.*?</div>', html, re.S)
    assert changed and "<del>active</del> → <ins>locked</ins>" in changed.group(0)
    same = re.search(r'class="fp-audit-value">\s*<strong>display_name</strong>(.*?)</div>', html, re.S)
    assert same and "cv_q1" in same.group(1) and "<del>" not in same.group(1)  # unchanged: shown, not highlighted


def test_recorded_text_is_escaped(app, client, city):
    from formplatform.audit.services import record_event

    with app.app_context():
        record_event(
            "login.failed",
            outcome="failed",
            actor_name="<script>alert(1)</script>",
            after={"name": "<img src=x onerror=alert(1)>"},
        )
    log_in(client, "quantri", CITY_PASSWORD)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "user"}, {"lock_d1", "d3"}),
        ({"action": "USER.L"}, {"lock_d1"}),
        ({"action": "."}, set()),  # the dot is a character, not "any character"
        ({"action": "user.*"}, set()),
        ({"actor": "QUANTRI", "action": "user"}, {"lock_d1", "d3"}),
        ({"actor": "ke_"}, {"stranger"}),
        ({"actor": "("}, set()),
        ({"target": "s-ward"}, {"ward"}),
        ({"outcome": "failed", "actor": "ke_gian"}, {"stranger"}),
        ({"date_from": "14/03/2025", "date_to": "14/03/2025"}, {"mar14"}),
        ({"date_from": "2025-03-14", "date_to": "2025-03-15", "action": "token"}, {"mar14", "mar15"}),
        ({"date_to": "13/03/2025"}, {"mar13"}),
    ],
)
def test_filters(client, events, params, expected):
    assert found(api(client, "quantri", **params), events) == expected


def test_the_page_applies_the_same_filters_and_keeps_them_in_links(client, events):
    log_in(client, "quantri", CITY_PASSWORD)
    html = client.get("/admin/audit?lang=en&actor=ke_&outcome=failed").get_data(as_text=True)
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr")
    assert "ke_gian" in html and "kpi-monthly" not in html and rows == 1
    assert 'value="ke_"' in html and "/admin/audit.csv?actor=ke_&amp;outcome=failed" in html
    empty = client.get("/admin/audit?lang=en&action=nothing.like.this").get_data(as_text=True)
    assert "No events match these filters." in empty


def params_field(params: dict[str, str]) -> str:
    return "date_to" if "date_to" in params else next(iter(params))


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"date_from": "31/02/2025"}, "bad_date"),
        ({"date_to": "yesterday"}, "bad_date"),
        ({"date_from": "15/03/2025", "date_to": "14/03/2025"}, "bad_date_range"),
        ({"outcome": "maybe"}, "bad_outcome"),
    ],
)
def test_bad_filters_get_a_clear_error_not_a_crash(client, events, params, code):
    response = api(client, "quantri", **params)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == code
    log_in(client, "quantri", CITY_PASSWORD)
    page = client.get("/admin/audit", query_string={**params, "lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'role="alert"' in html and "fp-error-page" not in html
    assert re.search(rf'name="{params_field(params)}"[^>]*aria-invalid="true"', html)
    assert client.get("/admin/audit.csv", query_string=params).status_code == 400


def test_pages_of_fifty_newest_first_never_counted(app, client, city):
    with app.app_context():
        start = datetime(2025, 1, 1)
        for n in range(120):
            AuditEvent(action="form.draft_save", at=start + timedelta(minutes=n), target_id=f"n{n:03}").save()
    first = api(client, "quantri", action="form")
    body = first.get_json()
    assert (body["has_next"], body["page"], body["per_page"], len(body["items"])) == (True, 1, 50, 50)
    assert "total" not in body  # counting every match is what slowed lists down as history grew
    assert body["items"][0]["target_id"] == "n119" and body["items"][0]["at"] == "2025-01-01T01:59:00Z"
    last = api(client, "quantri", action="form", page="3").get_json()
    assert [i["target_id"] for i in last["items"]] == [f"n{n:03}" for n in range(19, -1, -1)]
    assert last["has_next"] is False
    for nonsense in ("0", "x", "99999999999999999999"):
        assert api(client, "quantri", page=nonsense).status_code == 400
    log_in(client, "quantri", CITY_PASSWORD)
    html = client.get("/admin/audit?lang=en&action=form&page=2").get_data(as_text=True)
    assert "Page 2, rows 51–100" in html and html.count("<time ") == 50
    assert "/admin/audit?page=3&amp;action=form" in html or "/admin/audit?action=form&amp;page=3" in html
    assert "/admin/audit?page=1&amp;action=form" in html or "/admin/audit?action=form&amp;page=1" in html
    beyond = client.get("/admin/audit?lang=en&page=99999999999999999999")
    assert beyond.status_code == 200 and "There are no events on this page." in beyond.get_data(as_text=True)


def test_a_district_administrator_sees_only_events_of_the_district(client, city, events, district_admin):
    response = api(client, "qt_q1")
    assert found(response, events) == {"lock_d1", "ward"}
    district = {city.id(short) for short in ("d1", "d1_division", "d1_ward")}
    assert {item["agency_id"] for item in response.get_json()["items"]} <= district
    log_in(client, "qt_q1", CITY_PASSWORD)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "ke_gian" not in html and "kpi-monthly" not in html and "s-ward" in html
    exported = client.get("/admin/audit.csv").get_data(as_text=True)
    assert "ke_gian" not in exported and "kpi-monthly" not in exported and "s-ward" in exported


@pytest.mark.parametrize("username", ["xem_q1", "cv_q1", "thamdinh", "xem_tp", "thietke"])
def test_only_administrators_may_read_the_log(client, events, username):
    assert api(client, username).status_code == 403
    log_in(client, username, CITY_PASSWORD)
    for path in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(path)
        assert response.status_code == 403 and "ke_gian" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_turned_away(client, events):
    for path in ("/admin/audit", "/admin/audit.csv"):
        response = client.get(path)
        assert response.status_code in (302, 401) and "ke_gian" not in response.get_data(as_text=True)
    api_response = client.get("/api/v1/audit")
    assert api_response.status_code == 401 and api_response.get_json()["error"]["code"] == "unauthorized"


def test_empty_log(client, city):
    log_in(client, "quantri", CITY_PASSWORD)
    AuditEvent._get_collection().delete_many({})  # test set-up only: the app itself cannot do this
    assert "No events have been recorded yet." in client.get("/admin/audit?lang=en").get_data(as_text=True)
