"""Trends per criterion (every agency page) and per official (staff), month by month, as charts with tables."""

from __future__ import annotations

import json
import re
from datetime import datetime

from tests.fixtures.satisfaction import answers, make_dossier
from tests.formplatform.accounts.conftest import as_user


def rate_in_months(app, city) -> tuple[str, str]:
    """Two ratings in October 2026 (all 2s, all 1s) and one in November (all 0s), counted by month."""
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.rollups import rebuild_rollups

    with app.test_request_context():
        for seq, (points, month) in enumerate(((2, 10), (1, 10), (0, 11)), 1):
            rating = submit_rating(make_dossier(city, "d1_ward", seq=seq).id, answers(points), channel="qr")
            Rating.objects(id=rating.id).update_one(set__created_at=datetime(2026, month, 15, 3))
        rebuild_rollups()
    return "2026-10", "2026-11"


def table(html: str, testid: str) -> list[list[str]]:
    body = html.split(f'data-testid="{testid}"')[1].split("</table>")[0].split("<tbody>")[1]
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", tr) for tr in body.split("</tr>") if "<t" in tr]


def test_every_agency_page_shows_each_criterion_month_by_month(app, client, city, seeded):
    october, november = rate_in_months(app, city)
    html = client.get(f"/satisfaction/agencies/{city.id('d1_ward')}?period={november}&lang=en").get_data(as_text=True)
    rows = {row[0]: row[1:] for row in table(html, "criteria-trend")}
    assert rows["Month 11/2026"] == ["0.00"] * 9 and rows["Month 10/2026"] == ["1.50"] * 9
    chart = json.loads(html.split('id="fps-data-criteria-trend">')[1].split("</script>")[0])
    assert chart["kind"] == "criteria_trend" and len(chart["series"]) == 9 and chart["values"][0][-2:] == [1.5, 0.0]
    district = client.get(f"/satisfaction/agencies/{city.id('d1')}?period={november}&lang=en").get_data(as_text=True)
    assert {row[0]: row[1:] for row in table(district, "criteria-trend")}["Month 10/2026"] == ["1.50"] * 9  # its ward


def test_staff_follow_one_official_month_by_month(app, city, seeded):
    october, november = rate_in_months(app, city)
    staff = as_user(app, "xem_q1")
    agency = staff.get(f"/admin/satisfaction/agencies/{city.id('d1')}?period={november}&lang=en")
    link = f"/admin/satisfaction/agencies/{city.id('d1')}/officials/receive:cb.tiepnhan?period={november}"
    assert link in agency.get_data(as_text=True).replace("&amp;", "&")  # a district lists its wards' officials
    page = staff.get(link + "&lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nguyễn Văn Tiếp" in html and "Receiving" in html
    trend = {row[0]: row[1] for row in table(html, "official-trend")}
    assert trend["Month 11/2026"] == "1" and trend["Month 10/2026"] == "2" and trend["Month 9/2026"] == "0"
    quarter = staff.get(link.replace(november, "2026-Q4") + "&lang=en").get_data(as_text=True)
    assert {row[0]: row[1] for row in table(quarter, "official-trend")}["Quarter 4/2026"] == "3"
    assert as_user(app, "cv_q3").get(link).status_code == 404  # another district's staff
    assert staff.get(f"/admin/satisfaction/agencies/{city.id('d1')}/officials/nobody").status_code == 404
