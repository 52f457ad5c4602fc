"""REST API v1 routes of report signatures: sign (certificate file or signed PDF), status, PDFs."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request
from pydantic import BaseModel, Field

from formplatform.apispec import AUTH, Open, api, ok
from formplatform.auth import current_principal, current_user
from formplatform.errors import Forbidden, Unauthorized
from formplatform.reporting import api_bp
from formplatform.reporting.reports import readable_report
from formplatform.reporting.signature_checks import signature_status
from formplatform.reporting.signature_pages import P12_LIMIT, pdf_name, pdf_response, signed_file
from formplatform.reporting.signatures import report_pdf_for, sign_and_approve


class PostSignatureUpload(BaseModel):
    """Either `p12` and `password` (signed here, PAdES), or `pdf` (a PDF signed elsewhere)."""

    p12: bytes | None = Field(None, json_schema_extra={"format": "binary"})
    password: str | None = Field(None, description="Its password; never stored or logged")
    pdf: bytes | None = Field(None, json_schema_extra={"format": "binary"})
    comment: str | None = None
    step: int | None = Field(None, description="The step the caller saw; another step gives 409")


def _file(name: str, limit: int) -> bytes | None:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return upload.read(limit + 1)


def _step() -> int | None:
    value = (request.form.get("step") or "").strip()
    return int(value) if value.isdigit() else None


@api_bp.post("/reports/<report_id>/signature")
@api.validate(form=PostSignatureUpload, resp=ok(Open, 201, HTTP_409=None), tags=["reports"], security=AUTH)
def post_signature(report_id: str) -> Any:
    """Sign at the signing step: multipart `p12` + `password`, or `pdf` (signed elsewhere); then approve."""
    user = current_user()
    if user is None:
        raise Unauthorized() if current_principal() is None else Forbidden()  # integration clients never sign
    report = readable_report(user, report_id)
    pdf = _file("pdf", current_app.config["MAX_UPLOAD_BYTES"])
    p12 = _file("p12", P12_LIMIT)
    comment = (request.form.get("comment") or "").strip()
    moved, record = sign_and_approve(
        report,
        user,
        pdf=pdf,
        p12=p12,
        password=request.form.get("password") or "",
        comment=comment,
        expected_step=_step(),
    )
    return jsonify({"signature": record, "report": {"id": moved.id, "state": moved.state, "step": moved.step}}), 201


@api_bp.get("/reports/<report_id>/signature")
@api.validate(resp=ok(Open), tags=["reports"], security=AUTH)
def get_signature(report_id: str) -> Any:
    """The report's signature re-verified now: valid, invalid, content_changed, untrusted (or none)."""
    report = readable_report(current_principal(), report_id)
    return jsonify(signature_status(report).as_dict())


@api_bp.get("/reports/<report_id>/pdf")
@api.validate(resp=ok(None), tags=["reports"], security=AUTH)
def get_report_pdf(report_id: str) -> Any:
    """The report rendered as the PDF that gets signed."""
    report = readable_report(current_principal(), report_id)
    return pdf_response(report_pdf_for(current_user(), report), pdf_name(report))


@api_bp.get("/reports/<report_id>/signed.pdf")
@api.validate(resp=ok(None), tags=["reports"], security=AUTH)
def get_signed_pdf(report_id: str) -> Any:
    """The stored signed PDF."""
    report = readable_report(current_principal(), report_id)
    return pdf_response(bytes(signed_file(report).content), pdf_name(report, signed=True))
