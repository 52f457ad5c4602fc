"""Signature pages: the PDF of a report, its signed PDF, the signing page, and the signature panel.

Signing takes the signer's PKCS#12 file and password (used in memory for this one request, never
stored or echoed back), or a PDF signed elsewhere; then the signing step is approved with it.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

from flask import Response, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from formplatform.accounts.certificates import register_certificate
from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.auth import current_user, require_login
from formplatform.errors import Conflict, Invalid, NotFound, localize_problems
from formplatform.models import StoredFile
from formplatform.reporting import bp
from formplatform.reporting.demo_ca import CA_NAME, DEMO_P12_PASSWORD, demo_certificate_pem, issue_demo_certificate
from formplatform.reporting.models import Report
from formplatform.reporting.periods import period_label
from formplatform.reporting.reports import readable_report
from formplatform.reporting.signature_checks import (
    SignatureCheck,
    SignatureStatus,
    demo_pki_directory,
    demo_signing_enabled,
    signature_status,
)
from formplatform.reporting.signatures import report_pdf_for, require_signing_step, sign_and_approve
from formplatform.services.forms import get_form
from i18n.babel import current_locale
from i18n.messages import problem_message
from i18n.text import localize

P12_LIMIT = 256 * 1024  # a PKCS#12 with a key and a chain is a few KB
VN_OFFSET = timedelta(hours=7)
STATE_LABELS = {
    "valid": _l("Valid signature"),
    "invalid": _l("Invalid signature"),
    "content_changed": _l("Changed since signing"),
    "untrusted": _l("Certificate not trusted"),
}
STATE_BADGES = {"valid": "success", "invalid": "danger", "content_changed": "warning", "untrusted": "warning"}
STATE_EXPLAINED = {
    "valid": _l("The signed PDF is intact and the signer's certificate is trusted."),
    "invalid": _l("The signed PDF fails verification: it was altered, or its signature is broken."),
    "content_changed": _l(
        "The report was changed after it was signed: the signature vouches for an earlier content only."
    ),
    "untrusted": _l("The signed PDF is intact, but the signer's certificate is not issued by a trusted authority."),
}
REVOCATION_LABELS = {
    "good": _l("Not revoked: checked against the certificate authority's revocation list or OCSP"),
    "revoked": _l("Revoked"),
    "not_checked": _l("Revocation not checked: no revocation list or OCSP answer was available"),
}
BINDING_LABELS = {
    "registered": _l("a certificate the signer registered and an administrator confirmed"),
    "subject_id": _l("the personal id or tax code the certificate names"),
}
METHOD_LABELS = {"pkcs12": _l("Signed on the platform with a certificate file"), "upload": _l("Signed elsewhere")}


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> Response:
    """PDF bytes for the browser; never cached by shared caches (reports are not public)."""
    disposition = "inline" if inline else "attachment"
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def pdf_name(report: Report, signed: bool = False) -> str:
    """An ASCII file name: bao-cao-<form>-<period>-<id>[-da-ky].pdf."""
    return f"bao-cao-{report.form_key}-{report.period_key}-{report.id}{'-da-ky' if signed else ''}.pdf"


def signed_file(report: Report) -> StoredFile:
    record = report.signature or {}
    stored = StoredFile.objects(id=record.get("file_id")).first() if record.get("file_id") else None
    if stored is None:
        raise NotFound()
    return stored


def vietnam_time(text: Any) -> str:
    """An ISO UTC time as dd/mm/yyyy HH:MM in Vietnam (UTC+7), for people."""
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return ""
    return (moment.replace(tzinfo=None) + VN_OFFSET).strftime("%d/%m/%Y %H:%M") + " (UTC+7)"


def signature_rows(checks: list[SignatureCheck]) -> list[dict[str, Any]]:
    """Every signature found in the PDF, in signing order: signer, claimed time and validity in words."""
    rows = []
    for check in checks:
        state = "valid" if not check.problems else "untrusted" if check.intact and check.valid else "invalid"
        rows.append(
            {
                "signer": check.signer,
                "organization": check.organization,
                "time": vietnam_time(check.signing_time.isoformat()) if check.signing_time else "",
                "state": state,
                "label": STATE_LABELS[state],
                "badge": STATE_BADGES[state],
                "problems": [problem_message(code, {}) for code in check.problems if code != "certificate_untrusted"],
            }
        )
    return rows


def _validity(record: dict[str, Any]) -> str:
    start, end = (vietnam_time(record.get(key))[:10] for key in ("valid_from", "valid_to"))
    return f"{start} – {end}" if start and end else ""


@bp.app_template_global()
def signature_panel(report: Report) -> dict[str, Any] | None:
    """What reporting/_signature.html shows for a report: None when it was never signed."""
    status: SignatureStatus = signature_status(report)
    if status.state == "none" or not status.record:
        return None
    record = status.record
    return {
        "status": status,
        "label": STATE_LABELS[status.state],
        "badge": STATE_BADGES[status.state],
        "explained": STATE_EXPLAINED[status.state],
        "signed_at": vietnam_time(record.get("signed_at")),
        "method": METHOD_LABELS.get(record.get("method"), ""),
        "revocation": REVOCATION_LABELS.get(record.get("revocation") or "not_checked", ""),
        "binding": BINDING_LABELS.get(record.get("binding") or "", ""),
        "validity": _validity(record),
        "problems": [problem_message(code, {}) for code in status.problems if code != "certificate_untrusted"],
        "pdf_url": url_for("reporting.signed_pdf", report_id=report.id),
        "signatures": signature_rows(status.checks),
    }


@bp.get("/reports/<report_id>/pdf")
@require_login
def report_pdf(report_id: str) -> Any:
    """The report rendered as the PDF that gets signed (its current content)."""
    report = readable_report(current_user(), report_id)
    return pdf_response(report_pdf_for(current_user(), report), pdf_name(report))


@bp.get("/reports/<report_id>/signed.pdf")
@require_login
def signed_pdf(report_id: str) -> Any:
    """The stored signed PDF, byte for byte as it was signed and accepted."""
    report = readable_report(current_user(), report_id)
    return pdf_response(bytes(signed_file(report).content), pdf_name(report, signed=True))


def bind_demo_certificate(user: User, path: Any) -> None:
    """The demo CA issued this certificate to this account: it is registered as confirmed (once)."""
    with contextlib.suppress(Invalid):  # already registered
        register_certificate(user, demo_certificate_pem(path), user, confirmed=True)


def _agency_name(report: Report) -> str:
    agency = Agency.objects(id=report.agency_id).only("name").first()
    return localize(agency.name, "vi") if agency else ""


def _sign_page(report: Report, status: int = 200, **state: Any) -> Any:
    return render_template(
        "reporting/sign.html",
        report=report,
        agency_name=_agency_name(report),
        report_title=localize(get_form(report.form_key).title, current_locale()),
        period=period_label(report.period_key, current_locale(), report.period_start.date(), report.period_end.date()),
        demo=demo_signing_enabled(),
        demo_ca=CA_NAME,
        demo_password=DEMO_P12_PASSWORD,
        limit_mb=round(current_app.config["MAX_UPLOAD_BYTES"] / (1024 * 1024)),
        errors=state.get("errors") or [],
        method=state.get("method") or "pkcs12",
        comment=state.get("comment") or "",
        message=state.get("message") or "",
    ), status


def _upload(name: str, limit: int) -> bytes | None:
    """The bytes of an uploaded file (one byte over the limit at most, so size checks can refuse it)."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.read(limit + 1)


@bp.route("/reports/<report_id>/sign", methods=["GET", "POST"])
@require_login
def sign_page(report_id: str) -> Any:
    """Sign the report with a certificate file (.p12/.pfx + password), or upload a PDF signed elsewhere."""
    user = current_user()
    report = readable_report(user, report_id)
    require_signing_step(user, report)
    if request.method == "GET":
        return _sign_page(report)
    method = "upload" if request.form.get("method") == "upload" else "pkcs12"
    comment = (request.form.get("comment") or "").strip()
    step = request.form.get("step") or ""
    expected = int(step) if step.isdigit() else None  # the step the page was opened at: stale forms get 409
    assert isinstance(user, User)
    if method == "upload":
        given: dict[str, Any] = {"pdf": _upload("pdf", current_app.config["MAX_UPLOAD_BYTES"])}
    else:
        given = {"p12": _upload("p12", P12_LIMIT), "password": request.form.get("password") or ""}
    try:
        sign_and_approve(report, user, comment=comment, expected_step=expected, **given)
    except Invalid as error:
        return _sign_page(report, 422, errors=localize_problems(error.problems), method=method, comment=comment)
    except Conflict:
        message = gettext("Someone else moved this report on since you opened it; nothing was signed.")
        return _sign_page(Report.objects(id=report.id).first() or report, 409, message=message, method=method)
    return redirect(url_for("reporting.report", report_id=report.id, done="signed"))


@bp.get("/reports/<report_id>/sign/demo-certificate.p12")
@require_login
def demo_certificate(report_id: str) -> Any:
    """A demo certificate for the signer (demo CA; never offered once real trust roots are configured)."""
    user = current_user()
    report = readable_report(user, report_id)
    require_signing_step(user, report)
    if not demo_signing_enabled() or not isinstance(user, User):
        raise NotFound()
    path = issue_demo_certificate(
        demo_pki_directory(), user.username, user.display_name or user.username, _agency_name(report)
    )
    bind_demo_certificate(user, path)
    record_event("signature.demo_certificate", actor=user, target_type="user", target_id=user.id)
    return send_file(
        path, mimetype="application/x-pkcs12", as_attachment=True, download_name=f"{user.username}-demo.p12"
    )
