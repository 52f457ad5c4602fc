"""PAR index: per-area scores, exempt areas rescaled to 100, the reviewer's scoring, the ranking."""

from __future__ import annotations

from typing import Any

import pytest

from formplatform.errors import Invalid
from tests.conftest import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, make_report, par_data, users

# maxima of the eight areas of par-self-assessment v1 (28 points in all)
AREA_MAX = {"area1": 5, "area2": 4, "area3": 6, "area4": 2, "area5": 3, "area6": 2, "area7": 4, "area8": 2}


def definition() -> dict[str, Any]:
    from form_definitions.library import library_definition

    return library_definition("par-self-assessment")


def verified(scores: dict[str, float], default: float | None = None) -> dict[str, float]:
    """Verified values for every item: `scores` by item key, else `default` (else the item's maximum)."""
    from formplatform.reporting.par import par_items

    return {
        i.verified_name: scores.get(i.key, i.maximum if default is None else default) for i in par_items(definition())
    }


def test_items_pair_self_and_verified_scores_per_area():
    from formplatform.reporting.par import par_areas, par_items

    items = par_items(definition())
    assert len(items) == 15 and items[0].self_name == "s1_1_1_self" and items[0].verified_name == "s1_1_1_verified"
    assert [a["name"] for a in par_areas(definition())] == list(AREA_MAX)
    assert {a: sum(i.maximum for i in items if i.area == a) for a in AREA_MAX} == AREA_MAX


def test_scores_total_and_index_without_exemption():
    from formplatform.reporting.par import par_scores

    data = {**par_data(definition(), {"s1_1_1": 0.5}), **verified({"s1_1_1": 0, "s3_2_2": 1})}
    scores = par_scores(definition(), data)
    area1 = scores["areas"][0]
    assert (area1["self"], area1["verified"], area1["max"], area1["exempt"]) == (4.5, 4.0, 5.0, False)
    assert (scores["self_total"], scores["verified_total"], scores["max_total"]) == (27.5, 26.0, 28.0)
    assert scores["index_100"] == round(26 / 28 * 100, 2) == 92.86
    assert scores["self_index_100"] == 98.21


def test_an_exempt_area_is_dropped_and_the_rest_rescaled_to_100():
    from formplatform.reporting.par import par_scores

    data = {**par_data(definition()), **verified({"s3_1_1": 0, "s3_2_1": 0, "s3_2_2": 0, "s1_1_2": 1})}
    plain = par_scores(definition(), data)
    exempt = par_scores(definition(), data, ["area3"])
    assert plain["index_100"] == round(21 / 28 * 100, 2)
    assert exempt["max_total"] == 22.0 and exempt["verified_total"] == 21.0
    assert exempt["index_100"] == round(21 / 22 * 100, 2) == 95.45
    assert [a["exempt"] for a in exempt["areas"]] == [a == "area3" for a in AREA_MAX]
    perfect = par_scores(definition(), {**par_data(definition()), **verified({})}, ["area3", "area8"])
    assert perfect["index_100"] == 100.0 and perfect["max_total"] == 20.0


def test_without_verified_scores_there_is_no_index_and_unknown_areas_are_refused():
    from formplatform.reporting.par import check_exempt_areas, par_scores

    scores = par_scores(definition(), par_data(definition()))
    assert scores["verified_total"] is None and scores["index_100"] is None and scores["self_index_100"] == 100.0
    assert check_exempt_areas(definition(), ["area8", "area2"]) == ["area2", "area8"]  # form order
    with pytest.raises(Invalid):
        check_exempt_areas(definition(), ["general"])
    with pytest.raises(Invalid):
        check_exempt_areas(definition(), "area1")


def test_ties_share_a_rank():
    from formplatform.reporting.par import rank

    rows = [{"id": n, "index_100": v} for n, v in (("a", 90.0), ("b", 95.5), ("c", 90.0), ("d", None), ("e", 80.0))]
    ranked = rank(rows)
    assert [(r["id"], r["rank"]) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("e", 4)]


def _accepted_assessment(city: Any, agency: str, campaign_id: str | None, scores: dict[str, float], exempt: list[str]):
    """A PAR report of `agency` through the chain, verified with `scores` and accepted."""
    from formplatform.reporting import workflow

    u = users(city)
    report = make_report(
        city, "par-self-assessment", agency=agency, campaign_id=campaign_id, data=par_data(definition())
    )
    drafter = u["cv_q1"] if agency.startswith("d1") else u["cv_q3"]
    workflow.submit_report(report.id, drafter)
    if agency == "d1":
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
    else:  # nobody holds the later roles in the test city: moved on directly, as the chain would
        from formplatform.reporting.models import Report

        Report.objects(id=report.id).update_one(set__state="submitted", set__step=3)
    workflow.save_report(report.id, verified(scores), u["thamdinh"], exempt_areas=exempt)
    workflow.accept_report(report.id, u["thamdinh"])
    return report


@pytest.fixture
def ranked_period(app: Any, city: Any, seeded: Any) -> Any:
    with app.app_context():
        d1 = _accepted_assessment(city, "d1", None, {"s1_1_1": 0}, [])  # 27 of 28
        campaign = d1.campaign_id
        d3 = _accepted_assessment(city, "d3", campaign, {"s3_1_1": 0, "s3_2_1": 0, "s3_2_2": 0}, ["area3"])  # 22/22
        ward = _accepted_assessment(city, "d1_ward", campaign, {"s1_1_1": 0}, [])  # 27 of 28: tie with d1
        pending = make_report(city, "par-self-assessment", agency="d3_ward", campaign_id=campaign)
        return {"campaign": campaign, "d1": d1.id, "d3": d3.id, "ward": ward.id, "pending": pending.id}


def test_the_ranking_orders_agencies_by_verified_index(app, client, city, ranked_period):
    from formplatform.reporting.models import Campaign
    from formplatform.reporting.par import period_ranking

    with app.test_request_context():
        table = period_ranking(
            Campaign.objects(id=ranked_period["campaign"]).first(), "2026-M11", users(city)["thamdinh"]
        )
    order = [(row["report"].id, row["rank"], row["index_100"]) for row in table["ranked"]]
    assert order[0] == (ranked_period["d3"], 1, 100.0)
    assert sorted(order[1:]) == sorted([(ranked_period["d1"], 2, 96.43), (ranked_period["ward"], 2, 96.43)])
    assert [r.id for r in table["pending"]] == [ranked_period["pending"]]

    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get(f"/campaigns/{ranked_period['campaign']}/periods/2026-M11/ranking?lang=en").get_data(as_text=True)
    assert html.index("District 3") < html.index("District 1") and "96.43" in html and "Not ranked yet" in html


def test_the_ranking_is_scoped_like_compliance(app, client, city, ranked_period):
    url = f"/campaigns/{ranked_period['campaign']}/periods/2026-M11/ranking?lang=en"
    log_in(client, "ct_q1", CITY_PASSWORD)  # compliance.read over District 1 only
    html = client.get(url).get_data(as_text=True)
    assert f'data-fp-agency="{city.id("d1")}"' in html and f'data-fp-agency="{city.id("d3")}"' not in html
    assert '<td class="fp-num" data-label="Rank">2</td>' in html  # its true place among all agencies
    client._cookies.clear()
    log_in(client, "cv_q1", CITY_PASSWORD)
    assert client.get(url).status_code == 403
    client._cookies.clear()
    log_in(client, "thamdinh", CITY_PASSWORD)
    assert client.get("/campaigns/nope/periods/2026-M11/ranking").status_code == 404


def test_the_reviewer_scores_next_to_the_self_score_on_the_report_page(app, client, city, seeded):
    from formplatform.reporting import workflow
    from formplatform.reporting.models import Report

    with app.app_context():
        u = users(city)
        report = make_report(city, "par-self-assessment", data=par_data(definition(), {"s1_1_1": 0.5}))
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert "Self-assessed score: 0.5 of 1" in html and 'name="s1_1_1_verified"' in html
    assert 'name="_comment__s1_1_1_self"' in html and 'name="_exempt"' in html
    token = __import__("re").search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = {f"{k}": str(v) for k, v in verified({"s1_1_1": 0.25}).items()}
    too_high = client.post(
        f"/reports/{report.id}/review",
        data={"csrf_token": token, "action": "accept", **form, "s1_1_2_verified": "9"},
    )
    assert too_high.status_code == 422 and Report.objects(id=report.id).first().state == "submitted"
    done = client.post(
        f"/reports/{report.id}/review",
        data={"csrf_token": token, "action": "accept", "_exempt": "area4", "_comment__s1_1_1_self": "Chậm", **form},
    )
    assert done.status_code == 302
    stored = Report.objects(id=report.id).first()
    assert stored.state == "accepted" and stored.review["exempt_areas"] == ["area4"]
    assert stored.review["values"]["s1_1_1_verified"] == 0.25
    shown = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert "Index out of 100" in shown and str(round(25.25 / 26 * 100, 2)) in shown


def _comment_cell(html: str, key: str) -> str:
    import re

    match = re.search(rf'data-fp-par-comment="{key}">([^<]*)</td>', html)
    assert match, f"no comment cell for {key}"
    return match.group(1)


def test_item_comments_are_kept_on_save_and_accept_and_shown_beside_the_verified_score(app, client, city, seeded):
    import re

    from formplatform.reporting import workflow
    from formplatform.reporting.models import Report, ReportStep

    with app.app_context():
        u = users(city)
        report = make_report(city, "par-self-assessment", data=par_data(definition(), {"s1_1_1": 0.5}))
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    scores = {k: str(v) for k, v in verified({"s1_1_1": 0.25}).items()}
    issue = "Chưa có văn bản kiểm chứng số 12/KH-UBND"
    notes = {"_comment__s1_1_1_self": issue, "_comment__area2": "Bổ sung báo cáo quý"}
    saved = client.post(f"/reports/{report.id}/review", data={"csrf_token": token, "action": "save", **scores, **notes})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("done=review_saved")
    stored = Report.objects(id=report.id).first()
    assert stored.state == "submitted" and stored.review["values"]["s1_1_1_verified"] == 0.25
    assert stored.review["comments"] == {"s1_1_1_self": issue, "area2": "Bổ sung báo cáo quý"}
    # the reviewer finds the comment again in its box and beside the verified score
    again = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert re.search(rf'name="_comment__s1_1_1_self"[^>]*>{issue}</textarea>', again)
    assert _comment_cell(again, "s1_1_1") == issue and _comment_cell(again, "s1_1_2") == ""
    client._cookies.clear()
    log_in(client, "cv_q1", CITY_PASSWORD)  # the agency sees it too, before and after acceptance
    assert _comment_cell(client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True), "s1_1_1") == issue
    client._cookies.clear()
    log_in(client, "thamdinh", CITY_PASSWORD)
    later = "Điểm trừ do thiếu văn bản kiểm chứng"
    html = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    done = client.post(
        f"/reports/{report.id}/review",
        data={"csrf_token": token, "action": "accept", **scores, "_comment__s1_1_1_self": later},
    )
    assert done.status_code == 302
    accepted = Report.objects(id=report.id).first()
    assert accepted.state == "accepted" and accepted.review["comments"] == {"s1_1_1_self": later}
    step = ReportStep.objects(report_id=report.id, action="accept").first()
    assert step.field_comments == {"s1_1_1_self": later}
    client._cookies.clear()
    log_in(client, "cv_q1", CITY_PASSWORD)
    shown = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    assert _comment_cell(shown, "s1_1_1") == later and later in shown.split('id="history-title"')[1]


def test_accept_keeps_the_comments_saved_with_the_review_when_none_are_sent(app, city, seeded):
    from formplatform.reporting import workflow
    from formplatform.reporting.models import ReportStep

    with app.test_request_context():
        u = users(city)
        report = make_report(city, "par-self-assessment", data=par_data(definition()))
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
        workflow.save_report(report.id, verified({}), u["thamdinh"], comments=("", {"s2_1_1_self": "Đạt"}))
        with pytest.raises(Invalid):
            workflow.save_report(report.id, verified({}), u["thamdinh"], comments=("", {"nope": "x"}))
        moved = workflow.accept_report(report.id, u["thamdinh"])
        assert moved.review["comments"] == {"s2_1_1_self": "Đạt"}
        assert ReportStep.objects(report_id=report.id, action="accept").first().field_comments == {"s2_1_1_self": "Đạt"}
