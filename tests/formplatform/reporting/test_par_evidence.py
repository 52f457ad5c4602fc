"""The PAR evidence rule on the server: no evidence and no accepted explanation → a verified score of 0.

An exception (more than 0 without evidence) needs the reviewer's comment on the item and is audited.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from form_definitions.problems import Problem
from formplatform.errors import Invalid
from tests.conftest import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, make_report, par_data, users


def definition() -> dict[str, Any]:
    from form_definitions.library import library_definition

    return library_definition("par-self-assessment", 2)


def codes(error: Invalid) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in error.problems}


def without_evidence(key: str, explanation: str | None = "Văn bản đang trình ký, chưa có số.") -> dict[str, Any]:
    data = par_data(definition())
    data.pop(f"{key}_evidence"), data.pop(f"{key}_doc_number")
    if explanation is not None:
        data[f"{key}_explanation"] = explanation
    return data


def test_the_rule_refuses_unproven_points_and_accepts_a_commented_exception():
    from formplatform.reporting.par_evidence import EvidenceException, evidence_rule

    rule = definition()
    bare = without_evidence("s1_1_1", explanation=None)
    assert evidence_rule(rule, bare, {"s1_1_1_verified": 0.5}, {"s1_1_1_self": "Chấp nhận"}) == (
        [Problem("s1_1_1_verified", "par_no_evidence")],
        [],
    )
    explained = without_evidence("s1_1_1")
    problems, _ = evidence_rule(rule, explained, {"s1_1_1_verified": 0.5}, {"s1_1_1_self": "  "})
    assert [(p.path, p.code) for p in problems] == [("s1_1_1_verified", "par_exception_comment")]
    assert evidence_rule(rule, explained, {"s1_1_1_verified": 0.5}, {"s1_1_1_verified": "Hợp lệ"}) == (
        [],
        [EvidenceException("s1_1_1", 0.5, "Hợp lệ")],
    )
    # zero needs nothing; evidence allows any score up to the maximum; other items are not concerned
    assert evidence_rule(rule, bare, {"s1_1_1_verified": 0, "s1_1_2_verified": 2}, {}) == ([], [])


@pytest.fixture
def at_review(app: Any, city: Any, seeded: Any) -> str:
    """A PAR report (v2) whose item s1_1_1 has no evidence but an explanation, waiting for the reviewer."""
    from formplatform.reporting import workflow

    with app.app_context():
        u = users(city)
        report = make_report(city, "par-self-assessment", version=2, data=without_evidence("s1_1_1"))
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
        return str(report.id)


def test_an_exception_needs_the_comment_and_is_audited(app, city, at_review):
    from formplatform.audit.models import AuditEvent
    from formplatform.reporting import workflow
    from formplatform.reporting.models import Report
    from formplatform.reporting.par import par_scores

    with app.test_request_context():
        reviewer = users(city)["thamdinh"]
        with pytest.raises(Invalid) as refused:
            workflow.save_report(at_review, {"s1_1_1_verified": 0.5}, reviewer)
        assert codes(refused.value) == {("s1_1_1_verified", "par_exception_comment")}
        assert Report.objects(id=at_review).first().review.get("values") is None
        assert not AuditEvent.objects(action="report.par_exception").first()
        note = ("", {"s1_1_1_verified": "Chấp nhận giải trình: kế hoạch đã ký, chờ số văn bản"})
        workflow.save_report(at_review, {"s1_1_1_verified": 0.5, "s1_1_2_verified": 2}, reviewer, comments=note)
        workflow.save_report(at_review, {"s1_1_1_verified": 0.5, "s1_1_2_verified": 2}, reviewer, comments=note)
        events = list(AuditEvent.objects(action="report.par_exception"))
        assert len(events) == 1  # saved twice unchanged: audited once
        assert events[0].details == {"criterion": "s1_1_1", "score": 0.5, "comment": note[1]["s1_1_1_verified"]}
        assert (events[0].target_id, events[0].actor_id) == (at_review, reviewer.id)
        with pytest.raises(Invalid) as dropped:  # accepting while removing the comment breaks the rule again
            workflow.accept_report(at_review, reviewer, field_comments={})
        assert codes(dropped.value) == {("s1_1_1_verified", "par_exception_comment")}
        accepted = workflow.accept_report(at_review, reviewer)
        assert accepted.state == "accepted"
        scores = par_scores(definition(), {**accepted.data, **accepted.review["values"]})
        assert scores["areas"][0]["verified"] == 2.5


def test_the_review_page_says_why_in_both_languages(app, client, city, at_review):
    from formplatform.reporting.models import Report

    log_in(client, "thamdinh", CITY_PASSWORD)
    for lang, words in (("en", "accept the explanation"), ("vi", "chấp nhận giải trình")):
        html = client.get(f"/reports/{at_review}?lang={lang}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        posted = client.post(
            f"/reports/{at_review}/review?lang={lang}",
            data={"csrf_token": token, "action": "accept", "s1_1_1_verified": "0.5"},
        )
        assert posted.status_code == 422 and words in posted.get_data(as_text=True)
    assert Report.objects(id=at_review).first().state == "submitted"
