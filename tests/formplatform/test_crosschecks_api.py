"""Cross-field checks on the server: a submission that does not add up is refused (422) and accepted once
corrected; a report's draft save keeps the figures and reports the problem, its submit refuses them."""

from __future__ import annotations

from typing import Any

import pytest

from formplatform.errors import Invalid
from tests.fixtures.checks import KEY, MESSAGE, figures_definition
from tests.formplatform.reporting.workflow_support import make_report, users

WRONG = {"received": 3, "on_time": 3, "late": 3, "pending": 3}
RIGHT = {"received": 9, "on_time": 3, "late": 3, "pending": 3}


def test_a_sum_check_refuses_then_accepts_once_corrected(client, admin_headers):
    assert client.put(f"/api/v1/forms/{KEY}/draft", json=figures_definition(), headers=admin_headers).status_code in (
        200,
        201,
    )
    assert client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers).status_code == 201
    for lang in ("vi", "en"):
        refused = client.post(
            f"/api/v1/forms/{KEY}/submissions?lang={lang}", json={"data": WRONG}, headers=admin_headers
        )
        assert refused.status_code == 422
        errors = refused.get_json()["error"]["errors"]
        assert sorted(e["path"] for e in errors) == ["pending", "received"]
        assert {e["code"] for e in errors} == {"check_failed"} and {e["message"] for e in errors} == {MESSAGE[lang]}
    from formplatform.models import Submission

    assert Submission.objects.count() == 0
    accepted = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": RIGHT}, headers=admin_headers)
    assert accepted.status_code == 201, accepted.get_json()
    assert Submission.objects.count() == 1


def test_a_bad_check_is_refused_when_the_draft_is_saved(client, admin_headers):
    definition = figures_definition()
    definition["checks"][0]["rule"] = {"==": [{"var": "recieved"}, 1]}
    response = client.put(f"/api/v1/forms/{KEY}/draft", json=definition, headers=admin_headers)
    assert response.status_code == 422
    assert [(e["path"], e["code"]) for e in response.get_json()["error"]["errors"]] == [
        ("checks.0.rule", "unknown_variable")
    ]


@pytest.fixture
def figures_report(app: Any, city: Any, admin: Any) -> Any:
    from formplatform.services.forms import publish_form, save_draft

    with app.app_context():
        save_draft(KEY, figures_definition(), admin, owner_agency_id=city.id("home_affairs"))
        publish_form(KEY, admin)
        yield {"u": users(city), "report": make_report(city, KEY)}


def test_a_report_draft_keeps_figures_that_do_not_add_up_but_cannot_be_submitted(app, figures_report):
    from formplatform.reporting import workflow

    u, rid = figures_report["u"], figures_report["report"].id
    with app.app_context():
        saved = workflow.save_report(rid, WRONG, u["cv_q1"])
        assert {(p.path, p.code) for p in saved.problems} == {("received", "check_failed"), ("pending", "check_failed")}
        assert saved.report.data == WRONG
        with pytest.raises(Invalid) as refused:
            workflow.submit_report(rid, u["cv_q1"])
        assert {p.code for p in refused.value.problems} == {"check_failed"}
        workflow.save_report(rid, RIGHT, u["cv_q1"])
        assert workflow.submit_report(rid, u["cv_q1"]).state == "in_approval"


def test_the_publish_page_names_a_changed_check_by_its_message(client, admin_headers):
    from tests.conftest import ADMIN_PASSWORD, log_in

    client.put(f"/api/v1/forms/{KEY}/draft", json=figures_definition(), headers=admin_headers)
    client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    changed = figures_definition()
    changed["checks"][0]["rule"] = {"<=": [{"var": "pending"}, {"var": "received"}]}
    client.put(f"/api/v1/forms/{KEY}/draft", json=changed, headers=admin_headers)
    log_in(client, "admin", ADMIN_PASSWORD)
    page = client.get(f"/admin/forms/{KEY}/publish?lang=en").get_data(as_text=True)
    assert MESSAGE["en"] in page and "cross-field check rule changed" in page
