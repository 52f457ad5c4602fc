"""The approval chain through the services: who acts when, what each step records, and races.

The city's four people walk a `cchc-report` through QĐ 1439's chain: cv_q1 drafts, tp_q1 (head of
District 1's Home Affairs division) approves, ct_q1 signs, thamdinh reviews.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from formplatform.errors import Conflict, Forbidden, Invalid
from tests.conftest import ENGINE
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, cchc_data, kpi_data, make_report, users


def codes(error: Invalid) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in error.problems}


@pytest.fixture
def chain(app: Any, city: Any, seeded: Any) -> Any:
    with app.app_context():
        yield {"city": city, "u": users(city), "report": make_report(city, "cchc-report")}


def test_the_whole_chain_with_send_back_return_and_late_resubmission(app, chain):
    from formplatform.reporting import workflow
    from formplatform.reporting.models import Report, ReportRevision, ReportStep

    u, rid = chain["u"], chain["report"].id
    with app.app_context():
        draft = workflow.save_report(rid, {"agency": "UBND Quận 1", "year": "20x6"}, u["cv_q1"], expected_revision=0)
        assert draft.report.state == "draft" and draft.report.revision == 1
        assert ("year", "type") in {(p.path, p.code) for p in draft.problems}  # kept, reported
        assert draft.report.data["year"] == "20x6"
        with pytest.raises(Conflict):  # stale revision: never an overwrite
            workflow.save_report(rid, cchc_data(), u["cv_q1"], expected_revision=0)
        with pytest.raises(Invalid) as refused:
            workflow.submit_report(rid, u["cv_q1"])
        assert ("direction", "required") in codes(refused.value)
        assert Report.objects(id=rid).first().state == "draft"  # nothing moved

        workflow.save_report(rid, cchc_data(), u["cv_q1"], expected_revision=1)
        moved = workflow.submit_report(rid, u["cv_q1"])
        assert (moved.state, moved.step) == ("in_approval", 1)

        with pytest.raises(Invalid) as empty:
            workflow.send_back(rid, u["tp_q1"], "  ")
        assert codes(empty.value) == {("comment", "comment_required")}
        back = workflow.send_back(rid, u["tp_q1"], "Bổ sung số liệu phụ lục")
        assert (back.state, back.step) == ("draft", 0)

        workflow.submit_report(rid, u["cv_q1"])
        assert workflow.approve_report(rid, u["tp_q1"], comment="Đồng ý").step == 2
        with pytest.raises(Invalid) as unsigned:
            workflow.approve_report(rid, u["ct_q1"])
        assert codes(unsigned.value) == {("signature", "signature_required")}
        received = workflow.approve_report(rid, u["ct_q1"], signature=FAKE_SIGNATURE)
        assert (received.state, received.step, received.submissions) == ("submitted", 3, 1)
        assert received.on_time is True and received.signature["signer"] == FAKE_SIGNATURE["signer"]
        first_receipt = received.submitted_at
        from formplatform.reporting.models import Notification

        assert Notification.objects(user_id=u["thamdinh"].id, kind="submitted", report_id=rid).count() == 1

        with pytest.raises(Invalid) as unknown:
            workflow.return_report(rid, u["thamdinh"], field_comments={"no_such_field": "?"})
        assert codes(unknown.value) == {("no_such_field", "unknown_field")}
        notes = {"direction": "Nêu rõ kết quả chỉ đạo.", "annex_indicators": "Thiếu số liệu kiểm tra."}
        returned = workflow.return_report(rid, u["thamdinh"], comment="Đề nghị bổ sung", field_comments=notes)
        assert (returned.state, returned.step, returned.signature) == ("returned", 0, None)
        assert Notification.objects(user_id=u["cv_q1"].id, kind="returned", report_id=rid).count() == 2

        # the deadline passes while the agency revises: the first receipt decided on_time
        Report.objects(id=rid).update_one(set__deadline=datetime.utcnow() - timedelta(days=1))
        revising = workflow.save_report(rid, cchc_data(direction="Đã bổ sung kết quả chỉ đạo."), u["cv_q1"])
        assert revising.report.state == "returned" and not revising.problems  # still shown as returned
        workflow.submit_report(rid, u["cv_q1"])
        workflow.approve_report(rid, u["tp_q1"])
        again = workflow.approve_report(rid, u["ct_q1"], signature=FAKE_SIGNATURE)
        assert again.state == "submitted" and again.submissions == 2
        assert again.on_time is True and again.submitted_at > first_receipt

        done = workflow.accept_report(rid, u["thamdinh"], comment="Đạt yêu cầu")
        assert (done.state, done.step) == ("accepted", 4) and done.accepted_at is not None
        assert workflow.current_step(done)["kind"] == "done" and not workflow.can_act(u["thamdinh"], done)

    steps = list(ReportStep.objects(report_id=rid).order_by("created_at"))
    assert [s.action for s in steps] == [
        "submit", "send_back", "submit", "approve", "sign", "return", "resubmit", "approve", "sign", "accept",
    ]  # fmt: skip
    assert steps[1].comment == "Bổ sung số liệu phụ lục" and steps[5].field_comments == notes
    assert [s.actor_id for s in steps[:5]] == [u[n].id for n in ("cv_q1", "tp_q1", "cv_q1", "tp_q1", "ct_q1")]
    assert (steps[5].from_state, steps[5].to_state, steps[5].revision_number) == ("submitted", "returned", 3)
    revisions = list(ReportRevision.objects(report_id=rid).order_by("number"))
    assert [r.reason for r in revisions] == ["submitted", "submitted", "returned", "resubmitted", "accepted"]
    assert revisions[3].data["direction"] == "Đã bổ sung kết quả chỉ đạo."


def test_only_the_role_of_the_current_step_acts(app, chain):
    from formplatform.reporting import workflow

    u, rid = chain["u"], chain["report"].id
    with app.app_context():
        for name in ("cv_q3", "xem_q1", "ct_q1", "thamdinh", "quantri"):
            with pytest.raises(Forbidden):
                workflow.save_report(rid, cchc_data(), u[name])
        workflow.save_report(rid, cchc_data(), u["cv_q1"])
        workflow.submit_report(rid, u["cv_q1"])
        for name in ("cv_q1", "ct_q1", "cv_q3", "thamdinh", "xem_q1"):
            with pytest.raises(Forbidden):
                workflow.approve_report(rid, u[name])
        with pytest.raises(Conflict):  # not at the review step yet
            workflow.accept_report(rid, u["thamdinh"])
        with pytest.raises(Conflict):  # nothing to fill now
            workflow.save_report(rid, cchc_data(), u["cv_q1"])
        workflow.approve_report(rid, u["tp_q1"])
        workflow.approve_report(rid, u["ct_q1"], signature=FAKE_SIGNATURE)
        with pytest.raises(Forbidden):
            workflow.accept_report(rid, u["cv_q1"])
        # an administrator holds reports.review over the city
        assert workflow.accept_report(rid, u["quantri"]).state == "accepted"


def test_a_late_first_receipt_is_late_for_good(app, city, seeded):
    from formplatform.reporting import workflow

    with app.app_context():
        u = users(city)
        report = make_report(city, "cchc-report", deadline=datetime.utcnow() - timedelta(hours=1), data=cchc_data())
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        received = workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
        assert received.on_time is False
        workflow.return_report(received.id, u["thamdinh"], comment="Bổ sung")
        assert workflow.get_report(report.id).on_time is False


def test_kpi_v2_chain_has_no_signature_nor_reviewer_and_ends_accepted(app, city, seeded):
    from formplatform.reporting import workflow

    with app.app_context():
        u = users(city)
        report = make_report(city, "kpi-monthly", version=2, data=kpi_data())
        assert workflow.current_step(report)["role"] == "specialist"
        workflow.submit_report(report.id, u["cv_q1"])
        step = workflow.current_step(workflow.get_report(report.id))
        assert (step["role"], step["sign"], step["last"]) == ("division_head", False, False)
        workflow.approve_report(report.id, u["tp_q1"])
        done = workflow.approve_report(report.id, u["ct_q1"])  # no signature needed
        assert (done.state, done.step, done.on_time, done.submissions) == ("accepted", 3, True, 1)
        assert done.accepted_at is not None and done.submitted_at is not None
        assert not workflow.can_act(u["thamdinh"], done)


def test_two_approvals_of_the_same_step_only_one_wins(app, chain):
    from formplatform.reporting import workflow
    from formplatform.reporting.models import ReportStep

    u, rid = chain["u"], chain["report"].id
    with app.app_context():
        workflow.save_report(rid, cchc_data(), u["cv_q1"])
        workflow.submit_report(rid, u["cv_q1"])
        seen = workflow.get_report(rid)  # two people opened the page at step 1
        workflow.move(seen, {"set__state": "in_approval", "set__step": 2})
        with pytest.raises(Conflict) as lost:
            workflow.move(seen, {"set__state": "in_approval", "set__step": 2})
        assert lost.value.params["step"] == 2
        with pytest.raises(Conflict):  # the same person clicking twice: 409, not a second approval
            workflow.approve_report(rid, u["tp_q1"], expected_step=1)
    assert ReportStep.objects(report_id=rid, action="approve").count() == 0


@pytest.mark.skipif(ENGINE == "mongomock", reason="mongomock is not thread-atomic; nx-27017 and MongoDB are")
def test_concurrent_double_approve_one_wins_one_conflict(app, chain):
    from formplatform.reporting import workflow
    from formplatform.reporting.models import ReportStep

    u, rid = chain["u"], chain["report"].id
    with app.app_context():
        workflow.save_report(rid, cchc_data(), u["cv_q1"])
        workflow.submit_report(rid, u["cv_q1"])
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def approve() -> None:
        with app.app_context():
            barrier.wait()
            try:
                workflow.approve_report(rid, u["tp_q1"], expected_step=1)
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert ReportStep.objects(report_id=rid, action="approve").count() == 1


def test_reviewer_fields_belong_to_the_reviewer_and_stay_out_of_the_signed_content(app, city, seeded):
    from formplatform.reporting import workflow
    from formplatform.services.forms import get_version
    from tests.formplatform.reporting.workflow_support import par_data

    with app.app_context():
        u = users(city)
        definition = get_version("par-self-assessment", 1).definition
        report = make_report(city, "par-self-assessment")
        with pytest.raises(Invalid) as refused:
            workflow.save_report(report.id, {**par_data(definition, evidence=False), "s1_1_1_verified": 1}, u["cv_q1"])
        assert codes(refused.value) == {("s1_1_1_verified", "reviewer_only")}
        workflow.save_report(report.id, par_data(definition, evidence=False), u["cv_q1"])
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        signed = workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
        digest = signed.content_digest()
        with pytest.raises(Invalid) as agency_field:
            workflow.save_report(report.id, {"s1_1_1_self": 0}, u["thamdinh"])
        assert codes(agency_field.value) == {("s1_1_1_self", "agency_only")}
        with pytest.raises(Invalid) as too_high:
            workflow.save_report(report.id, {"s1_1_1_verified": 5}, u["thamdinh"])
        assert codes(too_high.value) == {("s1_1_1_verified", "too_large")}
        with pytest.raises(Invalid):
            workflow.save_report(report.id, {}, u["thamdinh"], exempt_areas=["general", "nowhere"])
        accepted = ("", {"s1_1_1_self": "Chấp nhận giải trình"})  # no evidence: an exception, with a comment
        saved = workflow.save_report(
            report.id, {"s1_1_1_verified": 0.5}, u["thamdinh"], exempt_areas=["area4"], comments=accepted
        )
        after = saved.report
        assert after.review["values"] == {"s1_1_1_verified": 0.5} and after.review["exempt_areas"] == ["area4"]
        assert after.content_digest() == digest  # the signature still vouches for the agency's content
        # returned: the agency revises, and sending the reviewer's value back unchanged is fine
        workflow.return_report(report.id, u["thamdinh"], field_comments={"s1_1_1_self": "Thiếu minh chứng"})
        resent = workflow.save_report(
            report.id, {**par_data(definition, evidence=False), "s1_1_1_verified": 0.5}, u["cv_q1"]
        )
        assert resent.report.review["values"] == {"s1_1_1_verified": 0.5}


def test_evidence_files_must_be_the_actors_own_or_already_in_the_report(app, city, seeded):
    from formplatform.reporting import workflow
    from formplatform.services.files import store_file
    from formplatform.services.forms import get_version
    from tests.fixtures.files import tiny_pdf
    from tests.formplatform.reporting.workflow_support import par_data

    with app.app_context():
        u = users(city)
        definition = get_version("par-self-assessment", 1).definition
        report = make_report(city, "par-self-assessment")
        foreign = store_file("a.pdf", "application/pdf", tiny_pdf("x"), max_bytes=1000, actor=u["cv_q3"]).reference()
        own = store_file("b.pdf", "application/pdf", tiny_pdf("y"), max_bytes=1000, actor=u["cv_q1"]).reference()
        with pytest.raises(Invalid) as refused:
            workflow.save_report(
                report.id, {**par_data(definition, evidence=False), "s1_1_1_evidence": foreign}, u["cv_q1"]
            )
        assert codes(refused.value) == {("s1_1_1_evidence", "file_missing")}
        workflow.save_report(report.id, {**par_data(definition, evidence=False), "s1_1_1_evidence": own}, u["cv_q1"])
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.send_back(report.id, u["tp_q1"], "Sửa lại")
        # a colleague continues the report: the file already in it stays valid
        from formplatform.accounts.services import create_user
        from tests.fixtures.city import CITY_PASSWORD

        colleague = create_user("cv2_q1", CITY_PASSWORD, agency_id=city.id("d1"), roles=[("specialist", city.id("d1"))])
        kept = workflow.save_report(
            report.id, {**par_data(definition, evidence=False), "s1_1_1_evidence": own}, colleague
        )
        assert kept.report.data["s1_1_1_evidence"]["id"] == own["id"]
