"""Integration clients: tokens shown once, stored hashed, limited to scopes and an agency subtree, revocable."""

from __future__ import annotations

import hashlib
import re

from tests.fixtures.definitions import sample_v1, valid_answers
from tests.formplatform.accounts.conftest import as_user, post

REPORT = "sample-report"


def publish_report(app):
    from formplatform.services.forms import publish_form, save_draft

    with app.app_context():
        save_draft(REPORT, sample_v1(REPORT), None)
        publish_form(REPORT, None)


def issue(client, agency_id, scopes=("submissions:create",), days="30", name="Một cửa Quận 1"):
    form = {"name": name, "scopes": list(scopes), "agency_id": agency_id, "days": days}
    return post(client, "/admin/tokens/new?lang=en", form)


def token_in(response):
    match = re.search(r'data-testid="token">([^<]+)<', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:3000]
    return match.group(1)


def records(app):
    from formplatform.accounts.models import ApiToken

    with app.app_context():
        return list(ApiToken.objects(kind="integration"))


def test_a_token_is_shown_once_and_stored_only_as_a_hash(app, city):
    from formplatform.audit.models import AuditEvent

    client = as_user(app, "quantri")
    response = issue(client, city.id("d1"))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = token_in(response)
    [record] = records(app)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(record.to_mongo().to_dict())
    listing = client.get("/admin/tokens?lang=en").get_data(as_text=True)
    assert "Một cửa Quận 1" in listing and "Create submissions" in listing and token not in listing
    with app.app_context():
        event = AuditEvent.objects(action="token.issue", target_id=record.id).first()
        assert event.after["scopes"] == ["submissions:create"] and event.after["agency_id"] == city.id("d1")
        assert token not in str(event.to_mongo().to_dict())


def test_a_token_works_with_its_scopes_within_its_agency_subtree_only(app, city):
    publish_report(app)
    token = token_in(issue(as_user(app, "quantri"), city.id("d1")))
    headers = {"Authorization": f"Bearer {token}"}
    caller = app.test_client()
    me = caller.get("/api/v1/me", headers=headers).get_json()
    assert me["type"] == "integration" and me["scopes"] == ["submissions:create"]
    assert me["agency"]["code"] == "000.00.31.H29" and me["status"] == "active"
    path = f"/api/v1/forms/{REPORT}/submissions"
    own = caller.post(path, json={"data": valid_answers()}, headers=headers)
    assert own.status_code == 201 and own.get_json()["agency_id"] == city.id("d1")
    ward = caller.post(path, json={"data": valid_answers(), "agency_id": city.id("d1_ward")}, headers=headers)
    assert ward.status_code == 201
    other = caller.post(path, json={"data": valid_answers(), "agency_id": city.id("d3")}, headers=headers)
    assert other.status_code in (403, 404)
    assert caller.get(path, headers=headers).status_code == 403  # listing needs submissions:read
    assert caller.get("/api/v1/users", headers=headers).status_code == 403
    assert records(app)[0].last_used_at is not None


def test_revocation_takes_effect_at_once(app, city):
    publish_report(app)
    client = as_user(app, "quantri")
    token = token_in(issue(client, city.id("d1")))
    headers = {"Authorization": f"Bearer {token}"}
    caller = app.test_client()
    assert caller.get("/api/v1/me", headers=headers).status_code == 200
    [record] = records(app)
    page = client.get(f"/admin/tokens/{record.id}/revoke?lang=en").get_data(as_text=True)
    assert "cannot be undone" in page and records(app)[0].revoked_at is None
    assert post(client, f"/admin/tokens/{record.id}/revoke").status_code == 302
    assert caller.get("/api/v1/me", headers=headers).status_code == 401
    submit = caller.post(f"/api/v1/forms/{REPORT}/submissions", json={"data": valid_answers()}, headers=headers)
    assert submit.status_code == 401
    assert "Revoked" in client.get("/admin/tokens?lang=en").get_data(as_text=True)
    from formplatform.audit.models import AuditEvent

    with app.app_context():
        event = AuditEvent.objects(action="token.revoke", target_id=record.id).first()
        assert event.before["status"] == "active" and event.after["status"] == "revoked"


def test_an_expired_token_is_refused(app, city):
    from formplatform.accounts.models import ApiToken

    token = token_in(issue(as_user(app, "quantri"), city.id("d1"), scopes=("forms:read",), days="1"))
    with app.app_context():
        # $currentDate: the embedded engine stores a datetime written with a top-level $set as text
        ApiToken.objects(kind="integration").update(__raw__={"$currentDate": {"expires_at": True}})
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "Expired" in as_user(app, "quantri").get("/admin/tokens?lang=en").get_data(as_text=True)


def test_the_issue_form_checks_scopes_agency_and_expiry(app, city):
    client = as_user(app, "quantri")
    for scopes, agency, days in (
        ((), city.id("d1"), "30"),
        (("forms:read",), "", "30"),
        (("forms:read",), city.id("d1"), "0"),
    ):
        assert issue(client, agency, scopes=scopes, days=days).status_code == 422
    response = issue(client, city.id("d1"), scopes=("forms:read",), days="366")
    assert response.status_code == 422 and "from 1 to 365" in response.get_data(as_text=True)
    assert issue(client, city.id("d1"), scopes=("admin:all",)).status_code == 422
    assert records(app) == []


def test_a_district_admin_issues_and_sees_tokens_of_the_district_only(app, city, district_admin):
    root_token = token_in(issue(as_user(app, "quantri"), city.id("d3"), name="Quận 3"))
    district = as_user(app, "qt_q1")
    response = issue(district, city.id("d3"))
    assert response.status_code == 422 and "outside the part of the city you manage" in response.get_data(as_text=True)
    assert issue(district, city.id("city")).status_code == 422
    assert issue(district, city.id("d1_ward"), name="Phường Bến Nghé").status_code == 200
    listing = district.get("/admin/tokens").get_data(as_text=True)
    assert "Phường Bến Nghé" in listing and "Quận 3" not in listing
    d3_record = next(r for r in records(app) if r.agency_id == city.id("d3"))
    assert district.get(f"/admin/tokens/{d3_record.id}/revoke").status_code == 404
    assert post(district, f"/admin/tokens/{d3_record.id}/revoke").status_code == 404
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {root_token}"}).status_code == 200
    assert as_user(app, "cv_q1").get("/admin/tokens").status_code == 403
