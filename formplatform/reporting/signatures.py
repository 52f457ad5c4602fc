"""Digital signatures of reports: render the PDF, sign it (PAdES, pyHanko), verify it, and keep it.

A signature vouches for one rendering of the report: the PDF's keywords name the report and the
content digest it was rendered from (`Report.content_digest()`), and the signature covers them. So a
change to the PDF breaks the signature, and a change to the report afterwards shows as
"content_changed". The signer's PKCS#12 file and its password are used in memory for one request and
are never stored, logged or put in an audit event.
"""

from __future__ import annotations

import io
from typing import Any

from flask import current_app
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from form_definitions.problems import Problem
from formplatform.accounts.certificates import certificate_binding
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Forbidden, Invalid
from formplatform.models import StoredFile, utcnow
from formplatform.reporting import signature_messages  # noqa: F401 - registers the refusal messages
from formplatform.reporting.doc_numbers import prepare_document
from formplatform.reporting.models import Report
from formplatform.reporting.report_pdf import render_report_document, render_report_pdf
from formplatform.reporting.signature_checks import (
    SignatureCheck,
    SignatureStatus,
    iso_time,
    off_loop,
    pdf_keywords,
    signature_status,
    trust_roots,
    verify_pdf,
)
from formplatform.reporting.signature_stamp import stamp_text, visible_field
from formplatform.services.files import store_file
from renderers.pdf_official import SignatureBox

__all__ = [
    "SignatureCheck",
    "SignatureStatus",
    "accept_signed_upload",
    "discard_signature",
    "render_report_pdf",
    "require_signing_step",
    "sign_and_approve",
    "sign_pdf",
    "sign_report",
    "signature_status",
    "verify_pdf",
]

AUDITED = ("file_id", "sha256", "signer", "method", "digest", "serial", "issuer_name", "revocation", "binding")
SIGN_REASON = "Phê duyệt và ký số báo cáo"  # written into the signed PDF, which is Vietnamese
SIGN_LOCATION = "Thành phố Hồ Chí Minh"

# --- rendering and signing ------------------------------------------------------------------------


def _refuse(path: str, code: str, **params: Any) -> Invalid:
    return Invalid([Problem(path, code, params)], code="signature_rejected")


def load_signer(p12: bytes, password: str) -> signers.SimpleSigner:
    """The key and certificate of a PKCS#12 file, in memory only; Invalid when it cannot be opened."""
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=[], passphrase=password.encode("utf-8"))
    except (ValueError, TypeError, AttributeError):  # AttributeError: a file holding certificates only
        # never chain the original error: nothing about the file or the password goes to a log
        raise _refuse("p12", "certificate_unreadable") from None
    if signer.signing_key is None or signer.signing_cert is None:
        raise _refuse("p12", "certificate_unreadable")
    return signer


def sign_pdf(
    pdf: bytes,
    p12: bytes,
    password: str,
    *,
    signer_name: str | None,
    reason: str,
    location: str,
    box: SignatureBox | None = None,
) -> bytes:
    """A PAdES baseline (B-B) signature over the whole PDF, made with the signer's PKCS#12 in memory;
    visible in `box` (signer, time, issuer) when one is given."""
    signer = load_signer(p12, password)
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature1",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=signer_name or signer.signing_cert.subject.native.get("common_name"),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    pdf_signer = signers.PdfSigner(metadata, signer, **(visible_field(box) if box else {}))
    output = off_loop(pdf_signer.sign_pdf, writer)
    return output.getvalue()


def _sound(checks: list[SignatureCheck]) -> SignatureCheck:
    """The signature that covers the whole file, if every signature in it is intact, valid and trusted."""
    if not checks:
        raise _refuse("pdf", "pdf_not_signed")
    for check in checks:
        if check.problems:
            raise _refuse("pdf", check.problems[0])
    last = checks[-1]
    if not last.whole_document:
        raise _refuse("pdf", "signature_partial")
    return last


def _bound(check: SignatureCheck, actor: User) -> str:
    """How the signing certificate is bound to the acting account; refused when it is not."""
    binding = certificate_binding(actor, check.certificate) if check.certificate else None
    if binding is None:
        raise _refuse("pdf", "certificate_not_bound", serial=check.serial, issuer=check.issuer_name)
    return binding


def _keep(report: Report, signed: bytes, check: SignatureCheck, actor: User, method: str) -> dict[str, Any]:
    """Store the signed PDF and describe the signature as the report will keep it."""
    binding = _bound(check, actor)
    name = f"bao-cao-{report.form_key}-{report.period_key}-{report.id}-da-ky.pdf"
    limit = max(current_app.config["MAX_UPLOAD_BYTES"], len(signed))  # our own rendering is never refused
    stored = store_file(name, "application/pdf", signed, max_bytes=limit, actor=actor)
    record = {
        "file_id": stored.id,
        "sha256": stored.sha256,
        "size": stored.size,
        "signer": check.signer,
        "signer_organization": check.organization,
        "signer_subject": check.subject,
        "issuer": check.issuer,
        "signing_time": iso_time(check.signing_time),
        "signed_at": utcnow().isoformat() + "Z",
        "signed_by": actor.id,
        "digest": report.content_digest(),
        "valid": True,
        "trusted": check.trusted,
        "subfilter": check.subfilter,
        "method": method,
        "serial": check.serial,
        "issuer_name": check.issuer_name,
        "valid_from": iso_time(check.valid_from),
        "valid_to": iso_time(check.valid_to),
        "revocation": check.revocation,
        "binding": binding,
    }
    record_event(
        "report.signature_stored",
        actor=actor,
        target_type="report",
        target_id=report.id,
        agency_id=report.agency_id,
        details={k: record[k] for k in AUDITED},
    )
    return record


def sign_report(report: Report, p12: bytes, password: str, actor: User) -> dict[str, Any]:
    """Render, sign with the signer's certificate, verify, and store the signed PDF; the signature record."""
    if not p12 or not password:
        raise _refuse("p12", "certificate_required")
    stamp = stamp_text(load_signer(p12, password))  # a file that cannot sign takes no number
    prepare_document(report, actor)
    pdf, box = render_report_document(report, stamp)
    signed = sign_pdf(pdf, p12, password, signer_name=None, reason=SIGN_REASON, location=SIGN_LOCATION, box=box)
    check = _sound(verify_pdf(signed, trust_roots()))
    return _keep(report, signed, check, actor, "pkcs12")


def accept_signed_upload(report: Report, pdf_bytes: bytes, actor: User) -> dict[str, Any]:
    """Accept a PDF signed elsewhere (USB-token tools) if it is this report's current PDF, soundly signed."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    if len(pdf_bytes) > limit:
        raise _refuse("pdf", "file_too_large", limit=limit)
    if not pdf_bytes.startswith(b"%PDF-"):
        raise _refuse("pdf", "file_type")
    check = _sound(verify_pdf(pdf_bytes, trust_roots()))
    keywords = pdf_keywords(pdf_bytes)
    if keywords.get("report") != report.id:
        raise _refuse("pdf", "pdf_other_report")
    if keywords.get("digest") != report.content_digest():
        raise _refuse("pdf", "pdf_content_changed")
    # The rendering is reproducible, so the signed file must begin with exactly the PDF the platform
    # hands out (signing tools append their signature): a look-alike with other content is refused.
    if not pdf_bytes.startswith(render_report_pdf(report)):
        raise _refuse("pdf", "pdf_not_the_rendering")
    return _keep(report, pdf_bytes, check, actor, "upload")


def report_pdf_for(actor: Any, report: Report) -> bytes:
    """The report's PDF as `actor` gets it: numbered, dated and naming them when they are to sign it now
    (so a PDF signed elsewhere carries its number and signer)."""
    try:
        require_signing_step(actor, report)
    except (Forbidden, Conflict):
        return render_report_pdf(report)
    prepare_document(report, actor)
    return render_report_pdf(report)


def require_signing_step(actor: Any, report: Report) -> None:
    """Only whoever acts now at a signing step of the chain may sign (403 for others, 409 off that step)."""
    from formplatform.reporting.workflow import can_act, current_step

    if not isinstance(actor, User) or not can_act(actor, report):
        raise Forbidden()
    step = current_step(report)
    if step["kind"] != "approve" or not step["sign"]:
        raise Conflict("not_signing_step", state=report.state, step=report.step)


def sign_and_approve(
    report: Report,
    actor: User,
    *,
    p12: bytes | None = None,
    password: str = "",
    pdf: bytes | None = None,
    comment: str = "",
    expected_step: int | None = None,
) -> tuple[Report, dict[str, Any]]:
    """Sign (with a PKCS#12 in memory, or a PDF signed elsewhere), then approve the signing step with it."""
    from formplatform.reporting.workflow import approve_report

    require_signing_step(actor, report)
    if expected_step is not None and expected_step != report.step:  # a stale page: sign nothing
        raise Conflict("report_conflict", state=report.state, step=report.step)
    method = "upload" if pdf else "pkcs12"
    try:
        record = accept_signed_upload(report, pdf, actor) if pdf else sign_report(report, p12 or b"", password, actor)
    except Invalid as error:  # who tried to sign what, and why it failed; never the file or the password
        details = {"method": method, "codes": [p.code for p in error.problems]}
        certificate = next((p.params for p in error.problems if p.params.get("serial")), {})
        details.update({key: certificate[key] for key in ("serial", "issuer") if key in certificate})
        record_event(
            "report.signature_refused",
            actor=actor,
            target_type="report",
            target_id=report.id,
            agency_id=report.agency_id,
            outcome="failed",
            details=details,
        )
        raise
    try:
        moved = approve_report(report.id, actor, comment=comment, signature=record, expected_step=expected_step)
    except Exception:
        discard_signature(record)  # the report did not keep it: no orphan file
        raise
    return moved, record


def discard_signature(record: dict[str, Any] | None) -> None:
    """Delete a stored signed PDF that no report kept (the approval that should have kept it failed)."""
    if record and record.get("file_id") and not Report.objects(signature__file_id=record["file_id"]).first():
        StoredFile.objects(id=record["file_id"]).delete()
