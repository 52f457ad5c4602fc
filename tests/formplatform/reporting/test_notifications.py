"""Notifications: the right users only, e-mail through SMTP when configured, the sweep, the page and the bell."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.campaign_support import new_campaign, report_in_state

DAY = timedelta(days=1)


class FakeSMTP:
    """Stands in for smtplib.SMTP: records connections and messages; can be told to fail."""

    sent: list[Any] = []
    calls: list[tuple[str, Any]] = []
    fail = False

    def __init__(self, host: str, port: int, timeout: float = 0) -> None:
        FakeSMTP.calls.append(("connect", (host, port)))
        if FakeSMTP.fail:
            raise OSError("connection refused")

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: Any) -> None:
        FakeSMTP.calls.append(("quit", None))

    def starttls(self) -> None:
        FakeSMTP.calls.append(("starttls", None))

    def login(self, user: str, password: str) -> None:
        FakeSMTP.calls.append(("login", (user, password)))

    def send_message(self, message: Any) -> None:
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app: Any, monkeypatch: pytest.MonkeyPatch) -> type[FakeSMTP]:
    import formplatform.reporting.notifications as notifications

    FakeSMTP.sent, FakeSMTP.calls, FakeSMTP.fail = [], [], False
    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


@pytest.fixture
def report(app: Any, city: Any, seeded: Any) -> Any:
    """A District 1 report of a campaign that starts far ahead (nothing else opens), due in ten days."""
    from datetime import date

    from formplatform.accounts.models import User

    with app.test_request_context():
        for name in ("cv_q1", "cv_q3", "tp_q1"):
            User.objects(username=name).update(set__email=f"{name}@example.gov.vn")
        campaign = new_campaign(city, starts_on=date(2099, 1, 1))
        return report_in_state(campaign, city.id("d1"), "not_started", datetime.utcnow() + 10 * DAY)


def notified(kind: str | None = None) -> list[str]:
    from formplatform.accounts.models import User
    from formplatform.reporting.models import Notification

    names = {u.id: u.username for u in User.objects}
    query = Notification.objects(kind=kind) if kind else Notification.objects
    return sorted(names[n.user_id] for n in query)


def test_the_holders_of_the_roles_over_the_agency_are_notified_and_nobody_else(app, city, report, smtp):
    from formplatform.accounts.models import User
    from formplatform.reporting.notifications import notify_report

    with app.test_request_context():
        assert notify_report(report, "due", ("specialist",)) == 1
        assert notified("due") == ["cv_q1"]  # not District 3's specialist
        assert notify_report(report, "to_act", ["division_head"]) == 1
        assert notified("to_act") == ["tp_q1"]  # the head of District 1's Home Affairs division
        assert notify_report(report, "submitted", ("reviewer",)) == 2
        assert notified("submitted") == ["quantri", "thamdinh"]  # the city reviewer and the admin (reports.review)
        User.objects(username="cv_q1").update(set__status="locked")
        assert notify_report(report, "returned", ("specialist",)) == 0
        assert notify_report(report, "accepted", ("agency_head",), agency_id=city.id("d3")) == 0
    assert smtp.sent == []  # SMTP_HOST is not set: nothing e-mailed


def test_a_notice_says_what_it_is_about_in_the_readers_language(app, report):
    from formplatform.reporting.models import Notification
    from formplatform.reporting.notifications import notification_text, notify_report

    with app.test_request_context():
        notify_report(report, "returned", ("specialist",), params={"comment": "Bổ sung số liệu"})
        notice = Notification.objects.get()
    assert notice.params["period"] == {"vi": "Tháng 11/2026", "en": "November 2026"}
    assert notice.params["agency"]["en"] == "District 1 People's Committee" and notice.params["comment"]
    with app.test_request_context("/?lang=en"):
        title, sentence = notification_text(notice, "en")
    assert title == "Returned"
    assert sentence == (
        "Administrative reform progress report, November 2026: the report of District 1 People's Committee "
        "was returned for supplementation."
    )


def test_notices_are_e_mailed_in_vietnamese_then_english_when_smtp_is_configured(app, report, smtp, monkeypatch):
    from formplatform.reporting.notifications import notify_report

    for key, value in {
        "SMTP_HOST": "smtp.example",
        "SMTP_PORT": 2525,
        "SMTP_USER": "bot",
        "SMTP_PASSWORD": "pw",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "SMTP_FROM", "bao-cao@example.gov.vn")
    with app.test_request_context():
        assert notify_report(report, "due", ("specialist", "division_head")) == 2
    assert sorted(m["To"] for m in smtp.sent) == ["cv_q1@example.gov.vn", "tp_q1@example.gov.vn"]
    message = smtp.sent[0]
    assert message["From"] == "bao-cao@example.gov.vn" and " / Due: " in message["Subject"]
    body = message.get_content()
    assert body.index("Tháng 11/2026") < body.index("November 2026")
    assert f"/reports/{report.id}" in body
    assert ("connect", ("smtp.example", 2525)) in smtp.calls and ("login", ("bot", "pw")) in smtp.calls
    assert ("starttls", None) in smtp.calls


def test_an_smtp_failure_is_logged_and_the_notice_still_kept(app, report, smtp, monkeypatch, caplog):
    from formplatform.reporting.notifications import notify_report

    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example")
    smtp.fail = True
    with app.test_request_context():
        assert notify_report(report, "overdue", ("specialist",)) == 1
    assert notified("overdue") == ["cv_q1"] and smtp.sent == []
    assert "notification e-mail" in caplog.text


def test_the_sweep_warns_about_overdue_and_due_soon_reports_once(app, city, seeded, smtp):
    from datetime import date

    from formplatform.reporting.tasks import run_sweep

    now = datetime.utcnow()
    with app.test_request_context():
        campaign = new_campaign(city, starts_on=date(2099, 1, 1))
        late = report_in_state(campaign, city.id("d1"), "draft", now - DAY)
        report_in_state(campaign, city.id("d3"), "not_started", now + DAY)
        report_in_state(campaign, city.id("justice"), "submitted", now - DAY, on_time=True, submitted_at=now)
        report_in_state(campaign, city.id("d1_ward"), "not_started", now - 90 * DAY)  # long past: left alone
        assert run_sweep(now) == {"opened": 0, "due_soon": 1, "overdue": 1}
        assert notified("overdue") == ["cv_q1"] and notified("due") == ["cv_q3"]
        assert run_sweep(now) == {"opened": 0, "due_soon": 0, "overdue": 0}
        from formplatform.reporting.models import Report

        Report.objects(id=late.id).update(set__state="in_approval", set__step=1)
        assert run_sweep(now + DAY)["overdue"] == 1  # now it waits at the division head: they hear of it
        assert notified("overdue") == ["cv_q1", "tp_q1"]


def test_the_tasks_command_runs_the_sweep(app, monkeypatch, capsys):
    import formplatform
    from formplatform.reporting import tasks

    monkeypatch.setattr(formplatform, "create_app", lambda overrides=None: app)
    assert tasks.main(["--uri", app.config["MONGODB_URI"]]) == 0
    assert "reports opened: 0" in capsys.readouterr().out


def test_the_page_lists_marks_read_and_the_bell_counts(client, app, city, report):
    from formplatform.reporting.notifications import notify_report

    with app.test_request_context():
        notify_report(report, "due", ("specialist",))
        notify_report(report, "returned", ("specialist",), params={"comment": "<b>thiếu</b>"})
        notify_report(report, "overdue", ("specialist",), agency_id=city.id("d3"))  # cv_q3's
    log_in(client, "cv_q1", CITY_PASSWORD)
    html = client.get("/notifications?lang=en").get_data(as_text=True)
    assert 'data-unread="2"' in html and html.index("Returned") < html.index("Due")  # newest first
    assert "&lt;b&gt;thiếu&lt;/b&gt;" in html and "Overdue" not in html.split("<main", 1)[1]
    from formplatform.reporting.models import Notification

    mine = Notification.objects(kind="returned").get()
    theirs = Notification.objects(kind="overdue").get()
    token = csrf_token(client, "/notifications")
    opened = client.post(f"/notifications/{mine.id}/read", data={"csrf_token": token, "open": "1"})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/reports/{report.id}")
    assert Notification.objects.get(id=mine.id).read
    client.post(f"/notifications/{theirs.id}/read", data={"csrf_token": token})
    assert not Notification.objects.get(id=theirs.id).read  # someone else's stays unread
    assert 'data-unread="1"' in client.get("/notifications?unread=1").get_data(as_text=True)
    client.post("/notifications/read-all", data={"csrf_token": token})
    html = client.get("/notifications?unread=1&lang=en").get_data(as_text=True)
    assert 'data-unread="0"' in html and "No unread notifications." in html
    assert Notification.objects(read=False).count() == 1


def test_the_api_lists_the_callers_notifications(client, app, report):
    from formplatform.reporting.notifications import notify_report

    with app.test_request_context():
        notify_report(report, "due", ("specialist",))
    headers = {**bearer(client, "cv_q1", CITY_PASSWORD), "Accept-Language": "en"}
    body = client.get("/api/v1/notifications?lang=en", headers=headers).get_json()
    assert len(body["items"]) == 1 and body["items"][0]["kind"] == "due" and body["items"][0]["report_id"] == report.id
    assert (body["page"], body["has_next"]) == (1, False) and "total" not in body  # lists never count
    assert "is due by" in body["items"][0]["message"]
    other = client.get("/api/v1/notifications", headers=bearer(client, "cv_q3", CITY_PASSWORD)).get_json()
    assert other["items"] == [] and not other["has_next"]
    assert client.get("/api/v1/notifications").status_code == 401
