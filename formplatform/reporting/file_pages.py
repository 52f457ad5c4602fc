"""Downloads from a report page: its evidence files and the signed PDFs of every submission.

Both answer only to people who may read the report (everyone else gets 404, as for the report
itself) and only for files the report references (see report_files). Evidence is always an
attachment, with its stored content type and `nosniff`: an uploaded file never runs in our origin.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from formplatform.apispec import AUTH, api, ok
from formplatform.auth import current_principal, current_user, require_login
from formplatform.models import StoredFile
from formplatform.reporting import api_bp, bp
from formplatform.reporting.report_files import attachment_disposition, evidence_file, signed_copy
from formplatform.reporting.reports import readable_report
from formplatform.reporting.signature_pages import pdf_name, pdf_response


def file_response(stored: StoredFile) -> Response:
    """The stored bytes as a download: stored content type, safe file name, never sniffed nor shared-cached."""
    response = Response(bytes(stored.content), content_type=stored.content_type or "application/octet-stream")
    response.headers["Content-Disposition"] = attachment_disposition(stored.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _signed_name(stored: StoredFile, report: Any) -> str:
    return pdf_name(report, signed=True).removesuffix(".pdf") + f"-{stored.id[:8]}.pdf"


@bp.get("/reports/<report_id>/files/<file_id>")
@require_login
def evidence(report_id: str, file_id: str) -> Any:
    """An evidence file attached to the report."""
    report = readable_report(current_user(), report_id)
    return file_response(evidence_file(report, file_id))


@bp.get("/reports/<report_id>/signatures/<file_id>.pdf")
@require_login
def signed_copy_pdf(report_id: str, file_id: str) -> Any:
    """A signed PDF of the report, the current one or one of an earlier submission, byte for byte."""
    report = readable_report(current_user(), report_id)
    stored = signed_copy(report, file_id)
    return pdf_response(bytes(stored.content), _signed_name(stored, report))


@api_bp.get("/reports/<report_id>/files/<file_id>")
@api.validate(resp=ok(None), tags=["reports"], security=AUTH)
def api_evidence(report_id: str, file_id: str) -> Any:
    """An evidence file attached to the report (REST)."""
    report = readable_report(current_principal(), report_id)
    return file_response(evidence_file(report, file_id))


@api_bp.get("/reports/<report_id>/signatures/<file_id>.pdf")
@api.validate(resp=ok(None), tags=["reports"], security=AUTH)
def api_signed_copy(report_id: str, file_id: str) -> Any:
    """A signed PDF of the report, current or earlier (REST)."""
    report = readable_report(current_principal(), report_id)
    stored = signed_copy(report, file_id)
    return pdf_response(bytes(stored.content), _signed_name(stored, report))
