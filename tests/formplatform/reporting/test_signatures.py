"""Digital signatures of reports: sign with a certificate file or accept a PDF signed elsewhere, verify,
detect any change to the PDF or to the report, and never keep the signer's password."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import bson
import mongoengine
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader

from form_definitions.answers import check_answers
from form_definitions.library import library_definition
from formplatform.errors import Conflict, Forbidden, Invalid
from formplatform.reporting.demo_ca import DEMO_P12_PASSWORD, ensure_demo_pki, issue_demo_certificate
from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.form_definitions.test_library import cchc_answers

WRONG_PASSWORD = "sai-mat-khau-Zq81"
SIGN_STEP = 2  # QĐ 1439 chain: specialist, division head, agency head (signs), reviewer


@pytest.fixture(scope="module")
def pki(tmp_path_factory: Any) -> SimpleNamespace:
    """A DATA_DIR with the demo CA and a signer's .p12; and a .p12 of another, untrusted CA."""
    data_dir = tmp_path_factory.mktemp("data")
    demo = data_dir / "demo-pki"
    ensure_demo_pki(demo)
    other = tmp_path_factory.mktemp("other-ca")
    return SimpleNamespace(
        data_dir=data_dir,
        p12=issue_demo_certificate(demo, "ct_q1", "Lê Văn Chủ Tịch", "UBND Quận 1").read_bytes(),
        stranger=issue_demo_certificate(other, "ct_q1", "Lê Văn Chủ Tịch", "UBND Quận 1").read_bytes(),
        other_ca=other / "ca-cert.pem",
    )


@pytest.fixture
def signing(app: Any, pki: SimpleNamespace, monkeypatch: Any) -> SimpleNamespace:
    monkeypatch.setitem(app.config, "DATA_DIR", str(pki.data_dir))
    monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", "")
    monkeypatch.setitem(app.config, "SIGNATURE_DEMO_CA", True)
    return pki


@pytest.fixture
def ctx(app: Any) -> Any:
    """A request context for calling services directly (page tests use the client, never this)."""
    with app.test_request_context():
        yield


def make_report(city: Any, *, agency: str = "d1", step: int = SIGN_STEP, period: str = "2026-M11", **extra: Any) -> Any:
    """A District 1 CCHC report waiting at the agency head's signing step."""
    from formplatform.reporting.models import Report
    from formplatform.services.forms import get_version

    outcome = check_answers(library_definition("cchc-report", 1), cchc_answers(agency="UBND Quận 1", **extra))
    assert outcome.problems == []
    report = Report(
        campaign_id="campaign-1",
        form_key="cchc-report",
        version=1,
        version_hash=get_version("cchc-report", 1).hash,
        agency_id=city.id(agency),
        owner_agency_id=city.id("home_affairs"),
        period_key=period,
        period_start=datetime(2026, 10, 15),
        period_end=datetime(2026, 11, 14),
        deadline=datetime(2099, 11, 25),
        state="in_approval",
        step=step,
        data=outcome.data,
        totals=outcome.totals,
        score=outcome.score,
        revision=1,
    )
    report.save(force_insert=True)
    return report


def certificate_of(p12: bytes) -> bytes:
    """The public certificate (PEM) of a demo PKCS#12."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    return pkcs12.load_key_and_certificates(p12, DEMO_P12_PASSWORD.encode())[1].public_bytes(Encoding.PEM)


def bind(user: Any, p12: bytes, admin: Any) -> None:
    """Register and confirm the certificate of `p12` as `user`'s (signatures are bound to accounts)."""
    from formplatform.accounts.certificates import register_certificate

    register_certificate(user, certificate_of(p12), admin, confirmed=True)


@pytest.fixture
def report(app: Any, city: Any, seeded: Any, signing: Any) -> Any:
    with app.app_context():
        bind(city.users["ct_q1"], signing.p12, city.users["quantri"])
        return make_report(city)


def head(city: Any) -> Any:
    return city.users["ct_q1"]


def reload(report: Any) -> Any:
    return type(report).objects(id=report.id).first()


def stored_files() -> int:
    from formplatform.models import StoredFile

    return StoredFile.objects.count()


def flip_inside_content(pdf: bytes) -> bytes:
    """Change one byte of the first page content stream (inside the signed byte range)."""
    at = pdf.index(b"stream\n", pdf.index(b"/Contents")) + len(b"stream\n") + 5
    tampered = bytearray(pdf)
    tampered[at] ^= 0x01
    return bytes(tampered)


def codes(error: Invalid) -> list[str]:
    return [p.code for p in error.problems]


# --- signing with a certificate file ------------------------------------------------------------


def test_signing_with_a_demo_certificate_gives_a_valid_trusted_pades_signature(ctx, report, city, signing):
    from formplatform.models import StoredFile
    from formplatform.reporting.signatures import sign_report, trust_roots, verify_pdf

    record = sign_report(report, signing.p12, DEMO_P12_PASSWORD, head(city))
    stored = StoredFile.objects(id=record["file_id"]).first()
    signed = bytes(stored.content)
    assert record["sha256"] == hashlib.sha256(signed).hexdigest() == stored.sha256
    assert record["signer"] == "Lê Văn Chủ Tịch" and "UBND Quận 1" in record["signer_subject"]
    assert record["digest"] == report.content_digest()
    assert record["method"] == "pkcs12" and record["valid"] is True and record["trusted"] is True
    assert record["subfilter"] == "ETSI.CAdES.detached"  # PAdES
    [check] = verify_pdf(signed, trust_roots())
    assert check.intact and check.valid and check.trusted and check.whole_document and check.ok
    assert check.signer == "Lê Văn Chủ Tịch" and "CA Thử nghiệm" in check.issuer
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(signed)).pages)
    assert "BÁO CÁO Kết quả thực hiện công tác cải cách hành chính" in " ".join(text.split())


def test_one_flipped_byte_in_the_signed_pdf_fails_verification(ctx, report, city, signing):
    from formplatform.models import StoredFile
    from formplatform.reporting.signatures import sign_report, trust_roots, verify_pdf

    record = sign_report(report, signing.p12, DEMO_P12_PASSWORD, head(city))
    signed = bytes(StoredFile.objects(id=record["file_id"]).first().content)
    [check] = verify_pdf(flip_inside_content(signed), trust_roots())
    assert not check.intact and not check.ok
    assert check.problems == ("signature_altered",)


def test_a_damaged_signature_value_is_invalid_and_a_damaged_container_unreadable(ctx, report, city, signing):
    import re

    from formplatform.reporting.signatures import sign_pdf, trust_roots, verify_pdf

    signed = sign_pdf(_pdf(report), signing.p12, DEMO_P12_PASSWORD, signer_name=None, reason="r", location="l")
    contents = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed)
    used = len(contents.group(1).rstrip(b"0"))  # the container is padded with zeros

    def flipped(offset: int) -> bytes:
        tampered = bytearray(signed)
        at = contents.start(1) + offset
        tampered[at] = ord("1") if tampered[at] == ord("0") else ord("0")
        return bytes(tampered)

    [check] = verify_pdf(flipped(used - 10), trust_roots())  # inside the signature value
    assert check.intact and not check.valid and check.problems == ("signature_invalid",)
    for offset in (10, 100):  # the container's own structure
        with pytest.raises(Invalid) as refused:
            verify_pdf(flipped(offset), trust_roots())
        assert codes(refused.value) == ["pdf_unreadable"]


def test_a_certificate_of_another_ca_is_untrusted_and_refused(ctx, report, city, signing):
    from formplatform.reporting.signatures import sign_pdf, sign_report, trust_roots, verify_pdf

    signed = sign_pdf(_pdf(report), signing.stranger, DEMO_P12_PASSWORD, signer_name=None, reason="r", location="l")
    [check] = verify_pdf(signed, trust_roots())
    assert check.intact and check.valid and not check.trusted
    assert check.problems == ("certificate_untrusted",)
    with pytest.raises(Invalid) as refused:
        sign_report(report, signing.stranger, DEMO_P12_PASSWORD, head(city))
    assert codes(refused.value) == ["certificate_untrusted"]
    assert stored_files() == 0


def test_a_wrong_password_is_a_clear_error_and_nothing_is_stored(ctx, report, city, signing):
    from formplatform.reporting.signatures import sign_report

    with pytest.raises(Invalid) as refused:
        sign_report(report, signing.p12, WRONG_PASSWORD, head(city))
    assert refused.value.code == "signature_rejected"
    assert codes(refused.value) == ["certificate_unreadable"]
    assert refused.value.__cause__ is None and refused.value.__suppress_context__  # no chained detail to log
    with pytest.raises(Invalid) as empty:
        sign_report(report, b"not a p12 file", "x", head(city))
    assert codes(empty.value) == ["certificate_unreadable"]
    with pytest.raises(Invalid) as missing:
        sign_report(report, b"", "", head(city))
    assert codes(missing.value) == ["certificate_required"]
    assert stored_files() == 0
    assert reload(report).signature is None


def certificates_only(pki_dir: Any) -> bytes:
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    ca = ensure_demo_pki(pki_dir).certificate
    return pkcs12.serialize_key_and_certificates(b"ca", None, None, [ca], BestAvailableEncryption(b"pw-12345"))


@pytest.mark.parametrize(
    ("make", "password"),
    [
        (lambda pki: b"\x30\x82" + bytes(range(256)) * 4, DEMO_P12_PASSWORD),
        (lambda pki: pki.p12[: len(pki.p12) // 2], DEMO_P12_PASSWORD),
        (lambda pki: pki.p12[:200] + bytes([pki.p12[200] ^ 1]) + pki.p12[201:], DEMO_P12_PASSWORD),
        (lambda pki: certificates_only(pki.data_dir / "demo-pki"), "pw-12345"),
    ],
    ids=["garbage", "truncated", "one-byte-changed", "certificates-only"],
)
def test_broken_certificate_files_are_a_clear_error(ctx, report, city, signing, make, password):
    from formplatform.reporting.signatures import sign_report

    with pytest.raises(Invalid) as refused:
        sign_report(report, make(signing), password, head(city))
    assert codes(refused.value) == ["certificate_unreadable"]
    assert stored_files() == 0


def _pdf(report: Any) -> bytes:
    from formplatform.reporting.signatures import render_report_pdf

    return render_report_pdf(report)


def signed_elsewhere(pdf: bytes, p12: bytes) -> bytes:
    """What a USB-token tool hands back: the platform's PDF with a signature added (pyHanko here)."""
    from pyhanko.sign import fields, signers

    from formplatform.reporting.signature_checks import off_loop

    signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=DEMO_P12_PASSWORD.encode())
    metadata = signers.PdfSignatureMetadata(field_name="Token", subfilter=fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return off_loop(signers.sign_pdf, writer, metadata, signer=signer).getvalue()


# --- a PDF signed elsewhere -----------------------------------------------------------------------


def test_a_pdf_signed_elsewhere_is_accepted_when_it_is_this_reports_current_pdf(ctx, report, city, signing):
    from formplatform.reporting.signatures import accept_signed_upload

    upload = signed_elsewhere(_pdf(report), signing.p12)
    record = accept_signed_upload(report, upload, head(city))
    assert record["method"] == "upload" and record["trusted"] is True
    assert record["sha256"] == hashlib.sha256(upload).hexdigest()
    assert record["subfilter"] == "adbe.pkcs7.detached"
    assert record["digest"] == report.content_digest()


def test_a_signed_pdf_of_another_report_is_refused(ctx, report, city, signing):
    from formplatform.reporting.signatures import accept_signed_upload

    other = make_report(city, period="2026-M10")
    with pytest.raises(Invalid) as refused:
        accept_signed_upload(report, signed_elsewhere(_pdf(other), signing.p12), head(city))
    assert codes(refused.value) == ["pdf_other_report"]
    assert stored_files() == 0


def test_a_signed_pdf_of_content_changed_since_is_refused(ctx, report, city, signing):
    from formplatform.reporting.models import Report
    from formplatform.reporting.signatures import accept_signed_upload

    upload = signed_elsewhere(_pdf(report), signing.p12)
    Report.objects(id=report.id).update(set__data={**report.data, "proposals": "Đề xuất bổ sung sau khi in."})
    with pytest.raises(Invalid) as refused:
        accept_signed_upload(reload(report), upload, head(city))
    assert codes(refused.value) == ["pdf_content_changed"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda pdf, p12: pdf, "pdf_not_signed"),
        (lambda pdf, p12: b"GIF89a not a pdf", "file_type"),
        (lambda pdf, p12: b"%PDF-1.7\nthis is not really a PDF", "pdf_unreadable"),
        (lambda pdf, p12: flip_inside_content(signed_elsewhere(pdf, p12)), "signature_altered"),
    ],
    ids=["unsigned", "not-a-pdf", "broken-pdf", "tampered"],
)
def test_unsound_uploads_are_refused_with_a_clear_code(ctx, report, city, signing, make, code):
    from formplatform.reporting.signatures import accept_signed_upload

    with pytest.raises(Invalid) as refused:
        accept_signed_upload(report, make(_pdf(report), signing.p12), head(city))
    assert codes(refused.value) == [code]
    assert stored_files() == 0


def test_a_look_alike_pdf_with_the_right_keywords_but_other_content_is_refused(ctx, report, city, signing):
    from formplatform.reporting.signatures import accept_signed_upload
    from renderers.pdf import render_pdf

    heading = {"report_id": report.id, "digest": report.content_digest(), "agency": "UBND Quận 1"}
    forged = render_pdf(library_definition("cchc-report"), {"agency": "Nội dung khác"}, heading=heading)
    with pytest.raises(Invalid) as refused:
        accept_signed_upload(report, signed_elsewhere(forged, signing.p12), head(city))
    assert codes(refused.value) == ["pdf_not_the_rendering"]


def test_a_pdf_changed_after_it_was_signed_is_refused_as_partially_signed(ctx, report, city, signing):
    from formplatform.reporting.signatures import accept_signed_upload

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_elsewhere(_pdf(report), signing.p12)))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    appended = io.BytesIO()
    writer.write(appended)
    with pytest.raises(Invalid) as refused:
        accept_signed_upload(report, appended.getvalue(), head(city))
    assert codes(refused.value) == ["signature_partial"]


def test_an_untrusted_upload_is_refused(ctx, report, city, signing):
    from formplatform.reporting.signatures import accept_signed_upload

    with pytest.raises(Invalid) as refused:
        accept_signed_upload(report, signed_elsewhere(_pdf(report), signing.stranger), head(city))
    assert codes(refused.value) == ["certificate_untrusted"]


# --- signing as a step of the chain, and the status afterwards ------------------------------------


def test_signing_approves_the_step_and_the_status_follows_every_change(ctx, report, city, signing, app, monkeypatch):
    from formplatform.models import StoredFile
    from formplatform.reporting.models import Report
    from formplatform.reporting.signatures import sign_and_approve, signature_status

    moved, record = sign_and_approve(report, head(city), p12=signing.p12, password=DEMO_P12_PASSWORD)
    assert moved.state == "submitted" and moved.step == SIGN_STEP + 1
    assert moved.signature == record
    assert signature_status(moved).state == "valid"
    monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", str(signing.other_ca))
    assert signature_status(moved).state == "untrusted"
    monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", "")
    Report.objects(id=report.id).update(set__data={**moved.data, "causes": "Nguyên nhân đã sửa sau khi ký."})
    changed = signature_status(reload(report))
    assert changed.state == "content_changed" and "content_changed" in changed.problems
    tampered = flip_inside_content(bytes(StoredFile.objects(id=record["file_id"]).first().content))
    StoredFile.objects(id=record["file_id"]).update(set__content=tampered)
    broken = signature_status(reload(report))
    assert broken.state == "invalid"
    assert {"signed_file_altered", "signature_altered"} <= set(broken.problems)
    assert signature_status(make_report(city, period="2026-M09")).state == "none"


def test_only_the_signer_at_a_signing_step_may_sign(ctx, report, city, signing):
    from formplatform.reporting.signatures import sign_and_approve

    with pytest.raises(Forbidden):
        sign_and_approve(report, city.users["tp_q1"], p12=signing.p12, password=DEMO_P12_PASSWORD)
    at_division = make_report(city, step=1, period="2026-M08")
    with pytest.raises(Conflict) as off_step:
        sign_and_approve(at_division, city.users["tp_q1"], p12=signing.p12, password=DEMO_P12_PASSWORD)
    assert off_step.value.code == "not_signing_step"
    with pytest.raises(Conflict):
        sign_and_approve(report, head(city), p12=signing.p12, password=DEMO_P12_PASSWORD, expected_step=1)
    assert stored_files() == 0


def test_the_password_and_the_certificate_file_are_never_stored(ctx, report, city, signing):
    from formplatform.db import all_documents
    from formplatform.reporting.signatures import sign_and_approve

    with pytest.raises(Invalid):
        sign_and_approve(report, head(city), p12=signing.p12, password=WRONG_PASSWORD)
    sign_and_approve(report, head(city), p12=signing.p12, password=DEMO_P12_PASSWORD)
    db = mongoengine.get_db()
    names = set(db.list_collection_names()) | {d._get_collection_name() for d in all_documents()}
    secrets = [DEMO_P12_PASSWORD.encode(), WRONG_PASSWORD.encode(), signing.p12[-64:]]
    seen = 0
    for name in names:
        for document in db[name].find():
            encoded = bson.encode(document)
            seen += 1
            assert not any(secret in encoded for secret in secrets), name
    assert seen > 10
    assert db["audit_events"].count_documents({"action": "report.signature_stored"}) == 1
    refused = db["audit_events"].find_one({"action": "report.signature_refused"})
    assert refused["outcome"] == "failed" and refused["details"]["codes"] == ["certificate_unreadable"]


def test_signing_works_where_an_event_loop_is_already_running(ctx, report, city, signing):
    """pyHanko's synchronous API calls asyncio.run(); under an async server it must not fail."""
    import asyncio
    import threading

    from flask import current_app

    from formplatform.reporting.signatures import sign_report, signature_status

    app = current_app._get_current_object()
    found: dict[str, Any] = {}

    async def inside_a_loop() -> None:
        with app.app_context():
            found["record"] = sign_report(report, signing.p12, DEMO_P12_PASSWORD, head(city))
            report.signature = found["record"]
            found["state"] = signature_status(report).state

    # A thread of its own: the test process may already run an event loop here (Playwright's).
    worker = threading.Thread(target=lambda: asyncio.run(inside_a_loop()))
    worker.start()
    worker.join()
    assert found["record"]["trusted"] is True
    assert found["state"] == "valid"


# --- pages and API --------------------------------------------------------------------------------


def test_the_sign_page_signs_and_approves(app, client, report, city, signing):
    from formplatform.models import StoredFile

    log_in(client, "ct_q1", CITY_PASSWORD)
    page = client.get(f"/reports/{report.id}/sign")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="password" type="password" autocomplete="off"' in html
    assert f"/reports/{report.id}/pdf" in html and "demo-certificate.p12" in html
    form = {
        "csrf_token": csrf_token(client, f"/reports/{report.id}/sign"),
        "method": "pkcs12",
        "step": str(SIGN_STEP),
        "password": WRONG_PASSWORD,
        "p12": (io.BytesIO(signing.p12), "chu-tich.p12"),
    }
    refused = client.post(f"/reports/{report.id}/sign", data=form, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert WRONG_PASSWORD not in refused.get_data(as_text=True)
    assert "PKCS#12" in refused.get_data(as_text=True)
    form.update(password=DEMO_P12_PASSWORD, p12=(io.BytesIO(signing.p12), "chu-tich.p12"))
    done = client.post(f"/reports/{report.id}/sign", data=form, content_type="multipart/form-data")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/reports/{report.id}?done=signed")
    signed = reload(report)
    assert signed.state == "submitted" and signed.signature["signer"] == "Lê Văn Chủ Tịch"
    download = client.get(f"/reports/{report.id}/signed.pdf")
    assert download.mimetype == "application/pdf"
    assert download.data == bytes(StoredFile.objects(id=signed.signature["file_id"]).first().content)


def test_pages_are_for_the_signer_and_pdfs_for_readers(app, client, report, city, signing):
    log_in(client, "cv_q1", CITY_PASSWORD)
    assert client.get(f"/reports/{report.id}/sign").status_code == 403
    preview = client.get(f"/reports/{report.id}/pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert client.get(f"/reports/{report.id}/signed.pdf").status_code == 404  # not signed yet
    other = app.test_client()
    log_in(other, "cv_q3", CITY_PASSWORD)
    for path in ("sign", "pdf", "signed.pdf"):
        assert other.get(f"/reports/{report.id}/{path}").status_code == 404


def test_the_demo_certificate_download_is_for_the_signer_and_only_in_demo_mode(
    app, client, report, city, signing, monkeypatch
):
    from cryptography.hazmat.primitives.serialization import pkcs12

    log_in(client, "ct_q1", CITY_PASSWORD)
    response = client.get(f"/reports/{report.id}/sign/demo-certificate.p12")
    assert response.status_code == 200 and response.mimetype == "application/x-pkcs12"
    _, certificate, _ = pkcs12.load_key_and_certificates(response.data, DEMO_P12_PASSWORD.encode())
    assert certificate is not None
    monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", str(signing.other_ca))
    assert client.get(f"/reports/{report.id}/sign/demo-certificate.p12").status_code == 404
    assert "demo-certificate.p12" not in client.get(f"/reports/{report.id}/sign").get_data(as_text=True)


def test_a_downloaded_demo_certificate_is_bound_to_its_holder(app, client, report, city, signing):
    from formplatform.accounts.certificates import fingerprint
    from formplatform.accounts.models import SignerCertificate
    from formplatform.reporting.signatures import sign_and_approve

    SignerCertificate.objects(user_id=head(city).id).delete()
    log_in(client, "ct_q1", CITY_PASSWORD)
    downloaded = client.get(f"/reports/{report.id}/sign/demo-certificate.p12").data
    [record] = SignerCertificate.objects(user_id=head(city).id)
    assert record.status == "confirmed" and record.fingerprint == fingerprint(bytes(record.der))
    with app.test_request_context():
        moved, signed = sign_and_approve(report, head(city), p12=downloaded, password=DEMO_P12_PASSWORD)
    assert signed["binding"] == "registered" and moved.state == "submitted"


def test_the_api_signs_and_reports_the_status(app, client, report, city, signing):
    headers = bearer(client, "ct_q1", CITY_PASSWORD)
    url = f"/api/v1/reports/{report.id}/signature"
    assert client.get(url, headers=headers).get_json()["state"] == "none"
    missing = client.post(url, headers=headers, data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and missing.get_json()["error"]["errors"][0]["code"] == "certificate_required"
    body = {"p12": (io.BytesIO(signing.p12), "me.p12"), "password": DEMO_P12_PASSWORD, "comment": "Đồng ý"}
    created = client.post(url, headers=headers, data=body, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["report"]["state"] == "submitted"
    status = client.get(url, headers=headers).get_json()
    assert status["state"] == "valid" and status["checks"][0]["trusted"] is True
    assert status["signature"]["signer"] == "Lê Văn Chủ Tịch"
    pdf = client.get(f"/api/v1/reports/{report.id}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    signed = client.get(f"/api/v1/reports/{report.id}/signed.pdf", headers=headers)
    assert hashlib.sha256(signed.data).hexdigest() == status["signature"]["sha256"]
    assert client.get(url).status_code == 401


def test_the_api_accepts_a_pdf_signed_elsewhere(app, client, report, city, signing):
    headers = bearer(client, "ct_q1", CITY_PASSWORD)
    pdf = client.get(f"/api/v1/reports/{report.id}/pdf", headers=headers).data
    upload = {"pdf": (io.BytesIO(signed_elsewhere(pdf, signing.p12)), "signed.pdf"), "step": str(SIGN_STEP)}
    url = f"/api/v1/reports/{report.id}/signature"
    created = client.post(url, headers=headers, data=upload, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["signature"]["method"] == "upload"


def test_the_openapi_document_lists_the_signature_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "get"} <= set(paths["/reports/{report_id}/signature"])
    assert "get" in paths["/reports/{report_id}/pdf"] and "get" in paths["/reports/{report_id}/signed.pdf"]


def test_the_signature_panel_shows_signer_time_and_changes(ctx, app, report, city, signing):
    from flask import render_template

    from formplatform.reporting.models import Report
    from formplatform.reporting.signatures import sign_and_approve

    assert render_template("reporting/_signature.html", report=report).strip() == ""
    moved, _ = sign_and_approve(report, head(city), p12=signing.p12, password=DEMO_P12_PASSWORD)
    html = render_template("reporting/_signature.html", report=moved)
    assert 'data-state="valid"' in html and "Lê Văn Chủ Tịch" in html and "(UTC+7)" in html
    Report.objects(id=report.id).update(set__data={**moved.data, "causes": "Đã sửa."})
    changed = render_template("reporting/_signature.html", report=reload(report))
    assert 'data-state="content_changed"' in changed and 'role="alert"' in changed


def test_the_signature_panel_lists_every_signature_of_the_pdf(app, report, city, signing):
    from flask import render_template

    from formplatform.reporting.signatures import sign_and_approve, sign_pdf

    with app.test_request_context("/?lang=en"):
        first = sign_pdf(_pdf(report), signing.p12, DEMO_P12_PASSWORD, signer_name=None, reason="r", location="l")
        both = signed_elsewhere(first, signing.p12)  # a second signer countersigns the same PDF
        moved, _ = sign_and_approve(report, head(city), pdf=both)
        html = render_template("reporting/_signature.html", report=moved)
    assert 'data-testid="signature-list"' in html and "The PDF carries 2 signatures." in html
    rows = re.findall(r'<li data-fp-signature-state="(\w+)">\s*<strong>([^<]+)</strong>([^<]*)', html)
    assert [(state, signer) for state, signer, _ in rows] == [("valid", "Lê Văn Chủ Tịch")] * 2
    assert all("(UTC+7)" in rest for _, _, rest in rows)


# --- configuration ----------------------------------------------------------------------------------


def test_trust_roots_must_be_a_pem_file_and_demo_signing_is_off_in_production(tmp_path, signing):
    from formplatform.config import ConfigError, load_config

    base = {"MONGODB_URI": "mongomock://localhost/x", "SECRET_KEY": "s" * 20}
    not_pem = tmp_path / "roots.pem"
    not_pem.write_text("not a certificate")
    with pytest.raises(ConfigError, match="SIGNATURE_TRUST_ROOTS"):
        load_config({**base, "SIGNATURE_TRUST_ROOTS": str(not_pem)})
    with pytest.raises(ConfigError, match="SIGNATURE_TRUST_ROOTS"):
        load_config({**base, "SIGNATURE_TRUST_ROOTS": str(tmp_path / "missing.pem")})
    assert load_config({**base, "SIGNATURE_TRUST_ROOTS": str(signing.other_ca)})["SIGNATURE_TRUST_ROOTS"]
    assert load_config({**base, "ENV": "production"})["SIGNATURE_DEMO_CA"] is False
    assert load_config({**base, "ENV": "production", "DEMO_DATA": "1"})["SIGNATURE_DEMO_CA"] is True
    assert load_config({**base, "ENV": "development"})["SIGNATURE_DEMO_CA"] is True


def test_configured_trust_roots_replace_the_demo_ca(app, signing, monkeypatch):
    from formplatform.reporting.signature_checks import demo_signing_enabled, trust_roots

    with app.app_context():
        [demo] = trust_roots()
        assert "Thử nghiệm" in demo.subject.human_friendly and demo_signing_enabled()
        monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", str(signing.other_ca))
        [other] = trust_roots()
        assert other.dump() != demo.dump() and not demo_signing_enabled()
        monkeypatch.setitem(app.config, "SIGNATURE_TRUST_ROOTS", "")
        monkeypatch.setitem(app.config, "SIGNATURE_DEMO_CA", False)
        assert trust_roots() == []  # a demo CA left in DATA_DIR is not trusted once demo signing is off
        monkeypatch.setitem(app.config, "SIGNATURE_DEMO_CA", True)
        monkeypatch.setitem(app.config, "DATA_DIR", str(signing.data_dir / "nothing-here"))
        assert trust_roots() == []  # no demo CA created there: nobody is trusted


def test_signed_pdfs_of_earlier_submissions_stay_listed_and_downloadable(app, client, report, city, signing):
    import re

    from formplatform.models import StoredFile
    from formplatform.reporting import workflow
    from formplatform.reporting.signatures import sign_and_approve
    from tests.formplatform.reporting.workflow_support import users

    u = users(city)
    with app.test_request_context():
        _, first = sign_and_approve(report, u["ct_q1"], p12=signing.p12, password=DEMO_P12_PASSWORD)
        workflow.return_report(report.id, u["thamdinh"], comment="Bổ sung số liệu quý")
        assert reload(report).signature is None  # the return clears the current signature only
    log_in(client, "cv_q1", CITY_PASSWORD)
    earlier = client.get(f"/reports/{report.id}/signatures/{first['file_id']}.pdf")
    assert earlier.status_code == 200 and earlier.mimetype == "application/pdf"
    assert earlier.data == bytes(StoredFile.objects(id=first["file_id"]).first().content)
    with app.test_request_context():
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        _, second = sign_and_approve(reload(report), u["ct_q1"], p12=signing.p12, password=DEMO_P12_PASSWORD)
    assert first["file_id"] != second["file_id"] and reload(report).signature["file_id"] == second["file_id"]
    client._cookies.clear()
    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get(f"/reports/{report.id}?lang=en").get_data(as_text=True)
    listed = re.findall(r'data-fp-signed="([^"]+)" data-fp-current="(yes|no)"', html)
    assert listed == [(first["file_id"], "no"), (second["file_id"], "yes")]
    for record in (first, second):
        url = f"/reports/{report.id}/signatures/{record['file_id']}.pdf"
        assert f'href="{url}"' in html
        pdf = client.get(url)
        assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == record["sha256"]
    assert client.get(f"/reports/{report.id}/signed.pdf").data == client.get(url).data  # the current is the second
    api = app.test_client()
    history = api.get(f"/api/v1/reports/{report.id}/history", headers=bearer(api, "thamdinh", CITY_PASSWORD))
    signs = [s["signature"]["file_id"] for s in history.get_json()["steps"] if s["action"] == "sign"]
    assert signs == [first["file_id"], second["file_id"]]
    other = app.test_client()
    log_in(other, "cv_q3", CITY_PASSWORD)
    assert other.get(f"/reports/{report.id}/signatures/{first['file_id']}.pdf").status_code == 404
    assert client.get(f"/reports/{report.id}/signatures/no-such-file.pdf").status_code == 404
