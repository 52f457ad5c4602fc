"""The demo city comes with a year of ratings behind its results and dossiers ready to rate."""

from __future__ import annotations


def test_demo_ratings_reach_the_rankings_and_load_once(app, seeded):
    from formplatform.agencies.models import Agency
    from formplatform.models import utcnow
    from formplatform.satisfaction.demo import seed_demo_satisfaction
    from formplatform.satisfaction.models import Dossier, Rating, Rollup
    from formplatform.satisfaction.periods import current_period
    from formplatform.satisfaction.results import ranking
    from formplatform.services.demo import seed_demo_agencies

    with app.test_request_context():
        seed_demo_agencies()
        added = seed_demo_satisfaction(ratings_per_agency=30)
        rated = Agency.objects(type__in=["department", "district", "ward"]).count()
        assert added == 30 * rated and Rating.objects.count() == added
        assert seed_demo_satisfaction(ratings_per_agency=30) == 0  # idempotent
        for district in Agency.objects(type="district"):
            wards = Agency.objects(parent_id=district.id, type="ward").count()
            yearly = Rollup.objects(kind="agency", agency_id=district.id, period_kind="year").as_pymongo()
            assert sum(row["n"] for row in yearly) == 30 * (1 + wards)  # a district counts its wards' dossiers
        districts = ranking(current_period("year", utcnow()), "district")
        assert [entry["rank"] for entry in districts] == list(range(1, len(districts) + 1))
        ward = Agency.objects.get(code="000.21.31.H29")
        assert Dossier.objects(agency_id=ward.id, status="returned").count() == 5
