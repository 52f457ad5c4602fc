"""An agency's reports over periods whose template changed stay side by side, aligned by concept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.conftest import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, sample_v2, sample_v3, valid_answers

KEY = "sample-report"


def three_periods(app: Any, city: Any) -> list[str]:
    """Reports of District 1 for three months, filed against versions 1, 2 and 3."""
    from formplatform.reporting.models import Campaign, Report
    from formplatform.services.forms import get_version, publish_form, save_draft

    with app.app_context():
        owner = city.id("home_affairs")
        for definition in (sample_v1(), sample_v2(), sample_v3()):
            save_draft(KEY, definition, None, owner_agency_id=owner)
            publish_form(KEY, None, confirm_breaking=True)
        campaign = Campaign(
            name={"vi": "Báo cáo tháng", "en": "Monthly report"},
            form_key=KEY,
            version=1,
            period_type="month",
            deadline={"type": "day_of_month", "day": 25},
            agency_ids=[city.id("d1")],
            owner_agency_id=owner,
            starts_on=datetime(2026, 8, 15),
        )
        campaign.save()
        ids = []
        for number, month in ((1, 9), (2, 10), (3, 11)):
            data = valid_answers()
            data["staff"] = 10 + number
            data["level"] = "city" if number == 3 else "district"
            data["annex"]["docs"]["actual"] = number * 2
            if number == 3:
                del data["quality"]
            report = Report(
                campaign_id=campaign.id,
                form_key=KEY,
                version=number,
                version_hash=get_version(KEY, number).hash,
                agency_id=city.id("d1"),
                owner_agency_id=owner,
                period_key=f"2026-M{month:02d}",
                period_start=datetime(2026, month - 1, 15),
                period_end=datetime(2026, month, 14),
                deadline=datetime(2026, month, 25, 16, 59),
                state="accepted",
                data=data,
            )
            report.save()
            ids.append(report.id)
        return ids


def test_rows_follow_concepts_across_three_versions(app, city):
    from formplatform.reporting.series import agency_series

    three_periods(app, city)
    with app.test_request_context("/?lang=en"):
        table = agency_series(city.id("d1"), KEY, locale="en")
    assert [r.version for r in table.reports] == [1, 2, 3]
    rows = {(row.label, row.detail): row for row in table.rows}
    assert rows[("Staff", "")].values == ["11", "12", "13"] and rows[("Staff", "")].changed
    # Relabelled in v2 (compatible): one row under the newest label. v3 dropped an option (breaking), so
    # v3's answers form a new concept: a second row, never mixed into the first series.
    levels = [row.values for row in table.rows if row.label == "Administrative level"]
    assert levels == [["", "", "City"], ["District", "District", ""]]
    # Removed in v3: the row stays, empty for the version without it.
    assert rows[("Quality", "")].values == ["Good", "Good", ""]
    # Grids unfold by row and column.
    assert rows[("Documents", "Actual")].values == ["2", "4", "6"]
    assert not rows[("Agency", "")].changed


def test_the_page_is_only_for_readers_of_that_agency(app, client, city):
    three_periods(app, city)
    district1 = city.id("d1")
    log_in(client, "cv_q3", CITY_PASSWORD)
    assert client.get(f"/agencies/{district1}/forms/{KEY}/series").status_code == 404
    client.post("/logout", data={})
    log_in(client, "xem_q1", CITY_PASSWORD)
    page = client.get(f"/agencies/{district1}/forms/{KEY}/series?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 template versions" in html and "Administrative level" in html
    assert html.count("fp-series__changed") >= 2


def test_a_division_head_acts_for_the_agency_the_division_belongs_to(app, city):
    from formplatform.permissions import holds_role

    with app.app_context():
        tp_q1 = city.users["tp_q1"]
        assert holds_role(tp_q1, "division_head", city.id("d1"))
        assert holds_role(tp_q1, "division_head", city.id("d1_division"))
        assert not holds_role(tp_q1, "division_head", city.id("d3"))
        assert not holds_role(tp_q1, "agency_head", city.id("d1"))
        assert not holds_role(city.users["cv_q3"], "specialist", city.id("d1"))
        assert holds_role(city.users["cv_q1"], "specialist", city.id("d1_ward"))


def test_within_one_request_each_person_is_asked_about_their_own_divisions(app, city):
    """A request that notifies several people asks for each of them: one's division answers for nobody else."""
    from formplatform.permissions import holds_role

    with app.test_request_context():
        other = city.users["cv_q3"]
        other.roles[0].role = "division_head"  # of District 3, which has no division in District 1
        assert holds_role(city.users["tp_q1"], "division_head", city.id("d1"))
        assert not holds_role(other, "division_head", city.id("d1"))
