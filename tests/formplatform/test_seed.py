"""First start: administrator and built-in definitions, seeded once however often the app starts."""

from __future__ import annotations

from form_definitions.library import LIBRARY_KEYS

RATING = {**{f"c{i}": "2" for i in range(1, 10)}, "overall": "very_satisfied"}


def test_seeding_publishes_the_library_once(app, seeded):
    from formplatform.models import Form, FormVersion
    from formplatform.services.seed import seed_library

    with app.app_context():
        assert {f.id for f in Form.objects} == set(LIBRARY_KEYS)
        assert [v.number for v in FormVersion.objects(form_key="dossier-satisfaction").order_by("number")] == [1, 2]
        count = FormVersion.objects.count()
        assert seed_library() == []
        assert FormVersion.objects.count() == count


def test_satisfaction_v2_diff_is_compatible_and_visible(client, seeded):
    form = client.get("/api/v1/forms/dossier-satisfaction").get_json()
    assert [(v["number"], v["breaking"]) for v in form["versions"]] == [(1, False), (2, False)]


def test_satisfaction_rating_scores_out_of_18_for_anyone(client, seeded):
    response = client.post("/api/v1/forms/dossier-satisfaction/submissions", json={"data": RATING})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version"] == 2 and body["score"]["total"] == 18 and body["score"]["max"] == 18
    assert body["score"]["band"] == "excellent" and body["source"] == "api" and body["submitted_by"] is None
    mixed = {**RATING, "c1": "0", "c2": "1"}
    assert (
        client.post(
            "/api/v1/forms/dossier-satisfaction/submissions",
            json={"data": mixed, "version": 1},
        ).get_json()["score"]["total"]
        == 15
    )


def test_admin_is_created_once_with_a_generated_password(app):
    from formplatform.accounts.models import User
    from formplatform.accounts.services import authenticate
    from formplatform.services.seed import ensure_admin

    with app.app_context():
        generated = ensure_admin(None)
        assert generated and len(generated) >= 12
        assert ensure_admin(None) is None and User.objects(username="admin").count() == 1
        assert authenticate("admin", generated).is_admin
