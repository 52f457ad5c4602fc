"""Every figure of an agency covers the same ratings — its own and its units': the headline, each
criterion, the procedures and the officials of each stage add up to each other, for every agency of
the demo city, in the roll-ups and as the public API shows them."""

from __future__ import annotations

from collections import defaultdict

SUMMED = ("n", "total_sum", "max_sum")


def test_headline_criteria_procedures_and_officials_add_up_for_every_agency(app, client, seeded):
    from formplatform.agencies.models import Agency
    from formplatform.models import utcnow
    from formplatform.satisfaction.demo import seed_demo_satisfaction
    from formplatform.satisfaction.models import Rating, Rollup
    from formplatform.satisfaction.periods import current_period
    from formplatform.services.demo import seed_demo_agencies

    with app.test_request_context():
        seed_demo_agencies()
        seed_demo_satisfaction(ratings_per_agency=12)
        year = current_period("year", utcnow())
        rows = list(Rollup.objects(period=year).as_pymongo())
        rated = list(Agency.objects(type__in=["department", "district", "ward"]))
        handled: dict[str, int] = defaultdict(int)
        for rating in Rating.objects(status="counted").only("agency_id", "created_at"):
            if current_period("year", rating.created_at) == year:
                handled[rating.agency_id] += 1
    by_agency: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_agency[row["agency_id"]][row["kind"]].append(row)
    checked = 0
    for agency in rated:
        kinds = by_agency[agency.id]
        headline = kinds["agency"][0] if kinds["agency"] else None
        units = [a.id for a in rated if a.parent_id == agency.id]
        expected = (
            handled[agency.id]
            + sum(handled[u] for u in units)
            + sum(handled[w.id] for u in units for w in rated if w.parent_id == u)
        )
        assert (headline["n"] if headline else 0) == expected, agency.code
        if not headline:
            continue
        slugs = [key[2:-2] for key in headline if key.startswith("c_") and key.endswith("_n")]
        assert slugs and all(headline[f"c_{slug}_n"] == headline["n"] for slug in slugs)  # every criterion
        procedures = kinds["procedure"]
        for field in (*SUMMED, *(f"c_{slug}_sum" for slug in slugs)):
            assert sum(p[field] for p in procedures) == headline[field], (agency.code, "procedures", field)
        for stage in ("receive", "process", "return"):
            officials = [o for o in kinds["official"] if o["key"].startswith(f"{stage}:")]
            for field in SUMMED:
                assert sum(o[field] for o in officials) == headline[field], (agency.code, stage, field)
        page = client.get(f"/api/v1/satisfaction/agencies/{agency.id}?period={year}").get_json()
        assert page["figures"]["n"] == headline["n"]
        listed = client.get(f"/api/v1/satisfaction/agencies/{agency.id}/procedures?period={year}&per_page=100")
        assert sum(item["n"] for item in listed.get_json()["items"]) == page["figures"]["n"]
        checked += 1
    assert checked == len(rated)


def test_roll_ups_of_an_older_layout_are_rebuilt_once_by_the_scheduled_check(app, city, seeded):
    from formplatform.models import PlatformState
    from formplatform.satisfaction.models import Rollup
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.scheduler.jobs import BY_NAME
    from formplatform.scheduler.runner import run_job
    from tests.fixtures.satisfaction import ANSWERS, make_dossier

    with app.test_request_context():
        submit_rating(make_dossier(city, "d1_ward", seq=1).id, ANSWERS, channel="qr")
        district = city.id("d1")
        # as the previous layout left them: no procedure or official listed under the district, no record
        Rollup.objects(agency_id=district, kind__in=["procedure", "official"]).delete()
        PlatformState.objects.delete()
        first = run_job(BY_NAME["ratings.check"])
        assert first.summary == {"rebuilt_from": 1, "counted": 0}
        assert Rollup.objects(agency_id=district, kind="procedure").count() == 3  # month, quarter, year
        assert run_job(BY_NAME["ratings.check"]).summary == {"rebuilt_from": 0, "counted": 0}  # once
