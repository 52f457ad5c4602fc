"""Ten years of reports cost what one year costs (DESIGN §6, CONVENTIONS 12): counted, not timed.

Each everyday reporting page and API is requested with one year of a monthly campaign's reports, then
again after nine more years were added behind it: it must send the same commands and receive the same
documents, never count, and every read of reports and notifications must be one the embedded engine
serves from an index (tests/querycount.py replays it on neosqlite and checks SQLite's plan).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.history_support import (
    YEARS,
    add_notices,
    add_reports,
    decade_campaign,
    months_back,
    request_cost,
)

COUNTED = pytest.mark.embedded_only  # command monitoring: mongomock has no wire protocol


@pytest.fixture
def history(app: Any, city: Any, seeded: Any) -> Any:
    """One year of a monthly reform-report campaign for five agencies, and 300 notices of the reviewer."""
    from formplatform.models import utcnow

    with app.app_context():
        campaign = decade_campaign(city, "cchc-report", 1)
        add_reports(campaign, city, months_back(0, 11))
        reviewer = city.users["thamdinh"].id
        add_notices(reviewer, utcnow() - timedelta(hours=300), 300)

    def add_years() -> None:
        with app.app_context():
            add_reports(campaign, city, months_back(12, 12 * YEARS - 1))
            add_notices(reviewer, utcnow() - timedelta(hours=3000), 2700)

    return {"campaign": campaign, "add_years": add_years}


def clients(app: Any) -> dict[str, Any]:
    """The reviewer logged in, the District 1 specialist logged in, and the reviewer's API token."""
    reviewer, drafter, api = app.test_client(), app.test_client(), app.test_client()
    log_in(reviewer, "thamdinh", CITY_PASSWORD)
    log_in(drafter, "cv_q1", CITY_PASSWORD)
    return {"reviewer": reviewer, "drafter": drafter, "api": api, "token": bearer(api, "thamdinh", CITY_PASSWORD)}


def paths(campaign_id: str) -> dict[str, tuple[str, str]]:
    return {
        "compliance page": ("reviewer", f"/admin/campaigns/{campaign_id}"),
        "compliance API": ("api", f"/api/v1/campaigns/{campaign_id}/compliance"),
        "campaign API": ("api", f"/api/v1/campaigns/{campaign_id}"),
        "campaigns page": ("reviewer", "/admin/campaigns"),
        "campaigns API": ("api", "/api/v1/campaigns"),
        "to-do page": ("drafter", "/reports"),
        "all reports page": ("reviewer", "/reports/all"),
        "reports API": ("api", "/api/v1/reports"),
        "notifications page": ("reviewer", "/notifications"),
        "unread notifications page": ("reviewer", "/notifications?unread=1"),
        "notifications API": ("api", "/api/v1/notifications"),
    }


def costs(app: Any, mongo_uri: str, campaign_id: str) -> dict[str, dict[str, Any]]:
    found = clients(app)
    measured = {}
    for name, (who, path) in paths(campaign_id).items():
        headers = found["token"] if who == "api" else None
        measured[name] = request_cost(found[who], mongo_uri, path, headers)
    return measured


@COUNTED
def test_reporting_pages_and_apis_cost_the_same_with_ten_years_of_reports(app, mongo_uri, history):
    campaign_id = history["campaign"].id
    one_year = costs(app, mongo_uri, campaign_id)
    history["add_years"]()
    ten_years = costs(app, mongo_uri, campaign_id)
    for name in one_year:
        before, after = one_year[name], ten_years[name]
        assert (after["commands"], after["documents"]) == (before["commands"], before["documents"]), (
            name,
            before["by_command"],
            after["by_command"],
        )
        assert after["unindexed"] == [], (name, after["unindexed"])
        assert not [c for c in after["log"].commands if c.name in ("count", "aggregate", "distinct")], name


def test_the_compliance_view_offers_recent_periods_and_reaches_older_ones(app, history):
    """Twelve periods are offered, newest first; an older one can be chosen and shows its own reports."""
    from formplatform.reporting.compliance import PERIOD_CHOICES

    history["add_years"]()
    campaign_id = history["campaign"].id
    reviewer = clients(app)["reviewer"]
    newest, oldest = months_back(0, 0)[0], months_back(12 * YEARS - 1, 12 * YEARS - 1)[0]
    html = reviewer.get(f"/admin/campaigns/{campaign_id}?lang=en").get_data(as_text=True)
    offered = html.split('id="period"')[1].split("</select>")[0]
    assert offered.count("<option") == PERIOD_CHOICES and f'value="{newest.key}" selected' in offered
    assert "Earlier periods" in html
    old = reviewer.get(f"/admin/campaigns/{campaign_id}?period={oldest.key}&lang=en").get_data(as_text=True)
    assert f'value="{oldest.key}" selected' in old and old.count('data-status="accepted"') == 5
    api = clients(app)
    body = api["api"].get(f"/api/v1/campaigns/{campaign_id}/compliance?periods=3", headers=api["token"]).get_json()
    assert body["periods"][0] == newest.key and len(body["periods"]) == PERIOD_CHOICES
    assert body["rates"]["periods"] == [p.key for p in reversed(months_back(0, 2))]
    unknown = api["api"].get(f"/api/v1/campaigns/{campaign_id}/compliance?period=1999-M01", headers=api["token"])
    assert unknown.status_code == 404


@COUNTED
def test_the_unread_badge_stops_at_99_plus_without_counting(app, mongo_uri, history):
    history["add_years"]()
    reviewer = clients(app)["reviewer"]
    cost = request_cost(reviewer, mongo_uri, "/reports?lang=en")
    assert "99+" in cost["html"] and 'data-unread="100"' in cost["html"]
    notices = cost["log"].on("notifications")
    assert [c.name for c in notices] == ["find"] and notices[0].documents == 100


@COUNTED
def test_the_to_do_list_reads_its_forms_once_whatever_the_number_of_reports(app, mongo_uri, history):
    drafter = clients(app)["drafter"]
    cost = request_cost(drafter, mongo_uri, "/reports?lang=en")
    assert cost["html"].count("fp-todo__item ") >= 4
    assert [c.name for c in cost["log"].on("forms")] == ["find", "find"]  # definitions, then titles


def current_report(campaign: Any, city: Any, agency: str) -> str:
    """The id of the agency's report of the current period."""
    from formplatform.reporting.models import Report

    period = months_back(0, 0)[0]
    return Report.objects(campaign_id=campaign.id, period_key=period.key, agency_id=city.id(agency)).first().id


@COUNTED
def test_a_report_page_costs_the_same_with_ten_years_of_steps_and_revisions(app, mongo_uri, city, history):
    """Opening a report reads its own steps and revisions by the report's index, never the whole history."""
    with app.app_context():
        to_fill = current_report(history["campaign"], city, "d1")  # not started: cv_q1 fills it in
        to_review = current_report(history["campaign"], city, "d3_ward")  # submitted, with its step and revision
    found = clients(app)
    pages = {"fill": (found["drafter"], f"/reports/{to_fill}"), "review": (found["reviewer"], f"/reports/{to_review}")}
    one_year = {name: request_cost(client, mongo_uri, path) for name, (client, path) in pages.items()}
    history["add_years"]()
    ten_years = {name: request_cost(client, mongo_uri, path) for name, (client, path) in pages.items()}
    for name, before in one_year.items():
        after = ten_years[name]
        assert (after["commands"], after["documents"]) == (before["commands"], before["documents"]), (
            name,
            before["by_command"],
            after["by_command"],
        )
        assert [c.name for c in after["log"].on("report_steps")], name  # the history is read…
        assert after["unindexed"] == [], (name, after["unindexed"])  # …through the report's index


@COUNTED
def test_the_to_do_list_reads_one_page_however_many_reports_were_left_open(app, mongo_uri, city, seeded):
    """Years of reports never sent still show, by deadline, but a page reads only what it shows (and one more)."""
    from formplatform.reporting.report_pages import TODO_PAGE

    with app.app_context():
        campaign = decade_campaign(city, "cchc-report", 1)
        add_reports(campaign, city, months_back(0, 35), old_state="draft")  # d1 and its ward: 70 open
    drafter = clients(app)["drafter"]
    three_years = request_cost(drafter, mongo_uri, "/reports?lang=en")
    with app.app_context():
        add_reports(campaign, city, months_back(36, 12 * YEARS - 1), old_state="draft")
    ten_years = request_cost(drafter, mongo_uri, "/reports?lang=en")
    for cost in (three_years, ten_years):
        assert cost["html"].count("fp-todo__item ") == TODO_PAGE and 'rel="next"' in cost["html"]
        assert all(c.documents <= TODO_PAGE + 1 for c in cost["log"].on("reports")), cost["by_command"]
        assert cost["unindexed"] == [], cost["unindexed"]
    assert (ten_years["commands"], ten_years["documents"]) == (three_years["commands"], three_years["documents"])
    with app.app_context():
        from formplatform.reporting.models import Report

        oldest = Report.objects(campaign_id=campaign.id, agency_id=city.id("d1")).order_by("deadline").first()
    assert f"/reports/{oldest.id}" in ten_years["html"]  # the longest overdue comes first


@COUNTED
def test_a_history_without_people_asks_for_no_account(app, mongo_uri):
    """A report nobody has acted on names no one: no `_id $in []`, which nx-27017 answers by reading every
    account (a report's page took 1.5x as long with 500 accounts as with 50)."""
    from formplatform.reporting.workflow_history import people
    from tests.querycount import counting, skip_without_events

    skip_without_events()
    with app.app_context(), counting(mongo_uri) as log:
        assert people({None}) == {}
    assert log.commands == []
