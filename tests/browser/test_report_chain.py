"""Issue 5's acceptance flow in Chromium: one report walks the whole QĐ 1439 chain with four users —
specialist submits, division head approves, agency head signs the PDF with a (demo) certificate,
Sở Nội vụ returns it for supplementation; the agency revises and resubmits through the same chain;
the reviewer sees what changed and accepts. The signed PDF verifies, and one flipped byte breaks it."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.test_report_workflow import log_in, state_of
from tests.formplatform.reporting.workflow_support import cchc_data, make_report


def submit_as_specialist(page: Any, base: str, rid: str) -> None:
    log_in(page, base, "cv_q1")
    page.goto(f"{base}/reports/{rid}?lang=en")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()


def approve_as_division_head(page: Any, base: str, rid: str, comment: str) -> None:
    log_in(page, base, "tp_q1")
    page.goto(f"{base}/reports/{rid}?lang=en")
    page.fill("#approve-comment", comment)
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_load_state()


def sign_as_agency_head(page: Any, base: str, rid: str, certificate: str, password: str) -> None:
    log_in(page, base, "ct_q1")
    page.goto(f"{base}/reports/{rid}?lang=en")
    page.get_by_role("link", name="Sign and approve").click()
    page.wait_for_load_state()
    page.set_input_files("#f-p12", certificate)
    page.fill("#f-password", password)
    screenshot(page, "report-chain-sign-en")
    page.locator("[data-testid=sign-p12-form] button[type=submit]").click()
    page.wait_for_load_state()


def test_one_report_through_the_whole_chain_with_a_return_and_a_signed_pdf(
    browser, live_server, app, city, seeded, tmp_path
):
    from formplatform.reporting.demo_ca import DEMO_P12_PASSWORD, issue_demo_certificate
    from formplatform.reporting.models import Report
    from formplatform.reporting.signature_checks import demo_pki_directory, trust_roots, verify_pdf
    from formplatform.reporting.signature_pages import bind_demo_certificate

    with app.app_context():
        rid = make_report(city, "cchc-report", data=cchc_data()).id
        certificate = str(issue_demo_certificate(demo_pki_directory(), "ct_q1", "Chủ tịch UBND Quận 1", "UBND Quận 1"))
        bind_demo_certificate(city.users["ct_q1"], certificate)  # as the demo certificate download does
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()

    submit_as_specialist(page, live_server, rid)
    assert state_of(app, rid) == ("in_approval", 1)
    approve_as_division_head(page, live_server, rid, "Số liệu đã kiểm tra.")
    assert state_of(app, rid) == ("in_approval", 2)
    sign_as_agency_head(page, live_server, rid, certificate, DEMO_P12_PASSWORD)
    assert state_of(app, rid) == ("submitted", 3)

    # Sở Nội vụ returns it with a comment on one section.
    log_in(page, live_server, "thamdinh")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    page.fill('[name="_comment__results"]', "Đề nghị nêu rõ số thủ tục hành chính đã cắt giảm.")
    page.fill('[name="_general_comment"]', "Đề nghị bổ sung trước ngày 25.")
    page.locator('input[name=confirm][form="fp-report-form"]').check()
    page.get_by_role("button", name="Return for supplementation").click()
    page.wait_for_load_state()
    assert state_of(app, rid) == ("returned", 0)

    # The agency revises and resubmits through the same chain.
    log_in(page, live_server, "cv_q1")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    assert "số thủ tục hành chính đã cắt giảm" in page.locator(".fp-report__comments").inner_text()
    page.fill("#f-direction", "Đã cắt giảm 12 thủ tục hành chính; ban hành kế hoạch và chỉ đạo thực hiện đầy đủ.")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    assert state_of(app, rid) == ("in_approval", 1)
    approve_as_division_head(page, live_server, rid, "Đã bổ sung theo ý kiến Sở Nội vụ.")
    sign_as_agency_head(page, live_server, rid, certificate, DEMO_P12_PASSWORD)
    assert state_of(app, rid) == ("submitted", 3)

    # The reviewer sees what changed, and accepts.
    log_in(page, live_server, "thamdinh")
    page.goto(f"{live_server}/reports/{rid}/changes?lang=en")
    assert "Đã cắt giảm 12 thủ tục" in page.locator("main").inner_text()
    screenshot(page, "report-chain-changes-en")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    page.get_by_role("button", name="Accept the report").click()
    page.wait_for_load_state()
    assert state_of(app, rid)[0] == "accepted"
    assert "Valid" in page.locator("main").inner_text() or "valid" in page.locator("main").inner_text()
    screenshot(page, "report-chain-accepted-en")

    signed = page.request.get(f"{live_server}/reports/{rid}/signed.pdf")
    assert signed.ok and signed.headers["content-type"].startswith("application/pdf")
    pdf = signed.body()
    with app.app_context():
        report = Report.objects(id=rid).first()
        assert report.on_time is True and report.accepted_at is not None
        roots = trust_roots()
        checks = verify_pdf(pdf, roots)
        assert checks and all(c.valid and c.intact and c.trusted for c in checks)
        middle = len(pdf) // 2
        tampered = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
        broken = verify_pdf(tampered, roots)
        assert not broken or not all(c.valid and c.intact for c in broken)
    context.close()


def test_a_draft_saves_itself_while_the_specialist_types(browser, live_server, app, city, seeded):
    from formplatform.reporting.models import Report

    with app.app_context():
        rid = make_report(city, "cchc-report", data=cchc_data()).id
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "cv_q1")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    page.fill("#f-direction", "Viết dở, chưa bấm lưu.")
    status = page.locator("#fp-report-autosave")
    status.get_by_text("Draft saved automatically.").wait_for()
    with app.app_context():
        stored = Report.objects(id=rid).first()
        assert stored.data["direction"] == "Viết dở, chưa bấm lưu." and stored.state == "draft"
        revision = stored.revision
    page.fill("#f-direction", "Bản cuối.")
    page.wait_for_function(f"() => Number(document.querySelector('input[name=revision]').value) > {revision}")
    page.get_by_role("button", name="Save draft").click()  # the manual save still sees the current revision
    page.wait_for_load_state()
    assert "The draft is saved." in page.content()
    with app.app_context():
        assert Report.objects(id=rid).first().data["direction"] == "Bản cuối."
    context.close()
