"""Published results: rankings and agency detail on the public pages and the API, across questionnaire versions.

The known set (`known_ratings`): questionnaire v1 was in force until 30 June 2025, v2 after; they differ in
labels only, so 2025 adds both up criterion by criterion.
- District 1 (through its ward Bến Nghé): May 2025 (v1) 18 points very satisfied and 9 points satisfied;
  August 2025 (v2) 0 points not satisfied → 3 ratings, 66.7 % satisfied, 9.00 points on average (Khá/Fair).
- District 3: August 2025 (v2) 18 very satisfied and 16 satisfied → 100 %, 17.00 points (Xuất sắc/Excellent).
- Sở Tư pháp: August 2025, 12 points satisfied; Sở Nội vụ: none.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

from tests.fixtures.city import CITY_PASSWORD

OFFICIALS = ("Nguyễn Văn Tiếp", "Trần Thị Xử", "Lê Văn Trả")


def store_rating(
    city: Any, short: str, seq: int, points: list[int], overall: str, when: datetime, version_number: int, **extra: Any
) -> Any:
    """A rating as intake stores it (against a given questionnaire version and time), counted like live intake."""
    from formplatform.permissions import lineage
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.questionnaire import bands, classify, criteria
    from formplatform.satisfaction.rollups import add_rating
    from formplatform.services.forms import get_version

    version = get_version("dossier-satisfaction", version_number)
    scored = criteria(version.definition)
    agency = city.agencies[short]
    code = f"{agency.code}-{when:%y%m%d}-{seq:04d}"
    total = sum(points)
    band = classify(total, bands(version.definition))
    status = extra.pop("status", "counted")
    rating = Rating(
        id=Rating.make_id(code),
        dossier_code=code,
        agency_id=agency.id,
        lineage=lineage(agency.id),
        procedure_code="1.001234",
        officials={"receive": "cb.tiepnhan", "process": "cb.xuly", "return": "cb.trakq"},
        names={
            "receive": OFFICIALS[0],
            "process": OFFICIALS[1],
            "return": OFFICIALS[2],
            "procedure": {"vi": "Cấp bản sao trích lục hộ tịch", "en": "Issuing a copy of a civil-status extract"},
        },
        form_key=version.form_key,
        version=version.number,
        version_hash=version.hash,
        data={**{c["name"]: str(p) for c, p in zip(scored, points, strict=True)}, "overall": overall},
        points={c["slug"]: p for c, p in zip(scored, points, strict=True)},
        total=float(total),
        max=18.0,
        overall=overall,
        band=band["key"] if band else "",
        channel=extra.pop("channel", "kiosk"),
        status=status,
        created_at=when,
        **extra,
    )
    rating.save(force_insert=True)
    if status == "counted":
        add_rating(rating)
    return rating


def known_ratings(city: Any) -> None:
    may, august = datetime(2025, 5, 12, 3), datetime(2025, 8, 20, 4)
    store_rating(city, "d1_ward", 1, [2] * 9, "very_satisfied", may, 1)
    store_rating(city, "d1_ward", 2, [1] * 9, "satisfied", may, 1)
    store_rating(city, "d1_ward", 3, [0] * 9, "not_satisfied", august, 2)
    store_rating(city, "d3", 1, [2] * 9, "very_satisfied", august, 2)
    store_rating(city, "d3", 2, [2] * 7 + [1, 1], "satisfied", august, 2)
    store_rating(city, "justice", 1, [2] * 3 + [1] * 6, "satisfied", august, 2)


@pytest.fixture
def results_city(app, city, seeded):
    with app.test_request_context():
        known_ratings(city)
    return city


def chart_data(html: str, element_id: str) -> dict[str, Any]:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, f"no chart data {element_id}"
    return json.loads(match.group(1))


def ranked_ids(html: str, kind: str) -> list[str]:
    table = html.split(f'data-fps-ranking="{kind}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-fps-agency="([^"]+)"', table)


def test_rankings_add_up_both_questionnaire_versions_by_concept(app, results_city):
    from formplatform.satisfaction.results import agency_overview, ranking

    c = results_city
    with app.test_request_context():
        districts = ranking("2025", "district")
        assert [e["agency"].id for e in districts] == [c.id("d3"), c.id("d1")]
        d3, d1 = districts
        assert (d3["rank"], d3["n"], d3["satisfaction_rate"], d3["average_total"], d3["band"]) == (
            1,
            2,
            100.0,
            17.0,
            "excellent",
        )
        assert (d1["rank"], d1["n"], d1["satisfaction_rate"], d1["average_total"], d1["band"]) == (
            2,
            3,
            66.7,
            9.0,
            "fair",
        )
        assert [k["average"] for k in d1["criteria"]] == [1.0] * 9  # (2 + 1 + 0) / 3 on every concept
        departments = ranking("2025", "department")
        assert [(e["agency"].id, e["rank"], e["n"]) for e in departments] == [
            (c.id("justice"), 1, 1),
            (c.id("home_affairs"), None, 0),
        ]
        may = agency_overview(c.id("d1"), "2025-05")
        august = agency_overview(c.id("d1"), "2025-08")
        assert (may["scale"].version, august["scale"].version) == (1, 2)
        assert (may["figures"]["n"], may["figures"]["average_total"], august["figures"]["n"]) == (2, 13.5, 1)
        first_v1, first_v2 = may["figures"]["criteria"][0], august["figures"]["criteria"][0]
        assert first_v1["concept"] == first_v2["concept"] == "satisfaction.c1"
        assert first_v1["label"] != first_v2["label"]  # labels of the version in force for each period
        assert [t["n"] for t in agency_overview(c.id("d1"), "2025")["trend"]] == [0, 0, 0, 0, 3]


def test_the_public_ranking_page_in_vietnamese_has_charts_tables_and_no_official(client, results_city):
    c = results_city
    html = client.get("/satisfaction?period=2025&lang=vi").get_data(as_text=True)
    assert ranked_ids(html, "district") == [c.id("d3"), c.id("d1")]
    assert ranked_ids(html, "department") == [c.id("justice"), c.id("home_affairs")]
    chart = chart_data(html, "fps-data-district")
    assert chart["labels"] == ["1. UBND Quận 3", "2. UBND Quận 1"] and chart["values"] == [100.0, 66.7]
    assert chart["counts"] == [2, 3]
    assert "66,7%" in html and "9,00" in html and "Xuất sắc" in html and "Khá" in html
    assert 'lang="vi"' in html and "chart.umd.min.js" in html and "js/satisfaction/results.js" in html
    for name in OFFICIALS:
        assert name not in html
    assert "cb.tiepnhan" not in html and c.agencies["d1_ward"].code + "-250512" not in html  # no single rating


def test_the_public_pages_in_english(client, results_city):
    c = results_city
    html = client.get("/satisfaction?period=2025&lang=en").get_data(as_text=True)
    assert "District 3 People&#39;s Committee" in html and "66.7%" in html and "Excellent" in html
    assert chart_data(html, "fps-data-department")["labels"] == ["1. Department of Justice"]
    detail = client.get(f"/satisfaction/agencies/{c.id('d1')}?period=2025&lang=en")
    assert detail.status_code == 200
    page = detail.get_data(as_text=True)
    assert "District 1 People&#39;s Committee" in page and "Ben Nghe Ward People&#39;s Committee" in page
    trend = chart_data(page, "fps-data-trend")
    assert trend["labels"][-1] == "Year 2025" and trend["rates"][-1] == 66.7 and len(trend["labels"]) == 5
    criteria = chart_data(page, "fps-data-criteria")
    assert criteria["values"] == [1.0] * 9
    distribution = chart_data(page, "fps-data-distribution")
    assert distribution["values"] == [1, 1, 1]  # very satisfied, satisfied, not satisfied
    for name in OFFICIALS:
        assert name not in page
    ward = client.get(f"/satisfaction/agencies/{c.id('d1_ward')}?period=2025-05&lang=en").get_data(as_text=True)
    assert "13.50" in ward and "Issuing a copy of a civil-status extract" in ward  # its procedures, by name
    assert f"/satisfaction/agencies/{c.id('d1')}?period=2025-05" in ward  # back to its district
    for name in OFFICIALS:
        assert name not in ward


def test_criterion_labels_follow_the_version_in_force(client, results_city):
    from formplatform.services.forms import get_version

    c = results_city
    labels = {}
    with client.application.app_context():
        for number in (1, 2):
            fields = get_version("dossier-satisfaction", number).definition["fields"]
            section = next(f for f in fields if f.get("name") == "criteria")
            labels[number] = section["fields"][0]["label"]["en"]
    assert labels[1] != labels[2]
    may = client.get(f"/satisfaction/agencies/{c.id('d1')}?period=2025-05&lang=en").get_data(as_text=True)
    august = client.get(f"/satisfaction/agencies/{c.id('d1')}?period=2025-08&lang=en").get_data(as_text=True)
    assert labels[1] in may.replace("&#39;", "'") and labels[2] in august.replace("&#39;", "'")


def test_bad_periods_fall_back_and_unknown_agencies_are_not_found(client, app, results_city):
    c = results_city
    for period in ("2025-13", "abc", "0000", "9999-Q1", "2025-Q5"):
        response = client.get(f"/satisfaction?period={period}&lang=en")
        assert response.status_code == 200
        assert f"“{period}” is not a period" in response.get_data(as_text=True)
    assert client.get("/satisfaction/agencies/nope").status_code == 404
    assert client.get(f"/satisfaction/agencies/{c.id('d1_division')}").status_code == 404  # divisions are not rated
    assert client.get(f"/satisfaction/agencies/{c.id('city')}").status_code == 404
    with app.app_context():
        c.agencies["d3"].update(set__active=False)
    assert client.get(f"/satisfaction/agencies/{c.id('d3')}").status_code == 404
    html = client.get("/satisfaction?period=2025&lang=en").get_data(as_text=True)
    assert "no longer operating" in html  # its past ratings stay in the 2025 ranking, without a link
    assert f"/satisfaction/agencies/{c.id('d3')}" not in html


def test_the_default_period_is_the_latest_month_with_ratings(client, results_city):
    html = client.get("/satisfaction?lang=en").get_data(as_text=True)
    assert 'value="2025-08" selected' in html and "Month 8/2025" in html
    quarters = client.get("/satisfaction?kind=quarter&lang=en").get_data(as_text=True)
    assert 'value="2025-Q3" selected' in quarters
    assert 'value="2025-Q2"' in quarters  # periods with ratings are offered back to the earliest


def test_an_empty_city_shows_empty_states(client, city, seeded):
    html = client.get("/satisfaction?lang=en").get_data(as_text=True)
    assert "No ratings have been counted for this period yet." in html and "No ratings yet" in html
    detail = client.get(f"/satisfaction/agencies/{city.id('d1')}?lang=en").get_data(as_text=True)
    assert "No ratings have been counted for this agency in this period yet." in detail


def test_the_api_publishes_rankings_and_agency_figures(client, results_city):
    c = results_city
    body = client.get("/api/v1/satisfaction/rankings?period=2025&type=district").get_json()
    assert list(body["rankings"]) == ["district"] and body["questionnaire"]["version"] == 2
    first, second = body["rankings"]["district"]
    assert (first["agency"]["id"], first["rank"], first["satisfaction_rate"]) == (c.id("d3"), 1, 100.0)
    assert (second["n"], second["average_total"], second["band"]) == (3, 9.0, "fair")
    assert second["criteria"][0]["concept"] == "satisfaction.c1" and second["criteria"][0]["average"] == 1.0
    both = client.get("/api/v1/satisfaction/rankings").get_json()  # the latest month with ratings
    assert both["period"] == "2025-08" and set(both["rankings"]) == {"department", "district"}
    assert client.get("/api/v1/satisfaction/rankings?period=2025-13").status_code == 400
    assert client.get("/api/v1/satisfaction/rankings?type=ward").get_json()["error"]["code"] == "bad_ranking_type"
    agency = client.get(f"/api/v1/satisfaction/agencies/{c.id('d1')}?period=2025").get_json()
    assert agency["figures"]["n"] == 3 and [u["n"] for u in agency["units"]] == [3]
    assert agency["procedure_count"] == 1  # a district lists its wards' procedures: the ratings of its figures
    ward = client.get(f"/api/v1/satisfaction/agencies/{c.id('d1_ward')}?period=2025").get_json()
    assert ward["top_procedures"][0]["code"] == "1.001234" and ward["procedure_count"] == 1
    assert "officials" not in agency and "Nguyễn Văn Tiếp" not in json.dumps(agency, ensure_ascii=False)
    procedures = client.get(f"/api/v1/satisfaction/agencies/{c.id('d1_ward')}/procedures?period=2025").get_json()
    assert procedures["total"] == 1 and procedures["items"][0]["n"] == 3
    assert client.get("/api/v1/satisfaction/agencies/nope").status_code == 404


def test_officials_in_the_api_need_satisfaction_read_over_the_agency(client, results_city):
    from tests.conftest import bearer

    c = results_city
    path = f"/api/v1/satisfaction/agencies/{c.id('d1_ward')}/officials?period=2025"
    assert client.get(path).status_code == 401
    headers = bearer(client, "xem_q1", CITY_PASSWORD)
    body = client.get(path, headers=headers).get_json()
    assert body["total"] == 3 and {i["name"] for i in body["items"]} == set(OFFICIALS)
    receive = client.get(path + "&stage=receive", headers=headers).get_json()
    assert [(i["stage"], i["official_id"], i["n"]) for i in receive["items"]] == [("receive", "cb.tiepnhan", 3)]
    assert client.get(path + "&stage=nope", headers=headers).status_code == 400
    d3 = f"/api/v1/satisfaction/agencies/{c.id('d3')}/officials?period=2025"
    assert client.get(d3, headers=headers).status_code == 404  # District 1's viewer: District 3 does not exist
    assert client.get(d3, headers=bearer(client, "thamdinh", CITY_PASSWORD)).get_json()["total"] == 3


def test_the_period_picker_offers_a_bounded_window_that_walks_back_through_ten_years(client, app, results_city):
    """Ten years of months would be 120 options on every results page: a window of PERIOD_CHOICES is offered,
    and choosing its oldest period offers the earlier ones."""
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import Rollup
    from formplatform.satisfaction.periods import current_period
    from formplatform.satisfaction.results import previous_periods
    from formplatform.satisfaction.results_pages import PERIOD_CHOICES

    with app.app_context():
        current = current_period("month", utcnow())
        decade = previous_periods(current, 120)
        Rollup._get_collection().insert_one(
            {
                "_id": f"agency|x||{decade[0]}",
                "kind": "agency",
                "agency_id": "x",
                "period_kind": "month",
                "period": decade[0],
            }
        )

    def offered(url: str) -> list[str]:
        html = client.get(url).get_data(as_text=True)
        return re.findall(r'<option value="([^"]+)"', html.split('id="fps-period"')[1].split("</select>")[0])

    newest = offered(f"/satisfaction?period={current}&lang=en")
    assert newest == list(reversed(decade[-PERIOD_CHOICES:]))
    older = offered(f"/satisfaction?period={newest[-1]}&lang=en")
    assert len(older) == PERIOD_CHOICES and newest[-1] in older and older[-1] < newest[-1]
    oldest = offered(f"/satisfaction?period={decade[0]}&lang=en")
    assert oldest[-1] == decade[0] and len(oldest) == PERIOD_CHOICES // 2 + 1
